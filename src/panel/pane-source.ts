// Where a pane's reads come from: the status bar's session (borrowed), or a session of its own for "Read as".
import type { AwsSession } from '../aws/session';
import type { CallerIdentity, ConnectionTarget } from '../aws/types';
import { describeTarget } from '../status/targets';
import type { IdentityView } from './items-protocol';

export interface PaneSource {
  session: AwsSession;
  target: ConnectionTarget;
  /** How the credentials are named: the profile, "Local sandbox", "kms-lab-test-user". */
  label: string;
  /** True when the panel made the session and must dispose it. */
  owned: boolean;
  identity?: CallerIdentity;
  identityProblem?: string;
}

/** Makes a session for a target; in VS Code it can ask for an MFA code, naming the identity. */
export type SessionFactory = (target: ConnectionTarget, label: string) => AwsSession;

export function borrowedSource(session: AwsSession): PaneSource {
  return { session, target: session.target, label: describeTarget(session.target), owned: false };
}

export function ownedSource(target: ConnectionTarget, open: SessionFactory, label = describeTarget(target)): PaneSource {
  return { session: open(target, label), target, label, owned: true };
}

export function disposeSource(source: PaneSource | undefined): void {
  if (source?.owned) source.session.dispose();
}

/** "user/admin" → "admin"; "assumed-role/R/session" → "R/session". */
export function shortPrincipal(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  if (resource.startsWith('assumed-role/')) return resource.slice('assumed-role/'.length);
  if (resource === 'root') return 'root';
  return resource.split('/').pop() || arn;
}

/** A person's name for the identity: the principal's name once STS has answered, else the credentials' label. */
export function personName(source: PaneSource): string {
  return source.identity ? shortPrincipal(source.identity.arn) : source.label;
}

export function identityView(source: PaneSource | undefined, region: string, fallbackProblem = 'No AWS profile selected: pick one in the status bar.'): IdentityView {
  if (!source) return { label: 'No identity', region, problem: fallbackProblem };
  const label = personName(source);
  const via = source.target.kind === 'profile' ? `profile ${source.target.profile}` : source.label;
  return { label, via: via === label ? undefined : via, arn: source.identity?.arn, region, problem: source.identityProblem };
}
