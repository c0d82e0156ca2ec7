import * as vscode from 'vscode';
import type { KmsLabApi } from '../../../src/api';

export const EXTENSION_ID = 'kms-lab.kms-lab';

/** What activate() returns (src/api.ts). */
export type KmsLabTestApi = KmsLabApi;

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
