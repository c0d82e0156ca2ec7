// Temporary shared config and credentials files, so tests never read or write the real ~/.aws.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface AwsFiles {
  dir: string;
  configFile: string;
  credentialsFile: string;
  /** An env with only what the AWS layer should see: the two files and a home folder inside the temp dir. */
  env: NodeJS.ProcessEnv;
  write(config: string, credentials: string): void;
  remove(): void;
}

export function makeAwsFiles(): AwsFiles {
  const dir = mkdtempSync(path.join(tmpdir(), 'kms-lab-aws-'));
  const home = path.join(dir, 'home');
  mkdirSync(home, { mode: 0o700 });
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  return {
    dir,
    configFile,
    credentialsFile,
    env: { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, HOME: home, PATH: process.env.PATH },
    write(config, credentials) {
      writeFileSync(configFile, config, { mode: 0o600 });
      writeFileSync(credentialsFile, credentials, { mode: 0o600 });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Like dedent: lets tests write ini files as indented template literals. */
export function ini(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
