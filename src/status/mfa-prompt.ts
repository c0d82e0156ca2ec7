import * as vscode from 'vscode';
import { CancelledError } from '../cancellation';

/** Asks for the code of an MFA device; `label` names the profile it is for, when there may be several. */
export async function askMfaCode(serial: string, label?: string): Promise<string> {
  const code = await vscode.window.showInputBox({
    title: label ? `KMS Lab: MFA code for ${label}` : 'KMS Lab: MFA code',
    prompt: `Enter the MFA code for ${serial}`,
    placeHolder: '123456',
    ignoreFocusOut: true,
    validateInput: (value) => (/^\d{6}$/.test(value.trim()) ? undefined : 'The code is the 6 digits your MFA device shows.'),
  });
  if (code === undefined) throw new CancelledError('MFA code entry was cancelled');
  return code.trim();
}
