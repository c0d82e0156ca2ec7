import * as vscode from 'vscode';

/** KMS Lab's settings, read in one place. */
export interface Settings {
  pageSize: number;
  showAwsManagedKeys: boolean;
  maxConcurrentRequests: number;
  /** Where KMS Lab connects before a profile has ever been chosen. */
  firstConnection: 'defaultProfile' | 'localSandbox';
  /** The embedded sandbox's AWS timing factor (0: instant) and throttle rate (0: none). */
  sandboxTiming: { awsTiming: number; throttleRate: number };
}

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('kmsLab');
  return {
    pageSize: clamp(config.get<number>('pageSize', 50), 5, 1000),
    showAwsManagedKeys: config.get<boolean>('showAwsManagedKeys', false),
    maxConcurrentRequests: clamp(config.get<number>('maxConcurrentRequests', 6), 1, 32),
    firstConnection: config.get<string>('firstConnection') === 'localSandbox' ? 'localSandbox' : 'defaultProfile',
    sandboxTiming: {
      awsTiming: between(config.get<number>('sandbox.awsTiming', 0), 0, 10),
      throttleRate: between(config.get<number>('sandbox.throttleRate', 0), 0, 1),
    },
  };
}

/** Calls listener with fresh settings whenever a kmsLab.* setting changes. */
export function onDidChangeSettings(listener: (settings: Settings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration('kmsLab')) listener(readSettings());
  });
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : min;
}

/** A fractional setting within its bounds; 0 when it is not a number. */
function between(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : 0;
}
