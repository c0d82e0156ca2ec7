import * as vscode from 'vscode';

export const EXTENSION_ID = 'kms-lab.kms-lab';

/** What activate() returns, as the tests rely on it (the extension's src/api.ts defines the real type). */
export interface KmsLabTestApi {
  activationMs: number;
  tree: vscode.TreeDataProvider<unknown>;
  whenIdle(): Promise<void>;
  status: { text(): string; tooltip(): string };
  currentTarget(): unknown;
}

export function kmsLabExtension(): vscode.Extension<KmsLabTestApi> {
  const extension = vscode.extensions.getExtension<KmsLabTestApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return extension;
}

/** Activates KMS Lab (if it is not yet) and returns its API. */
export async function getKmsLabApi(): Promise<KmsLabTestApi> {
  const api = await kmsLabExtension().activate();
  if (!api) throw new Error(`extension ${EXTENSION_ID} activated but returned no API`);
  return api;
}
