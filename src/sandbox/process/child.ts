// The sandbox's own process: started by the supervisor with an IPC channel, it runs one sandbox and answers pings,
// so that nothing a request does can block the extension host, and a stuck sandbox can be killed and restarted.
// It stops (flushing its stores) when asked, or when the channel to its parent closes.
import { startSandbox, type RunningSandbox } from '../index';
import type { FromChild, ToChild } from './messages';

let sandbox: RunningSandbox | undefined;
let exiting = false;

function tell(message: FromChild): void {
  if (process.connected) process.send!(message, undefined, {}, () => undefined);
}

async function exit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  try {
    await sandbox?.stop();
  } finally {
    process.exit(code);
  }
}

async function start(message: Extract<ToChild, { type: 'start' }>): Promise<void> {
  if (sandbox) return;
  const { verbose, ...options } = message.options;
  try {
    sandbox = await startSandbox({ ...options, log: verbose ? (line) => tell({ type: 'log', line }) : undefined });
  } catch (error) {
    tell({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    await exit(1);
    return;
  }
  const { endpoint, port, region, accountId, admin } = sandbox;
  tell({ type: 'ready', endpoint, port, region, accountId, admin });
}

process.on('message', (message: ToChild) => {
  if (message.type === 'ping') tell({ type: 'pong', id: message.id });
  else if (message.type === 'start') void start(message);
  else if (message.type === 'stop') void exit(0);
});
process.on('disconnect', () => void exit(0));
if (!process.connected) {
  process.stderr.write('sandbox-child: start me through the supervisor (an IPC channel is required)\n');
  process.exit(2);
}
