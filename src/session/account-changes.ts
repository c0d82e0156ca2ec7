/**
 * The one signal that says what in the account changed. Every command that changes the account announces it here;
 * every view that shows account state subscribes and re-reads just what the change touches.
 * No vscode import: the lab core, the panel controllers and unit tests use it as it is.
 */

/** Which account and region a change happened in: views of another connection ignore it. */
export interface AccountScope {
  /** The 12-digit account id, when known. */
  readonly accountId?: string;
  readonly region: string;
}

export type KeyAspect = 'created' | 'policy' | 'grants' | 'state' | 'alias' | 'tags' | 'deleted';
export type TableAspect = 'created' | 'items' | 'encryption' | 'policy' | 'tags' | 'deleted';
export type PrincipalAspect = 'created' | 'policies' | 'credentials' | 'deleted';
export type PrincipalType = 'user' | 'role' | 'group';

export type AccountChange =
  | { readonly kind: 'key'; readonly keyId: string; readonly aspects: readonly KeyAspect[] }
  | { readonly kind: 'table'; readonly tableName: string; readonly aspects: readonly TableAspect[] }
  | { readonly kind: 'principal'; readonly principalType: PrincipalType; readonly name: string; readonly aspects: readonly PrincipalAspect[] }
  /** Anything may have changed: a sandbox reset or restart, another profile or region, a manual refresh, a change made outside KMS Lab. */
  | { readonly kind: 'everything'; readonly reason: EverythingReason };

export type EverythingReason = 'sandbox-reset' | 'sandbox-restart' | 'connection' | 'refresh' | 'outside' | 'organization';

export interface AccountChangeEvent {
  readonly scope: AccountScope;
  readonly changes: readonly AccountChange[];
  /** Who announced it, for the log: "lab step 6", "key policy tab", "table panel". */
  readonly source: string;
}

export interface Subscription {
  dispose(): void;
}

export type AccountChangeListener = (event: AccountChangeEvent) => void;

export class AccountChanges {
  private readonly listeners = new Set<AccountChangeListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  announce(event: AccountChangeEvent): void {
    if (event.changes.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  subscribe(listener: AccountChangeListener): Subscription {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}

/** A key id, key ARN or alias-free identifier reduced to the key id, so "1234…" and "arn:…:key/1234…" compare equal. */
export function keyIdOf(keyIdOrArn: string): string {
  const slash = keyIdOrArn.lastIndexOf('key/');
  return slash >= 0 ? keyIdOrArn.slice(slash + 4) : keyIdOrArn;
}

export function changesEverything(event: AccountChangeEvent): boolean {
  return event.changes.some((change) => change.kind === 'everything');
}

/** True when the event may have changed what is known of this key (or of everything). */
export function touchesKey(event: AccountChangeEvent, keyIdOrArn: string): boolean {
  const id = keyIdOf(keyIdOrArn);
  return event.changes.some((change) => change.kind === 'everything' || (change.kind === 'key' && keyIdOf(change.keyId) === id));
}

/** True when the event may have changed what is known of this table (or of everything). */
export function touchesTable(event: AccountChangeEvent, tableName: string): boolean {
  return event.changes.some((change) => change.kind === 'everything' || (change.kind === 'table' && change.tableName === tableName));
}

/** True when any principal's permissions or credentials may have changed: every access answer may be stale. */
export function touchesPrincipals(event: AccountChangeEvent): boolean {
  return event.changes.some((change) => change.kind === 'everything' || change.kind === 'principal');
}

/** True when two scopes may be the same account and region (an unknown account id matches any). */
export function sameScope(a: AccountScope, b: AccountScope): boolean {
  return a.region === b.region && (a.accountId === undefined || b.accountId === undefined || a.accountId === b.accountId);
}

/** True when the event may have changed this principal (or every principal). */
export function touchesPrincipal(event: AccountChangeEvent, principalType: PrincipalType, name: string): boolean {
  return event.changes.some(
    (change) => change.kind === 'everything' || (change.kind === 'principal' && change.principalType === principalType && change.name === name),
  );
}

function describeChange(change: AccountChange): string {
  switch (change.kind) {
    case 'key':
      return `key ${keyIdOf(change.keyId)} (${change.aspects.join(', ')})`;
    case 'table':
      return `table ${change.tableName} (${change.aspects.join(', ')})`;
    case 'principal':
      return `${change.principalType} ${change.name} (${change.aspects.join(', ')})`;
    case 'everything':
      return `everything (${change.reason})`;
  }
}

/** One line for the log: "key 1234… (policy); table kms-lab-table (items) in 123456789012 us-east-1, from lab step 6". */
export function describeChanges(event: AccountChangeEvent): string {
  const where = [event.scope.accountId, event.scope.region].filter(Boolean).join(' ');
  return `${event.changes.map(describeChange).join('; ')} in ${where}, from ${event.source}`;
}
