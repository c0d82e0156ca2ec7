// Where a pane's reads come from: the status bar's session (borrowed), or a session of its own for "Read as".
import * as vscode from 'vscode';
import { AwsSession } from '../aws/session';
import type { CallerIdentity, ConnectionTarget } from '../aws/types';
import { describeTarget } from '../status/targets';
import type { IdentityView } from './protocol';
import { askMfaCode } from '../status/mfa-prompt';

export interface PaneSource {
  session: AwsSession;
  target: ConnectionTarget;
  /** How the identity is named: the profile, "Local sandbox", "kms-lab-test-user". */
  label: string;
  /** True when the panel made the session and must dispose it. */
  owned: boolean;
  identity?: CallerIdentity;
  identityProblem?: string;
}

export function borrowedSource(session: AwsSession): PaneSource {
  return { session, target: session.target, label: describeTarget(session.target), owned: false };
}

export function ownedSource(target: ConnectionTarget, log: vscode.LogOutputChannel, label = describeTarget(target)): PaneSource {
  const session = new AwsSession(target, { logger: log, mfaCodeProvider: (serial) => askMfaCode(serial, label) });
  return { session, target, label, owned: true };
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

export function identityView(source: PaneSource | undefined, region: string, fallbackProblem = 'No AWS profile selected: pick one in the status bar.'): IdentityView {
  if (!source) return { label: 'No identity', region, problem: fallbackProblem };
  return { label: source.label, arn: source.identity?.arn, region, problem: source.identityProblem };
}

