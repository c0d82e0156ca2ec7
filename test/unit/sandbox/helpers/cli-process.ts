// Builds the sandbox CLI into out/ and runs it as a child process, the way `npm run sandbox` does.
import { spawn, type ChildProcess } from 'node:child_process';
import { bundleEntry } from './front-bundle';

/** Bundles src/sandbox/cli.ts once per test process (packages stay external, as in dist/). */
export function buildCli(): Promise<string> {
  return bundleEntry('src/sandbox/cli.ts');
}

export interface CliProcess {
  child: ChildProcess;
  lines: string[];
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI and resolves once it has printed its five lines; rejects with its stderr if it exits first. */
export async function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliProcess> {
  const script = await buildCli();
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = await new Promise<string[]>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split('\n');
      if (lines.length > 5) resolve(lines.slice(0, 5));
    });
    exited.then(({ code, signal }) => reject(new Error(`sandbox CLI exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
  const value = (prefix: string) => lines.find((line) => line.startsWith(prefix))?.slice(prefix.length) ?? '';
  return {
    child,
    lines,
    endpoint: value('AWS_ENDPOINT_URL='),
    region: value('AWS_REGION='),
    credentials: { accessKeyId: value('AWS_ACCESS_KEY_ID='), secretAccessKey: value('AWS_SECRET_ACCESS_KEY=') },
    stderr: () => stderr,
    exited,
  };
}

/** Runs the CLI to completion (for argument errors) and returns its exit code and output. */
export async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = await buildCli();
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}
