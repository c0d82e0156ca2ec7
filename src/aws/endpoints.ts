// Which endpoint a client talks to. The SDK applies endpoint_url and [services] only for AWS_PROFILE or the
// default profile, so the client factory resolves them itself for every profile, in the SDK's documented order.
import { profileSection, type ParsedConfigFiles } from './config-files';
import type { AwsService } from './types';

export type { ParsedConfigFiles } from './config-files';

/** The SDK's service ids, upper-cased for AWS_ENDPOINT_URL_<ID> and lower-cased for [services] keys. */
const serviceIds: Record<AwsService, string> = {
  kms: 'KMS',
  dynamodb: 'DYNAMODB',
  iam: 'IAM',
  sts: 'STS',
  organizations: 'ORGANIZATIONS',
  cloudtrail: 'CLOUDTRAIL',
};

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/**
 * Precedence: 1. explicit, 2. AWS_ENDPOINT_URL_<SERVICE>, 3. AWS_ENDPOINT_URL, 4. the profile's services section,
 * 5. the profile's endpoint_url. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
 * ignore_configured_endpoint_urls = true) turns 2–5 off. undefined means the SDK's default AWS endpoint.
 */
export function resolveEndpoint(
  service: AwsService,
  profileName: string | undefined,
  files: ParsedConfigFiles,
  env: NodeJS.ProcessEnv = process.env,
  explicit?: string,
): string | undefined {
  if (nonEmpty(explicit)) return nonEmpty(explicit);
  const profile = profileName === undefined ? undefined : profileSection(files, profileName);

  const ignoreSetting = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? profile?.ignore_configured_endpoint_urls;
  if (isTrue(ignoreSetting)) return undefined;

  const id = serviceIds[service];
  const fromEnv = nonEmpty(env[`AWS_ENDPOINT_URL_${id}`]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  if (fromEnv) return fromEnv;
  if (!profile) return undefined;

  const servicesName = nonEmpty(profile.services);
  if (servicesName) {
    const section = files.configFile[`services.${servicesName}`];
    const fromServices = nonEmpty(section?.[`${id.toLowerCase()}.endpoint_url`]);
    if (fromServices) return fromServices;
  }
  return nonEmpty(profile.endpoint_url);
}

/** True for AWS's own endpoints (amazonaws.com, amazonaws.com.cn, api.aws); false for an emulator or a sandbox. */
export function isAwsHost(endpoint: string): boolean {
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$|(^|\.)api\.aws$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}
