// Fixtures for the KMS and DynamoDB tests that call the services' handle() directly: a small IAM directory
// built from real managed policy documents, callers, request contexts, and services on a temporary data folder.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NamedPolicy, PolicyDocument } from '../../../src/policy/types';
import { AwsError, type Caller, type DataServices, type IdentityDirectory, type PrincipalFacts, type RequestContext } from '../../../src/sandbox/contracts';
import { awsManagedPolicy } from '../../../src/sandbox/data/managed-policies';
import { createDataServices } from '../../../src/sandbox/data-services';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export function managedPolicy(name: string): NamedPolicy {
  const policy = awsManagedPolicy(`arn:aws:iam::aws:policy/${name}`);
  if (!policy) throw new Error(`managed policy ${name} is not in the sandbox's data`);
  return { name, document: policy.document };
}

export function inlinePolicy(name: string, statement: Record<string, unknown> | Record<string, unknown>[]): NamedPolicy {
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statement as PolicyDocument['Statement'] };
  return { name, document };
}

/** Users by name with their policies; policies can be changed between requests, as IAM would. */
export class TestDirectory implements IdentityDirectory {
  readonly users = new Map<string, NamedPolicy[]>();
  readonly boundaries = new Map<string, NamedPolicy>();

  addUser(name: string, policies: NamedPolicy[], boundary?: NamedPolicy): Caller {
    this.users.set(name, policies);
    if (boundary) this.boundaries.set(name, boundary);
    else this.boundaries.delete(name);
    return userCaller(name);
  }

  principalFacts(caller: Caller): PrincipalFacts {
    if (caller.kind === 'root') return { identityPolicies: [] };
    return { identityPolicies: this.users.get(caller.name) ?? [], permissionsBoundary: this.boundaries.get(caller.name) };
  }

  principalExists(arn: string): boolean {
    if (arn === `arn:aws:iam::${ACCOUNT}:root`) return true;
    const user = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
    return user !== null && this.users.has(user[1]);
  }
}

export function userCaller(name: string): Caller {
  return {
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accountId: ACCOUNT,
    userId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`,
    kind: 'user',
    name,
    accessKeyId: `AKIA${name.toUpperCase().padEnd(16, 'X')}`,
  };
}

export function contextFor(caller: Caller, now = new Date()): RequestContext {
  return { caller, region: REGION, accountId: ACCOUNT, requestId: randomUUID(), sourceIp: '127.0.0.1', now };
}

export interface ServicesFixture {
  services: DataServices;
  directory: TestDirectory;
  dataDir: string;
  admin: Caller;
  /** Calls KMS as a caller. */
  kms(caller: Caller, operation: string, input?: Record<string, unknown>, now?: Date): Promise<any>;
  ddb(caller: Caller, operation: string, input?: Record<string, unknown>, now?: Date): Promise<any>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function openServices(): Promise<ServicesFixture> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-data-'));
  const directory = new TestDirectory();
  const admin = directory.addUser('admin', [managedPolicy('AdministratorAccess')]);
  // Tables are ACTIVE before CreateTable answers (TEST_TABLE_CREATION_MS).
  const open = () => createDataServices({ dataDir, region: REGION, accountId: ACCOUNT, directory, tableCreationMs: 0 });
  const fixture: ServicesFixture = {
    services: await open(),
    directory,
    dataDir,
    admin,
    kms: (caller, operation, input = {}, now) => fixture.services.kms.handle(operation, structuredClone(input), contextFor(caller, now)),
    ddb: (caller, operation, input = {}, now) => fixture.services.dynamodb.handle(operation, structuredClone(input), contextFor(caller, now)),
    async reopen() {
      await fixture.services.close();
      fixture.services = await open();
    },
    async close() {
      await fixture.services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** The AWS error a promise rejects with (fails the test if it resolves or throws something else). */
export async function awsError(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected an AWS error, but the call succeeded');
}

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
export const text = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');
