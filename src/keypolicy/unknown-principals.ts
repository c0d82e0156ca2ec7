// When KMS refuses a policy for "invalid principals", find which ones: the users and roles of the key's account
// that the policy names but IAM does not know. Best effort: what cannot be checked is left out.
import { AwsLayerError } from '../aws/errors';
import type { AwsSession } from '../aws/session';
import type { PolicyDocument, PolicyStatement } from '../policy';

const MOST_CHECKED = 20;

function awsPrincipals(text: string): string[] {
  let document: PolicyDocument;
  try {
    document = JSON.parse(text) as PolicyDocument;
  } catch {
    return [];
  }
  const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
  const found = new Set<string>();
  for (const statement of statements as PolicyStatement[]) {
    for (const block of [statement?.Principal, statement?.NotPrincipal]) {
      const aws = block && typeof block === 'object' ? block.AWS : undefined;
      for (const value of Array.isArray(aws) ? aws : aws ? [aws] : []) if (typeof value === 'string') found.add(value);
    }
  }
  return [...found];
}

async function exists(session: AwsSession, kind: 'user' | 'role', name: string, arn: string): Promise<boolean | undefined> {
  try {
    if (kind === 'user') return (await session.iamUsers.getUser(name)) !== undefined;
    await session.iam.principalDetails({ kind, name, arn, id: '' });
    return true;
  } catch (error) {
    if (error instanceof AwsLayerError && error.kind === 'not-found') return false;
    return undefined;
  }
}

/** The ARNs of users and roles in `account` that the policy names and IAM says do not exist. */
export async function unknownPrincipals(session: AwsSession, text: string, account: string): Promise<string[]> {
  const candidates = awsPrincipals(text)
    .map((arn) => ({ arn, match: /^arn:[\w-]+:iam::(\d{12}):(user|role)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn) }))
    .filter((c) => c.match && c.match[1] === account)
    .slice(0, MOST_CHECKED);
  const verdicts = await Promise.all(candidates.map((c) => exists(session, c.match![2] as 'user' | 'role', c.match![3], c.arn)));
  return candidates.filter((_, i) => verdicts[i] === false).map((c) => c.arn);
}
