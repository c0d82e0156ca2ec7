// Writing the test user's access key into the AWS files as a named profile: only when the person asks, after a
// warning that the secret then sits in a plain-text file. Never done by the lab on its own.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { configFilePaths } from '../aws/profiles';
import type { StaticCredentials } from '../aws/types';
import { CancelledError } from '../cancellation';
import { writeSecretFile } from '../sandbox/storage/atomic-file';

interface ExportRequest {
  userName: string;
  credentials: StaticCredentials;
  region: string;
  /** The endpoint the profile needs (the sandbox or an emulator); undefined for AWS. */
  endpoint?: string;
}

const PROFILE_NAME = /^[\w.+@-]{1,64}$/;

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function hasSection(text: string, header: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() === header);
}

/** Replaces the section `header` (up to the next section) with `body`, or appends it. */
export function withSection(text: string, header: string, body: string[]): string {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === header);
  const section = [header, ...body];
  if (start < 0) {
    const trimmed = text.replace(/\s*$/, '');
    return `${trimmed}${trimmed ? '\n\n' : ''}${section.join('\n')}\n`;
  }
  let end = start + 1;
  while (end < lines.length && !/^\s*\[.*\]\s*$/.test(lines[end])) end++;
  return [...lines.slice(0, start), ...section, '', ...lines.slice(end)].join('\n').replace(/\n{3,}/g, '\n\n');
}

export async function exportProfile(request: ExportRequest): Promise<void> {
  const { configFile, credentialsFile } = configFilePaths(process.env);
  const name = await vscode.window.showInputBox({
    title: `KMS Lab: export ${request.userName} as a profile`,
    prompt: 'Name of the new profile in your AWS config and credentials files.',
    value: request.userName,
    ignoreFocusOut: true,
    validateInput: (value) => (PROFILE_NAME.test(value) ? undefined : 'Use 1–64 letters, digits or . + @ _ -'),
  });
  if (name === undefined) throw new CancelledError();
  const [config, credentials] = await Promise.all([readText(configFile), readText(credentialsFile)]);
  const exists = hasSection(credentials, `[${name}]`) || hasSection(config, `[profile ${name}]`);
  const action = exists ? 'Replace Profile' : 'Write Profile';
  const confirmed = await vscode.window.showWarningMessage(
    exists ? `Replace the existing profile ${name} with ${request.userName}'s access key?` : `Write ${request.userName}'s access key to ${credentialsFile}?`,
    {
      modal: true,
      detail:
        `The secret access key is written in plain text to ${credentialsFile} (readable by your user only). ` +
        'Until now KMS Lab kept it only in VS Code\'s secret storage. Clean up (lab step 9) deletes the key in IAM, but not this file\'s copy: remove the profile yourself.' +
        (request.endpoint ? ` The profile points at ${request.endpoint}; the local sandbox takes a new port each time it starts, so export again after a restart.` : ''),
    },
    action,
  );
  if (confirmed !== action) throw new CancelledError();
  const configBody = [`region = ${request.region}`, ...(request.endpoint ? [`endpoint_url = ${request.endpoint}`] : [])];
  const credentialsBody = [`aws_access_key_id = ${request.credentials.accessKeyId}`, `aws_secret_access_key = ${request.credentials.secretAccessKey}`];
  await writeSecretFile(credentialsFile, withSection(credentials, `[${name}]`, credentialsBody));
  await writeSecretFile(configFile, withSection(config, name === 'default' ? '[default]' : `[profile ${name}]`, configBody));
  void vscode.window.showInformationMessage(`Profile ${name} written. It appears in the status bar's profile picker.`);
}
