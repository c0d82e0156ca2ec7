// A sandbox IAM user with an access key, made by the admin: the caller most access tests act as.
import * as iam from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface NewUser {
  /** ARNs of managed policies to attach. */
  policies?: string[];
  /** One inline policy document. */
  inline?: string;
  /** ARN of the permissions boundary. */
  boundary?: string;
  tags?: iam.Tag[];
}

export async function createUserWithKey(admin: IAMClient, name: string, user: NewUser = {}): Promise<Credentials> {
  await admin.send(new iam.CreateUserCommand({ UserName: name, PermissionsBoundary: user.boundary, Tags: user.tags }));
  for (const arn of user.policies ?? []) await admin.send(new iam.AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
  if (user.inline) await admin.send(new iam.PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: user.inline }));
  const key = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}
