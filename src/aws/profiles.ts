// The profiles a user can pick: both shared files merged, each with its kind, plus any problems in the files.
import { readFile } from 'node:fs/promises';
import { configFilePaths, isProfileSectionKey, loadConfigFiles, profileSection, type IniSection } from './config-files';
import { checkIniSyntax, type IniFileKind } from './ini-check';
import type { ProfileInfo, ProfileLoadResult } from './types';

export { configFilePaths } from './config-files';

type Problem = ProfileLoadResult['problems'][number];

async function readIfPresent(file: string, kind: IniFileKind): Promise<{ problems: Problem[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problems: [] };
    return { problems: [{ file, line: 1, message: `Cannot read the ${kind} file (${code ?? String(err)})` }] };
  }
  return { problems: checkIniSyntax(text, kind).map((p) => ({ file, ...p })) };
}

export function profileKind(section: IniSection): ProfileInfo['kind'] {
  if (Object.keys(section).some((key) => key.startsWith('sso_'))) return 'sso';
  if (section.role_arn) return 'assume-role';
  if (section.credential_process) return 'credential-process';
  if (section.aws_access_key_id && section.aws_secret_access_key) return 'static';
  return 'other';
}

function byDefaultThenName(a: ProfileInfo, b: ProfileInfo): number {
  if (a.name === 'default' || b.name === 'default') return a.name === 'default' ? (b.name === 'default' ? 0 : -1) : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export async function loadProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfileLoadResult> {
  const { configFile, credentialsFile } = configFilePaths(env);
  const [configCheck, credentialsCheck, files] = await Promise.all([
    readIfPresent(configFile, 'config'),
    readIfPresent(credentialsFile, 'credentials'),
    loadConfigFiles(env),
  ]);

  const inConfig = new Set(Object.keys(files.configFile).filter(isProfileSectionKey));
  const inCredentials = new Set(Object.keys(files.credentialsFile));
  const profiles: ProfileInfo[] = [...new Set([...inConfig, ...inCredentials])].map((name) => {
    const section = profileSection(files, name) ?? {};
    const sources: ProfileInfo['sources'] = [];
    if (inConfig.has(name)) sources.push('config');
    if (inCredentials.has(name)) sources.push('credentials');
    return {
      name,
      sources,
      region: section.region,
      kind: profileKind(section),
      mfaSerial: section.mfa_serial,
      endpointUrl: section.endpoint_url,
    };
  });

  return {
    profiles: profiles.sort(byDefaultThenName),
    environmentCredentials: Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY),
    problems: [...configCheck.problems, ...credentialsCheck.problems],
    configFile,
    credentialsFile,
  };
}
