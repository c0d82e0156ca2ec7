// The persisted shape of the account's IAM state (iam.json, 0600: it holds secret access keys).
// Entities are keyed by lower-case name because IAM names are unique case-insensitively.

export interface Tag {
  Key: string;
  Value: string;
}

interface PolicyHolder {
  /** Inline policy name → document text exactly as submitted. */
  inlinePolicies: Record<string, string>;
  /** ARNs of attached managed policies (AWS managed or customer managed), in attachment order. */
  attachedPolicies: string[];
}

export interface UserRecord extends PolicyHolder {
  name: string;
  id: string;
  path: string;
  createDate: string;
  tags: Tag[];
  /** Names of the groups the user belongs to, as the groups spell them. */
  groups: string[];
  /** ARN of the managed policy that bounds the user's permissions. */
  permissionsBoundary?: string;
}

export interface GroupRecord extends PolicyHolder {
  name: string;
  id: string;
  path: string;
  createDate: string;
}

export interface RoleRecord extends PolicyHolder {
  name: string;
  id: string;
  path: string;
  createDate: string;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  /** ARN of the managed policy that bounds the role's permissions (and its sessions'). */
  permissionsBoundary?: string;
}

export interface PolicyVersionRecord {
  document: string;
  createDate: string;
}

export interface CustomerPolicyRecord {
  name: string;
  id: string;
  path: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  /** "v1", "v2", … → version. At most five are kept, as in AWS. */
  versions: Record<string, PolicyVersionRecord>;
  nextVersion: number;
  tags: Tag[];
}

export interface AccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  /** Lower-case key of the owning user in `users`. */
  userKey: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

export interface IamState {
  schema: 1;
  accountId: string;
  region: string;
  users: Record<string, UserRecord>;
  groups: Record<string, GroupRecord>;
  roles: Record<string, RoleRecord>;
  policies: Record<string, CustomerPolicyRecord>;
  accessKeys: Record<string, AccessKeyRecord>;
  /** The key handed to the extension and printed by the CLI. */
  adminAccessKeyId?: string;
}

export function emptyIamState(accountId: string, region: string): IamState {
  return { schema: 1, accountId, region, users: {}, groups: {}, roles: {}, policies: {}, accessKeys: {} };
}

export function nameKey(name: string): string {
  return name.toLowerCase();
}
