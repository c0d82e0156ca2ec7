import * as vscode from 'vscode';
import type { KmsLabTestApi } from './extension';
import { stubQuickPick } from './stubs';
import { waitFor } from './wait';

/** Switches profile and region through the status bar command, as a person would, and waits for the status bar. */
export async function switchProfile(api: KmsLabTestApi, profile: string, region: string): Promise<void> {
  const picks = stubQuickPick([profile, region]);
  await vscode.commands.executeCommand('kmsLab.switchProfile');
  picks.restore();
  await waitFor(() => api.status.text() === `$(key) ${profile} · ${region}`, 10_000);
}
