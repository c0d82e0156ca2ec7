// What the supervisor (in the extension host) and the sandbox's own process say to each other over IPC.
import type { SandboxOptions } from '../index';

export type ChildStartOptions = Omit<SandboxOptions, 'log'> & { verbose: boolean };

export type ToChild = { type: 'start'; options: ChildStartOptions } | { type: 'ping'; id: number } | { type: 'stop' };

export interface ReadyMessage {
  type: 'ready';
  endpoint: string;
  port: number;
  region: string;
  accountId: string;
  admin: { accessKeyId: string; secretAccessKey: string };
}

export type FromChild = ReadyMessage | { type: 'failed'; message: string } | { type: 'pong'; id: number } | { type: 'log'; line: string };
