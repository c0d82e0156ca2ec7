import type * as vscode from 'vscode';
import type { ConnectionTarget } from './aws/types';

/** What activate() returns: read by the integration tests and by other extensions. */
export interface KmsLabApi {
  /** How long activate() took, in milliseconds. */
  activationMs: number;
  tree: vscode.TreeDataProvider<unknown>;
  /** Resolves once loads in flight have finished. */
  whenIdle(): Promise<void>;
  status: { text(): string; tooltip(): string };
  currentTarget(): ConnectionTarget | undefined;
  /** The nodes selected in the resources view. */
  selection(): readonly unknown[];
}
