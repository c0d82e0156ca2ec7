// The life of one IAM user: create it with tags and a managed policy, give it an access key, and remove it again
// with everything attached to it (IamService lists what is attached). The secret access key is returned once and never logged.
import type { ServiceCaller } from './call';
import type { RefreshCache } from './cache';
import { AwsLayerError } from './errors';
import type { StaticCredentials } from './types';

export interface IamUser {
  name: string;
  arn: string;
  id: string;
  tags: Record<string, string>;
}

export interface AccessKeyInfo {
  accessKeyId: string;
  status: string;
  createDate?: Date;
}

function tagsOf(list: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key as string, t.Value ?? '']));
}

export class IamUsers {
  constructor(
    private readonly caller: ServiceCaller<'iam'>,
    private readonly cache: RefreshCache,
  ) {}

  /** The user, or undefined when there is none with this name. */
  async getUser(UserName: string): Promise<IamUser | undefined> {
    try {
      const out = await this.caller.send('iam:GetUser', (c, sdk) => c.send(new sdk.iam.GetUserCommand({ UserName })));
      const user = out.User;
      if (!user?.Arn) return undefined;
      return { name: user.UserName ?? UserName, arn: user.Arn, id: user.UserId ?? '', tags: tagsOf(user.Tags) };
    } catch (err) {
      if (err instanceof AwsLayerError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  async createUser(UserName: string, tags: Record<string, string>): Promise<IamUser> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    const out = await this.caller.send('iam:CreateUser', (c, sdk) => c.send(new sdk.iam.CreateUserCommand({ UserName, Tags })));
    this.cache.clear();
    const user = out.User;
    if (!user?.Arn) throw new AwsLayerError('other', `iam:CreateUser returned no user for ${UserName}`, { action: 'iam:CreateUser', service: 'iam' });
    return { name: user.UserName ?? UserName, arn: user.Arn, id: user.UserId ?? '', tags: tagsOf(user.Tags ?? Tags) };
  }

  async attachPolicy(UserName: string, PolicyArn: string): Promise<void> {
    await this.caller.send('iam:AttachUserPolicy', (c, sdk) => c.send(new sdk.iam.AttachUserPolicyCommand({ UserName, PolicyArn })));
    this.cache.clear();
  }

  async detachPolicy(UserName: string, PolicyArn: string): Promise<void> {
    await this.caller.send('iam:DetachUserPolicy', (c, sdk) => c.send(new sdk.iam.DetachUserPolicyCommand({ UserName, PolicyArn })));
    this.cache.clear();
  }

  async deleteInlinePolicy(UserName: string, PolicyName: string): Promise<void> {
    await this.caller.send('iam:DeleteUserPolicy', (c, sdk) => c.send(new sdk.iam.DeleteUserPolicyCommand({ UserName, PolicyName })));
  }

  async removeFromGroup(UserName: string, GroupName: string): Promise<void> {
    await this.caller.send('iam:RemoveUserFromGroup', (c, sdk) => c.send(new sdk.iam.RemoveUserFromGroupCommand({ UserName, GroupName })));
  }

  async accessKeys(UserName: string): Promise<AccessKeyInfo[]> {
    const out = await this.caller.send('iam:ListAccessKeys', (c, sdk) => c.send(new sdk.iam.ListAccessKeysCommand({ UserName })));
    return (out.AccessKeyMetadata ?? []).map((k) => ({ accessKeyId: k.AccessKeyId ?? '', status: k.Status ?? '', createDate: k.CreateDate }));
  }

  /** A new access key. The secret is in the result only: store it where it belongs, and never log it. */
  async createAccessKey(UserName: string): Promise<StaticCredentials> {
    const out = await this.caller.send('iam:CreateAccessKey', (c, sdk) => c.send(new sdk.iam.CreateAccessKeyCommand({ UserName })));
    const key = out.AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey) throw new AwsLayerError('other', `iam:CreateAccessKey returned no key for ${UserName}`, { action: 'iam:CreateAccessKey', service: 'iam' });
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }

  async deleteAccessKey(UserName: string, AccessKeyId: string): Promise<void> {
    await this.caller.send('iam:DeleteAccessKey', (c, sdk) => c.send(new sdk.iam.DeleteAccessKeyCommand({ UserName, AccessKeyId })));
  }

  async deleteUser(UserName: string): Promise<void> {
    await this.caller.send('iam:DeleteUser', (c, sdk) => c.send(new sdk.iam.DeleteUserCommand({ UserName })));
    this.cache.clear();
  }
}
