// Debian's Chromium, driven by playwright-core (never a downloaded browser).
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function chromiumPath() {
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  const executable = found.stdout.trim().split('\n')[0];
  if (found.status !== 0 || !executable) throw new Error('Chromium is not on PATH (apt-get install -y chromium)');
  return executable;
}

export async function launchChromium({ headless = true } = {}) {
  return chromium.launch({ executablePath: chromiumPath(), headless, args: chromiumArgs });
}
