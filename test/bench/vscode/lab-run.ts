// Runs inside VS Code's extension host (see lab.bench.mjs): the nine lab steps through their commands on the local
// sandbox, with the person's answers given at once.
import * as vscode from 'vscode';
import type { KmsLabApi } from '../../../src/api';

const RUNS = 3;
const STEPS = ['createKey', 'createTable', 'addItem', 'createTestUser', 'readAsTestUser', 'grant', 'readAgain', 'revoke', 'cleanUp'];
/** The button a person presses on each question of the lab. */
const ANSWERS = ['Update Key Policy', 'Clean Up', 'Schedule Deletion'];

function answerAtOnce(): void {
  const window = vscode.window as unknown as Record<string, unknown>;
  window.showInputBox = async (options?: vscode.InputBoxOptions) => options?.value;
  window.showWarningMessage = async (_message: string, ...rest: unknown[]) => rest.find((item) => typeof item === 'string' && ANSWERS.includes(item));
  window.showInformationMessage = async () => undefined;
  window.showErrorMessage = async (message: string) => {
    throw new Error(`the lab showed an error: ${message}`);
  };
}

/** lab_aws_timing_ms: one run of steps 1–9 with the sandbox at AWS's timing 0.02 and throttle rate 0.1, then back to instant. */
async function awsTimingRun(): Promise<number> {
  const config = vscode.workspace.getConfiguration('kmsLab');
  const restart = async (awsTiming: number | undefined, throttleRate: number | undefined) => {
    await config.update('sandbox.awsTiming', awsTiming, vscode.ConfigurationTarget.Global);
    await config.update('sandbox.throttleRate', throttleRate, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('kmsLab.sandbox.stop');
    await vscode.commands.executeCommand('kmsLab.sandbox.start');
  };
  await restart(0.02, 0.1);
  try {
    const started = performance.now();
    for (const step of STEPS) {
      const status = (await vscode.commands.executeCommand(`kmsLab.lab.${step}`)) as { state: string; detail?: string } | undefined;
      if (status?.state !== 'done') throw new Error(`AWS timing run, step ${step}: ${status ? `${status.state}: ${status.detail}` : 'failed'}`);
    }
    return performance.now() - started;
  } finally {
    await restart(undefined, undefined);
  }
}

export async function run(): Promise<void> {
  console.log('integration-start');
  try {
    const extension = vscode.extensions.getExtension<KmsLabApi>('kms-lab.kms-lab')!;
    const api = await extension.activate();
    // Activation picks its first profile in the background: let it finish before choosing the sandbox.
    await api.whenIdle();
    await vscode.commands.executeCommand('kmsLab.sandbox.start');
    if (api.currentTarget()?.kind !== 'static') throw new Error('the local sandbox did not become the current profile');
    answerAtOnce();
    const samples: number[] = [];
    const perStep = new Map<string, number[]>();
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      for (const step of STEPS) {
        const stepStarted = performance.now();
        const status = (await vscode.commands.executeCommand(`kmsLab.lab.${step}`)) as { state: string; detail?: string } | undefined;
        if (status?.state !== 'done') throw new Error(`run ${i + 1}, step ${step}: ${status ? `${status.state}: ${status.detail}` : 'failed'}`);
        perStep.set(step, [...(perStep.get(step) ?? []), performance.now() - stepStarted]);
      }
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    console.log(`lab_sandbox_ms=${Math.round(samples[Math.floor(samples.length / 2)]!)}`);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    for (const [step, values] of perStep) console.log(`lab_step_${step.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_ms=${Math.round(median(values))}`);
    console.log(`lab_aws_timing_ms=${Math.round(await awsTimingRun())}`);
    console.log('integration-counts: 1 0');
  } catch (error) {
    console.log(`lab bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    throw error;
  }
}
