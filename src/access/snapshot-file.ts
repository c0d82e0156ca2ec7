// A snapshot saved as JSON and read back, so it can be analysed later: offline, in review, in CI.
import { SNAPSHOT_VERSION, type AccountSnapshot } from './types';

/** Date fields of AWS's shapes (CreateDate, CreationDate, CreationDateTime, ...) come back as Dates. */
const DATE_FIELD = /(Date|DateTime)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function saveSnapshot(snapshot: AccountSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

/** Parses and checks a saved snapshot; throws an Error that says what is wrong with it. */
export function loadSnapshot(text: string): AccountSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => (DATE_FIELD.test(key) && typeof value === 'string' && ISO_DATE.test(value) ? new Date(value) : value));
  } catch (error) {
    throw new Error(`The access snapshot is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('The access snapshot must be a JSON object');
  const s = parsed as Partial<AccountSnapshot> & Record<string, unknown>;
  if (s.version !== SNAPSHOT_VERSION) throw new Error(`The access snapshot has version ${String(s.version)}; this version of KMS Lab reads version ${SNAPSHOT_VERSION}`);
  const problems: string[] = [];
  if (typeof s.accountId !== 'string' || !/^\d{12}$/.test(s.accountId)) problems.push('accountId must be a 12-digit account id');
  if (typeof s.region !== 'string' || s.region === '') problems.push('region is missing');
  if (typeof s.collectedAt !== 'string') problems.push('collectedAt is missing');
  const details = s.authorizationDetails as Record<string, unknown> | undefined;
  if (typeof details !== 'object' || details === null) problems.push('authorizationDetails is missing');
  else for (const list of ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies']) if (!Array.isArray(details[list])) problems.push(`authorizationDetails.${list} must be a list`);
  if (!Array.isArray(s.tables)) problems.push('tables must be a list');
  if (!Array.isArray(s.keys)) problems.push('keys must be a list');
  if (!Array.isArray(s.missing)) problems.push('missing must be a list');
  const organization = s.organization as unknown as Record<string, unknown> | undefined;
  if (organization !== undefined && (typeof organization !== 'object' || organization === null || !Array.isArray(organization.Path) || !Array.isArray(organization.Policies))) {
    problems.push('organization must hold a Path list and a Policies list');
  }
  if (problems.length > 0) throw new Error(`The access snapshot is incomplete: ${problems.join('; ')}`);
  return s as AccountSnapshot;
}
