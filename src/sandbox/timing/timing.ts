// How the sandbox behaves in time: at factor 0 (the default) every change counts at once, as the sandbox always did;
// at factor f each of AWS's delays (delays.ts) lasts f times its AWS value (1 = AWS's own timing, 0.02 = fifty times
// faster). It also remembers when IAM and KMS last changed, so a change seen later is dated from when it was made.
import { AWS_DELAYS, type DelayName } from './delays';

/** The largest factor accepted: ten times AWS's own timing. */
export const MAX_TIMING_FACTOR = 10;

export function checkTimingFactor(factor: number): number {
  if (!Number.isFinite(factor) || factor < 0 || factor > MAX_TIMING_FACTOR) {
    throw new Error(`The AWS timing factor must be a number from 0 to ${MAX_TIMING_FACTOR} (0: instant, 1: AWS's own timing), got ${factor}`);
  }
  return factor;
}

export type ChangeSource = 'iam' | 'kms';

export class SandboxTiming {
  private readonly lastChange = new Map<ChangeSource, number>();

  constructor(readonly factor = 0) {
    checkTimingFactor(factor);
  }

  get enabled(): boolean {
    return this.factor > 0;
  }

  /** The delay at this factor, in whole milliseconds (0 when timing is off). */
  delayMs(name: DelayName): number {
    return Math.round(AWS_DELAYS[name].ms * this.factor);
  }

  /** A write to IAM or KMS was accepted at `now` (epoch ms). */
  noteChange(source: ChangeSource, now: number): void {
    this.lastChange.set(source, Math.max(now, this.lastChange.get(source) ?? 0));
  }

  lastChangeOf(source: ChangeSource): number | undefined {
    return this.lastChange.get(source);
  }
}

/** Timing off: what the sandbox does unless told otherwise. */
export const INSTANT = new SandboxTiming(0);
