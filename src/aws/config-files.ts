// Where the shared config and credentials files are, and their parsed content as the SDK reads it.
import { homedir } from 'node:os';
import path from 'node:path';
import { loadSdk } from './sdk';

export type IniSection = Record<string, string | undefined>;

/** As returned by loadSharedConfigFiles: config sections are "name", "sso-session.name", "services.name". */
export interface ParsedConfigFiles {
  configFile: Record<string, IniSection>;
  credentialsFile: Record<string, IniSection>;
}

export function homeDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? 'C:'}${env.HOMEPATH}`;
  return homedir();
}

function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  return file.startsWith('~/') || file.startsWith('~\\') ? path.join(homeDirectory(env), file.slice(2)) : file;
}

export function configFilePaths(env: NodeJS.ProcessEnv = process.env): { configFile: string; credentialsFile: string } {
  const home = homeDirectory(env);
  return {
    configFile: expandHome(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'), env),
    credentialsFile: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'), env),
  };
}

/** Reads both files afresh (the SDK otherwise caches them for the life of the process). Missing files are empty. */
export async function loadConfigFiles(env: NodeJS.ProcessEnv = process.env): Promise<ParsedConfigFiles> {
  const { configFile, credentialsFile } = configFilePaths(env);
  const sdk = await loadSdk();
  const files = await sdk.loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true });
  return { configFile: files.configFile, credentialsFile: files.credentialsFile };
}

export const isProfileSectionKey = (key: string): boolean => !key.startsWith('sso-session.') && !key.startsWith('services.');

/** A profile's settings from both files; where both set a key, the config file wins, as in the SDK. */
export function profileSection(files: ParsedConfigFiles, name: string): IniSection | undefined {
  const fromConfig = isProfileSectionKey(name) ? files.configFile[name] : undefined;
  const fromCredentials = files.credentialsFile[name];
  if (!fromConfig && !fromCredentials) return undefined;
  return { ...fromCredentials, ...fromConfig };
}
