// The request contexts of a table read: the DynamoDB call the principal makes, and the kms:Decrypt call DynamoDB
// makes on its behalf (aws-behaviour.md, "DynamoDB tables and their keys"). Only what the snapshot tells for sure.
/** A request context with only known values (never undefined). */
export type KnownContext = Record<string, string | string[]>;

export interface ContextFacts {
  region: string;
  accountId: string;
  tableName: string;
  principalTags: Record<string, string>;
  tableTags?: Record<string, string>;
  keyTags?: Record<string, string>;
  keyAliases: string[];
  /** The organization of the account (its resources, and the principal when it is of the account). */
  organizationId?: string;
  /** "o-…/r-…/ou-…/" */
  organizationPath?: string;
  /** The principal belongs to the account, so the organization is its own too. */
  principalInOrganization?: boolean;
}

function organizationKeys(facts: ContextFacts, into: KnownContext): void {
  if (!facts.organizationId || !facts.organizationPath) return;
  into['aws:ResourceOrgID'] = facts.organizationId;
  into['aws:ResourceOrgPaths'] = [facts.organizationPath];
  if (!facts.principalInOrganization) return;
  into['aws:PrincipalOrgID'] = facts.organizationId;
  into['aws:PrincipalOrgPaths'] = [facts.organizationPath];
}

function tagKeys(prefix: string, tags: Record<string, string> | undefined, into: KnownContext): void {
  if (!tags) return;
  const keys = Object.keys(tags);
  for (const key of keys) into[`${prefix}/${key}`] = tags[key];
}

/** dynamodb:GetItem / Query / Scan on the table, as the principal sends it. Frozen: the engine reads it once. */
export function tableContext(facts: ContextFacts): KnownContext {
  const context: KnownContext = {
    'aws:RequestedRegion': facts.region,
    'aws:ResourceAccount': facts.accountId,
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
  };
  tagKeys('aws:PrincipalTag', facts.principalTags, context);
  tagKeys('aws:ResourceTag', facts.tableTags, context);
  organizationKeys(facts, context);
  return Object.freeze(context);
}

/** kms:Decrypt as DynamoDB calls it for the principal: through DynamoDB, with the table's encryption context. */
export function keyContext(facts: ContextFacts): KnownContext {
  const context: KnownContext = {
    'aws:RequestedRegion': facts.region,
    'aws:ResourceAccount': facts.accountId,
    'aws:ViaAWSService': 'true',
    'aws:PrincipalIsAWSService': 'false',
    'aws:CalledVia': ['dynamodb.amazonaws.com'],
    'aws:CalledViaFirst': 'dynamodb.amazonaws.com',
    'aws:CalledViaLast': 'dynamodb.amazonaws.com',
    'kms:ViaService': `dynamodb.${facts.region}.amazonaws.com`,
    'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT',
    'kms:EncryptionContext:aws:dynamodb:tableName': facts.tableName,
    'kms:EncryptionContext:aws:dynamodb:subscriberId': facts.accountId,
    'kms:EncryptionContextKeys': ['aws:dynamodb:tableName', 'aws:dynamodb:subscriberId'],
    'kms:ResourceAliases': facts.keyAliases,
  };
  tagKeys('aws:PrincipalTag', facts.principalTags, context);
  tagKeys('aws:ResourceTag', facts.keyTags, context);
  organizationKeys(facts, context);
  return Object.freeze(context);
}

/** The DynamoDB encryption context of the table's data, for grant constraints. */
export function dynamoEncryptionContext(facts: Pick<ContextFacts, 'tableName' | 'accountId'>): Record<string, string> {
  return { 'aws:dynamodb:tableName': facts.tableName, 'aws:dynamodb:subscriberId': facts.accountId };
}

const KNOWN_KEYS = new Set(
  [
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalType',
    'aws:username',
    'aws:PrincipalIsAWSService',
    'aws:PrincipalServiceName',
    'aws:PrincipalServiceNamesList',
    'aws:RequestedRegion',
    'aws:ResourceAccount',
    'aws:ViaAWSService',
    'aws:CalledVia',
    'aws:CalledViaFirst',
    'aws:CalledViaLast',
    // Set only when a service calls with its own service principal, which a person's read never is.
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'kms:CallerAccount',
    'kms:ViaService',
    'kms:EncryptionAlgorithm',
    'kms:EncryptionContextKeys',
    'kms:ResourceAliases',
    'kms:RequestAlias',
    'kms:GrantIsForAWSResource',
    'kms:GrantOperations',
    'kms:GranteePrincipal',
    'kms:RetiringPrincipal',
    'kms:GrantConstraintType',
  ].map((k) => k.toLowerCase()),
);

/** Known once the organization is read: a principal of another account is then taken to be outside it. */
const ORGANIZATION_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths', 'aws:resourceorgid', 'aws:resourceorgpaths']);

/**
 * True for condition keys whose value the snapshot decides: who the principal is, its tags, the resource's tags
 * (when collected), and what DynamoDB sends to KMS. Everything else depends on the request (aws:SourceIp,
 * aws:MultiFactorAuthPresent, aws:CurrentTime, dynamodb:LeadingKeys, ...) or on data outside the account
 * (aws:PrincipalOrgID), and makes a decision that hangs on it conditional.
 */
export function knownKeyPredicate(resourceTagsKnown: boolean, organizationKnown = false): (key: string) => boolean {
  return (key) => {
    const lower = key.toLowerCase();
    if (KNOWN_KEYS.has(lower)) return true;
    if (organizationKnown && ORGANIZATION_KEYS.has(lower)) return true;
    if (lower.startsWith('aws:principaltag/') || lower.startsWith('kms:encryptioncontext:')) return true;
    if (lower.startsWith('aws:resourcetag/')) return resourceTagsKnown;
    return false;
  };
}
