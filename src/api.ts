import type * as vscode from 'vscode';
import type { ConnectionTarget } from './aws/types';
import type { StepView } from './lab/story';
import type { PanelInfo } from './panel/table-panel';
import type { ReversePanelInfo } from './panel/reverse-panel';

/** What activate() returns: read by the integration tests and by other extensions. */
export interface KmsLabApi {
  /** How long activate() took, in milliseconds. */
  activationMs: number;
  tree: vscode.TreeDataProvider<unknown>;
  /** Resolves once loads in flight have finished. */
  whenIdle(): Promise<void>;
  status: { text(): string; tooltip(): string };
  /** The active target; a lab identity's comes without its secret access key. */
  currentTarget(): ConnectionTarget | undefined;
  /** The nodes selected in the resources view. */
  selection(): readonly unknown[];
  /** The open table panels: title, subject, "Read as", and what their webviews reported (first rows, rows in the DOM). */
  tablePanels(): PanelInfo[];
  /** The open "What can this principal read?" panels, with what each shows. */
  reversePanels(): ReversePanelInfo[];
  /** The lab: each step's state as the tree shows it. */
  lab: {
    views(): StepView[];
    refresh(): Promise<void>;
    /** The walkthrough's completion context keys ("kmsLab.lab.done.<step>"), as the lab last set them. */
    walkthroughKeys(): Record<string, boolean>;
    /** The extension's log folder; the KMS Lab output channel's file is in its parent's output_logging_* folder. */
    logUri: vscode.Uri;
  };
}
