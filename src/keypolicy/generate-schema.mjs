// Writes media/schemas/key-policy.schema.json, the JSON schema VS Code's JSON support uses for completion and hover
// on kmslab: key policies, from the policy engine's KMS data. Run: node src/keypolicy/generate-schema.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const data = JSON.parse(readFileSync(path.join(root, 'src/policy/data/kms-actions.json'), 'utf8'));
const OPERATORS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];

const keyPolicyActions = data.keyPolicyActions.map((a) => `kms:${a}`);
const stringOrList = (item) => ({ oneOf: [item, { type: 'array', minItems: 1, items: item }] });
const principalValues = (description, examples) => stringOrList({ type: 'string', description, examples });
const principal = (what) => ({
  description: `${what}: "*" (anyone, usually with a condition) or an object such as {"AWS": "arn:aws:iam::111122223333:role/Admin"}.`,
  oneOf: [
    { const: '*' },
    {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        AWS: principalValues('An account id, an account root ARN, or the ARN of an IAM user or role (KMS refuses ones that do not exist).', ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:user/name', 'arn:aws:iam::111122223333:role/name']),
        Service: principalValues('An AWS service principal.', ['dynamodb.amazonaws.com']),
        Federated: principalValues('A federated identity provider.', []),
        CanonicalUser: principalValues('A canonical user id.', []),
      },
    },
  ],
});
const actions = (what) => ({
  description: `${what}. In a key policy, only actions on a particular key mean something; "kms:*" is every one of them.`,
  ...stringOrList({ type: 'string', pattern: '^(\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$', examples: ['kms:*', ...keyPolicyActions] }),
});
const resources = (what) => ({
  description: `${what}. In a key policy, "*" means this key.`,
  ...stringOrList({ type: 'string', examples: ['*'] }),
});
const operatorNames = `(${OPERATORS.join('|')})`;
const conditionKeys = ['aws:PrincipalArn', 'aws:SourceIp', 'aws:PrincipalOrgID', ...data.conditionKeys.map((c) => c.key)];

const statement = {
  type: 'object',
  additionalProperties: false,
  required: ['Effect'],
  properties: {
    Sid: { type: 'string', description: 'A name for the statement, unique in the policy. The KMS console finds its statements by Sid ("Allow use of the key", …).' },
    Effect: { enum: ['Allow', 'Deny'], description: 'Allow or Deny (case matters). An explicit Deny always wins.' },
    Principal: principal('Who the statement is about'),
    NotPrincipal: principal('Everyone except these (only with "Effect": "Deny")'),
    Action: actions('The actions allowed or denied'),
    NotAction: actions('Every action except these'),
    Resource: resources('The resources'),
    NotResource: resources('Every resource except these'),
    Condition: {
      type: 'object',
      description: 'When the statement applies: {"<operator>": {"<condition key>": value or [values]}}.',
      propertyNames: { pattern: `^(ForAllValues:|ForAnyValue:)?${operatorNames}(IfExists)?$` },
      properties: Object.fromEntries(
        OPERATORS.map((op) => [op, { $ref: '#/definitions/conditionValues' }]),
      ),
      additionalProperties: { type: 'object' },
    },
  },
  oneOf: [{ required: ['Principal'] }, { required: ['NotPrincipal'] }],
  defaultSnippets: [
    {
      label: 'Allow use of the key (key users)',
      body: { Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: '${1:arn:aws:iam::111122223333:user/name}' }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: '*' },
    },
    {
      label: 'Enable IAM User Permissions (the account root)',
      body: { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::${1:111122223333}:root' }, Action: 'kms:*', Resource: '*' },
    },
  ],
};

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'kms-lab:key-policy',
  title: 'AWS KMS key policy',
  description: 'A key policy: who may use and manage this KMS key. KMS Lab also checks it with its policy engine (see the Problems panel).',
  type: 'object',
  additionalProperties: false,
  required: ['Statement'],
  properties: {
    Version: { enum: ['2012-10-17', '2008-10-17'], default: '2012-10-17', description: 'The policy language version. Use "2012-10-17"; with "2008-10-17", policy variables are plain text.' },
    Id: { type: 'string', description: 'An optional name for the policy, e.g. "key-default-1".' },
    Statement: {
      description: 'The statements of the policy.',
      oneOf: [{ type: 'array', minItems: 1, items: { $ref: '#/definitions/statement' } }, { $ref: '#/definitions/statement' }],
    },
  },
  definitions: {
    statement,
    conditionValues: {
      type: 'object',
      description: 'Condition keys and the values they are compared with.',
      propertyNames: { examples: conditionKeys },
      additionalProperties: { oneOf: [{ type: ['string', 'boolean', 'number'] }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }] },
    },
  },
};

const out = path.join(root, 'media/schemas/key-policy.schema.json');
writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`wrote ${path.relative(root, out)}`);
