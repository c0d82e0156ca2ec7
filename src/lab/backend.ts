// Where the lab runs: the local sandbox (the key really guards the data), an emulator such as moto or LocalStack
// (which may not enforce the key), or real AWS (which bills for the key).
import type { AwsSession } from '../aws/session';
import { isAwsHost } from '../aws/endpoints';
import type { AwsService } from '../aws/types';

export type BackendKind = 'sandbox' | 'emulator' | 'aws';

export interface LabBackend {
  kind: BackendKind;
  /** "the local sandbox", "the emulator at http://127.0.0.1:5000", "AWS". */
  label: string;
  /** Part of the lab's scope: the endpoint for emulators, so two emulators never share a record. */
  scopePart: string;
  /** The local sandbox's AWS timing factor (0 or absent: instant). */
  awsTiming?: number;
}

const SERVICES: AwsService[] = ['sts', 'iam', 'kms', 'dynamodb'];

export async function detectBackend(session: AwsSession, isSandbox: boolean, awsTiming = 0): Promise<LabBackend> {
  if (isSandbox) return { kind: 'sandbox', label: 'the local sandbox', scopePart: 'sandbox', awsTiming };
  const endpoints = await Promise.all(SERVICES.map((service) => session.endpointFor(service)));
  const custom = endpoints.find((endpoint): endpoint is string => endpoint !== undefined && !isAwsHost(endpoint));
  if (custom) return { kind: 'emulator', label: `the emulator at ${custom}`, scopePart: `emulator ${custom}` };
  return { kind: 'aws', label: 'AWS', scopePart: 'aws' };
}
