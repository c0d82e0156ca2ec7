// Writes the AWS config and credentials files the harness pointed AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE at. Refuses to write anywhere but the harness's temporary folder,
// so a test can never touch a real ~/.aws.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Ini text, or sections as objects: { 'profile dev': { region: 'us-east-1' } }. */
export type IniContent = string | Record<string, Record<string, string>>;

export interface AwsFiles {
  configFile: string;
  credentialsFile: string;
}

export function testTempDir(): string {
  const dir = process.env.KMS_LAB_TEST_TMP;
  if (!dir) throw new Error('KMS_LAB_TEST_TMP is not set: run the integration tests through test/harness/run-integration.mjs');
  return dir;
}

export function awsFilePaths(): AwsFiles {
  const configFile = process.env.AWS_CONFIG_FILE;
  const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE;
  if (!configFile || !credentialsFile) {
    throw new Error('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE must point at temporary files (the harness sets them)');
  }
  const sandboxRoot = path.dirname(testTempDir());
  for (const file of [configFile, credentialsFile]) {
    const relative = path.relative(sandboxRoot, path.resolve(file));
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new Error(`refusing to write ${file}: it is outside the test's temporary folder ${sandboxRoot}`);
    }
  }
  return { configFile, credentialsFile };
}

export function renderIni(content: IniContent): string {
  if (typeof content === 'string') return content;
  return Object.entries(content)
    .map(([section, values]) => [`[${section}]`, ...Object.entries(values).map(([k, v]) => `${k} = ${v}`)].join('\n'))
    .join('\n\n')
    .concat('\n');
}

function writeSecretFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Replaces the contents of the given files; a file left out keeps what it had. */
export function writeAwsFiles(files: { config?: IniContent; credentials?: IniContent }): AwsFiles {
  const paths = awsFilePaths();
  if (files.config !== undefined) writeSecretFile(paths.configFile, renderIni(files.config));
  if (files.credentials !== undefined) writeSecretFile(paths.credentialsFile, renderIni(files.credentials));
  return paths;
}
