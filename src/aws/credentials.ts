// Credentials for a connection target, resolved once and shared by all of the session's clients, so that an MFA
// code or an assume-role call happens once per session rather than once per client.
import { configFilePaths, loadConfigFiles, profileSection, type IniSection } from './config-files';
import { resolveEndpoint } from './endpoints';
import { AwsLayerError, ssoExpiredMessage } from './errors';
import type { Logger } from './log';
import { clientTuning } from './client-factory';
import { loadSdk } from './sdk';
import type { ConnectionTarget } from './types';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  accountId?: string;
}

export type CredentialsProvider = () => Promise<Credentials>;

export interface CredentialsOptions {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
}

/** Refresh a little before the SDK would (it refreshes five minutes before expiry). */
const refreshMarginMs = 5 * 60_000 + 10_000;

/** One load at a time; the result is reused until it nears expiry. A failure is not kept, so the next call retries. */
export function shareCredentials(load: CredentialsProvider): CredentialsProvider {
  let value: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;
  const fresh = (c: Credentials): boolean => c.expiration === undefined || c.expiration.getTime() - Date.now() > refreshMarginMs;
  return () => {
    if (value && fresh(value)) return Promise.resolve(value);
    pending ??= load()
      .then((loaded) => (value = loaded))
      .finally(() => (pending = undefined));
    return pending;
  };
}

function fromEnvironment(env: NodeJS.ProcessEnv): CredentialsProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new AwsLayerError('invalid-credentials', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set in the environment');
    }
    const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
    return {
      accessKeyId,
      secretAccessKey,
      sessionToken: env.AWS_SESSION_TOKEN || undefined,
      expiration: expiration && !Number.isNaN(expiration.getTime()) ? expiration : undefined,
      accountId: env.AWS_ACCOUNT_ID || undefined,
    };
  };
}

/** The SDK's fromIni does not pass our file paths on to its SSO step, so plain SSO profiles go to fromSSO directly. */
function isPlainSsoProfile(section: IniSection): boolean {
  const hasSso = Object.keys(section).some((key) => key.startsWith('sso_'));
  const otherSource = ['role_arn', 'credential_source', 'aws_access_key_id', 'credential_process', 'web_identity_token_file'];
  return hasSso && !otherSource.some((key) => section[key] !== undefined);
}

function askForMfa(profile: string, ask: ((serial: string) => Promise<string>) | undefined) {
  if (!ask) return undefined;
  return async (serial: string): Promise<string> => {
    const cancelled = (cause?: unknown) =>
      new AwsLayerError('mfa-cancelled', `No MFA code was entered for profile ${profile} (device ${serial})`, { profile, cause });
    let code: string | undefined;
    try {
      code = await ask(serial);
    } catch (err) {
      throw cancelled(err);
    }
    if (!code || code.trim() === '') throw cancelled();
    return code.trim();
  };
}

/** SDK credential errors for a profile, turned into the kinds the UI acts on. */
function credentialError(err: unknown, profile: string, section: IniSection): unknown {
  if (err instanceof AwsLayerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : '';
  if (name !== 'CredentialsProviderError' && name !== 'TokenProviderError') return err;
  const ssoTokenTrouble = /sso login|SSO session|SSO token/i.test(message);
  const plainSsoSessionTrouble = isPlainSsoProfile(section) && /token|session|expired|unauthori[sz]ed/i.test(message);
  if (ssoTokenTrouble || plainSsoSessionTrouble) {
    return new AwsLayerError('sso-expired', ssoExpiredMessage(profile), { profile, cause: err, code: name });
  }
  if (/multi-factor authentication/i.test(message)) {
    return new AwsLayerError('mfa-cancelled', `Profile ${profile} needs an MFA code (${section.mfa_serial ?? 'mfa_serial'}), and there is no way to ask for one`, {
      profile,
      cause: err,
      code: name,
    });
  }
  return new AwsLayerError('invalid-credentials', `Could not get credentials for profile ${profile}: ${message}`, { profile, cause: err, code: name });
}

function fromProfile(profile: string, region: string, options: CredentialsOptions): CredentialsProvider {
  return async () => {
    const { env, logger } = options;
    const files = await loadConfigFiles(env);
    const section = profileSection(files, profile);
    const paths = configFilePaths(env);
    if (!section) {
      throw new AwsLayerError('unknown-profile', `Profile '${profile}' is not defined in ${paths.configFile} or ${paths.credentialsFile}`, {
        profile,
      });
    }
    const sdk = await loadSdk();
    const common = { profile, filepath: paths.credentialsFile, configFilepath: paths.configFile, ignoreCache: true };
    const stsEndpoint = resolveEndpoint('sts', profile, files, env);
    const started = Date.now();
    try {
      const credentials = isPlainSsoProfile(section)
        ? await sdk.fromSSO(common)()
        : await sdk.fromIni({
            ...common,
            mfaCodeProvider: askForMfa(profile, options.mfaCodeProvider),
            // For the STS client that assumes roles. No region here: an SSO source profile must keep its sso_region.
            clientConfig: { ...clientTuning, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) },
            parentClientConfig: { region },
          })();
      logger.debug(`credentials resolved in ${Date.now() - started} ms · profile ${profile}`);
      return credentials;
    } catch (err) {
      throw credentialError(err, profile, section);
    }
  };
}

export function credentialsFor(target: ConnectionTarget, options: CredentialsOptions): CredentialsProvider {
  switch (target.kind) {
    case 'static':
    case 'derived': {
      const { accessKeyId, secretAccessKey, sessionToken } = target.credentials;
      return async () => ({ accessKeyId, secretAccessKey, sessionToken });
    }
    case 'environment':
      return shareCredentials(fromEnvironment(options.env));
    case 'profile':
      return shareCredentials(fromProfile(target.profile, target.region, options));
  }
}
