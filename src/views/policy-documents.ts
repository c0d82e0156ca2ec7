import * as vscode from 'vscode';
import type { AwsSession } from '../aws/session';
import type { AttachedPolicy, IamPrincipal } from '../aws/types';
import { KMSLAB_SCHEME, formatPath, type KmslabPath } from '../keypolicy/uri';

type IamPolicyPath = Extract<KmslabPath, { kind: 'iam-policy' }>;

/** The read-only kmslab: document of an IAM policy as one principal has it. */
export function iamPolicyUri(target: string, principal: IamPrincipal, policy: AttachedPolicy): vscode.Uri {
  const { path, query } = formatPath({
    kind: 'iam-policy',
    target,
    principalKind: principal.kind,
    principalName: principal.name,
    policyKind: policy.kind,
    policyName: policy.name,
    policyArn: policy.arn,
    group: policy.group,
  });
  return vscode.Uri.from({ scheme: KMSLAB_SCHEME, path, query });
}

/** The policy's document (the default version of a managed policy), as indented JSON. */
export async function readIamPolicy(session: AwsSession, path: IamPolicyPath): Promise<string> {
  const principal: IamPrincipal = { kind: path.principalKind, name: path.principalName, arn: '', id: '' };
  const policy: AttachedPolicy = { name: path.policyName, arn: path.policyArn, kind: path.policyKind, group: path.group };
  return `${await session.iam.policyDocument(principal, policy)}\n`;
}

export async function showIamPolicy(target: string, principal: IamPrincipal, policy: AttachedPolicy): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(iamPolicyUri(target, principal, policy));
  return vscode.window.showTextDocument(document, { preview: true });
}
