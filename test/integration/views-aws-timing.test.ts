// The tree, the table panel and Who can read? inside VS Code against the embedded sandbox keeping AWS's timing and
// throttling one request in ten: at the factor (0.02), and at the walkthrough's (0.2), where AWS's windows
// (a table CREATING, a new access key refused) last long enough to be seen every time. Then the walkthrough's
// "Try it with AWS's timing" itself. The sandbox goes back to instant answers afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { PaneShown } from '../../src/panel/items-protocol';
import { getKmsLabApi, restoreInstantTiming, setTiming, stubMessages, stubQuickPick, switchProfile, waitFor, writeAwsFiles, type KmsLabTestApi } from './support';
import { rows, waitForRows, type Row } from './tree-reader';

const region = 'us-east-1';
const THROTTLE_RATE = 0.1;
/** The walkthrough's factor (src/lab/register.ts WALKTHROUGH_AWS_TIMING): a new key refused, a table CREATING, for 2 s. */
const WALKTHROUGH_FACTOR = 0.2;
const DYNAMODB_FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';

interface SandboxAdmin {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The test's own calls ride out throttling with the SDK's retries, as the extension's do. */
  maxAttempts: number;
}

function sandboxAdmin(api: KmsLabTestApi): SandboxAdmin {
  const target = api.currentTarget() as { kind: string; endpoint: string; credentials: SandboxAdmin['credentials'] };
  assert.equal(target.kind, 'static');
  return { endpoint: target.endpoint, region, credentials: target.credentials, maxAttempts: 10 };
}

const webviewTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);

/** Every row of the tree that is loaded under the sections, for spotting an error node. */
async function errorRows(api: KmsLabTestApi): Promise<Row[]> {
  const found: Row[] = [];
  for (const section of await rows(api)) {
    if (!/KMS keys|DynamoDB tables|IAM/.test(section.label)) continue;
    for (const row of await rows(api, section.node)) if (row.contextValue.startsWith('error')) found.push(row);
  }
  return found;
}

/** Waits until the status bar's picker offers a profile just written to the AWS files (the extension watches them). */
async function waitUntilProfileOffered(profile: string): Promise<void> {
  await waitFor(async () => {
    let offered = false;
    const picks = stubQuickPick([(items) => void (offered = items.some((i) => (typeof i === 'string' ? i : i.label).includes(profile)))]);
    try {
      await vscode.commands.executeCommand('kmsLab.switchProfile');
    } finally {
      picks.restore();
    }
    return offered;
  }, 20_000, 200);
}

for (const factor of [0.02, WALKTHROUGH_FACTOR]) {
  const windowsSeen = factor >= WALKTHROUGH_FACTOR;
  const suffix = String(factor).replace('.', '');
  const TABLE = `timing-table-${suffix}`;
  const ALIAS = `alias/timing-${suffix}`;
  const READER = `timing-reader-${suffix}`;
  const PROFILE = `timing-reader-${suffix}`;

  describe(`views against AWS's timing ×${factor}, throttle ${THROTTLE_RATE}`, function () {
    this.timeout(240_000);
    let api: KmsLabTestApi;
    let admin: SandboxAdmin;
    let adminArn: string;
    let keyArn: string;
    let readerArn: string;

    before(async () => {
      api = await getKmsLabApi();
      await api.whenIdle();
      await setTiming(factor, THROTTLE_RATE);
      await switchProfile(api, 'Local sandbox', region);
      admin = sandboxAdmin(api);
      const sts = new STSClient(admin);
      adminArn = (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
      sts.destroy();
    });

    after(async () => {
      const kms = new KMSClient(admin);
      const dynamodb = new DynamoDBClient(admin);
      const iam = new IAMClient(admin);
      await dynamodb.send(new DeleteTableCommand({ TableName: TABLE })).catch(() => undefined);
      await kms.send(new DeleteAliasCommand({ AliasName: ALIAS })).catch(() => undefined);
      if (keyArn) await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn, PendingWindowInDays: 7 })).catch(() => undefined);
      for (const client of [kms, dynamodb, iam]) client.destroy();
      await vscode.window.tabGroups.close(webviewTabs());
      await restoreInstantTiming();
    });

    it(`tree: a new key and a new table appear, the table goes from CREATING to ACTIVE by itself, and no throttle shows as an error (×${factor})`, async () => {
      const kms = new KMSClient(admin);
      const dynamodb = new DynamoDBClient(admin);
      const key = await kms.send(new CreateKeyCommand({ Description: `timing ×${factor}` }));
      keyArn = key.KeyMetadata!.Arn!;
      await kms.send(new CreateAliasCommand({ AliasName: ALIAS, TargetKeyId: key.KeyMetadata!.KeyId! }));
      await dynamodb.send(
        new CreateTableCommand({
          TableName: TABLE,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
        }),
      );
      kms.destroy();
      // What was made outside KMS Lab shows after one refresh, as it would after a change in the console; the
      // table's status follows without another.
      await vscode.commands.executeCommand('kmsLab.refresh');
      await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === ALIAS), 30_000);
      const statuses: string[] = [];
      const errors: Row[] = [];
      await waitFor(async () => {
        const tables = (await rows(api)).find((s) => s.label === 'DynamoDB tables');
        const table = tables && (await rows(api, tables.node)).find((t) => t.label === TABLE);
        errors.push(...(await errorRows(api)));
        if (!table) return false;
        if (statuses.at(-1) !== table.description) statuses.push(table.description);
        return !/CREATING/.test(table.description);
      }, 60_000, 100);
      assert.deepEqual(errors.map((e) => `${e.label}: ${e.tooltip}`), [], 'no error node in the tree');
      assert.equal(statuses.at(-1), 'customer managed key');
      if (windowsSeen) assert.deepEqual(statuses, ['customer managed key · CREATING', 'customer managed key'], `the table was seen CREATING first: ${statuses.join(' → ')}`);
      else assert.ok(statuses.every((s) => /^customer managed key( · CREATING)?$/.test(s)), statuses.join(' → '));
      await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'one' } } }));
      await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'two' } } }));
      dynamodb.destroy();
    });

    it(`panel: reading as a user made a moment ago waits for AWS and settles on the right answer, never on a denial AWS has not decided (×${factor})`, async () => {
      const iam = new IAMClient(admin);
      readerArn = (await iam.send(new CreateUserCommand({ UserName: READER }))).User!.Arn!;
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: READER }));
      writeAwsFiles({
        config: { [`profile ${PROFILE}`]: { region, endpoint_url: admin.endpoint } },
        credentials: { [PROFILE]: { aws_access_key_id: AccessKey!.AccessKeyId!, aws_secret_access_key: AccessKey!.SecretAccessKey! } },
      });
      await waitUntilProfileOffered(PROFILE);
      const panel = () => api.tablePanels().find((p) => p.subject.tableName === TABLE);
      const seen: PaneShown[] = [];
      /** Records what the reader's pane shows until it answers: items drawn, or a failure that is not a wait. */
      const answer = () =>
        waitFor(
          () => {
            const shown = panel()?.panes.secondary;
            if (shown && JSON.stringify(seen.at(-1)) !== JSON.stringify(shown)) seen.push(shown);
            const answered = (shown?.kind === 'items' && shown.rows > 0 && shown.complete) || (shown?.kind === 'failure' && shown.failure !== 'settling');
            return answered ? shown : undefined;
          },
          90_000,
          25,
        ).catch((error: Error) => {
          throw new Error(`${error.message}; the pane showed: ${JSON.stringify(seen)}`);
        });
      const failures = () => seen.filter((s): s is Extract<PaneShown, { kind: 'failure' }> => s.kind === 'failure');
      const waits = () => failures().filter((f) => f.failure === 'settling');

      // 1. As soon as KMS Lab offers the profile (its key may not be valid yet): the user may do nothing, and the
      //    pane says so, for the right reason (the table lock), never that its credentials are bad.
      await vscode.commands.executeCommand('kmsLab.openTablePanel', { tableName: TABLE, readAs: `profile:${PROFILE}` });
      const refused = await answer();
      assert.equal(refused.kind === 'failure' && refused.failure, 'access-denied', JSON.stringify(seen));
      assert.match(refused.kind === 'failure' ? refused.lines.join(' | ') : '', /^Table lock \(DynamoDB permissions\): shut/, JSON.stringify(refused));
      assert.deepEqual(failures().slice(0, -1).filter((f) => f.failure !== 'settling'), [], `only waits before the answer: ${JSON.stringify(seen)}`);

      // 2. The user is given the table and its key, and the panel reads again at once (Refresh): IAM has not told
      //    DynamoDB and KMS yet, so AWS still refuses although both locks are open. The pane waits, then reads.
      await iam.send(new AttachUserPolicyCommand({ UserName: READER, PolicyArn: DYNAMODB_FULL_ACCESS }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName: READER,
          PolicyName: 'use-the-table-key',
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }] }),
        }),
      );
      iam.destroy();
      const before = seen.length;
      await vscode.commands.executeCommand('kmsLab.refresh');
      // The denial of step 1 stays on screen until the new read's first word.
      await waitFor(
        () => {
          const shown = panel()?.panes.secondary;
          if (JSON.stringify(shown) === JSON.stringify(refused)) return false;
          if (shown) seen.push(shown);
          return true;
        },
        30_000,
        25,
      );
      const read = await answer();
      const afterGrant = seen.slice(before);
      assert.deepEqual(read, { kind: 'items', rows: 2, complete: true }, `the reader sees both items; the pane showed: ${JSON.stringify(afterGrant)}`);
      assert.deepEqual(afterGrant.filter((s) => s.kind === 'failure' && s.failure !== 'settling'), [], `nothing but waiting before the items: ${JSON.stringify(afterGrant)}`);
      for (const waiting of waits()) assert.match(waiting.title, /^Waiting for .*\(attempt \d+, at most \d+ s\)/);
      if (windowsSeen) {
        assert.ok(
          afterGrant.some((s) => s.kind === 'failure' && s.failure === 'settling' && /policies that let .* reach DynamoDB and KMS/.test(s.title)),
          `the pane said it waited for the policies: ${JSON.stringify(afterGrant)}`,
        );
      }
      const primary = await waitFor(() => {
        const shown = panel()?.panes.primary;
        return (shown?.kind === 'items' && shown.rows > 0) || shown?.kind === 'failure' ? shown : undefined;
      }, 30_000);
      assert.deepEqual(primary, { kind: 'items', rows: 2, complete: true }, 'the admin reads the items');
    });

    it(`Who can read?: the same answer as without AWS's timing, and no throttle shown (×${factor})`, async () => {
      await vscode.commands.executeCommand('kmsLab.whoCanRead', { tableName: TABLE });
      const panel = () => api.tablePanels().find((p) => p.subject.tableName === TABLE);
      const answered = await waitFor(() => (panel()?.access === 'ready' || panel()?.access === 'failed' ? panel() : undefined), 90_000);
      assert.equal(answered.access, 'ready', `Who can read? failed: ${answered.accessMessage}`);
      assert.doesNotMatch(JSON.stringify(answered.accessRows), /throttl/i);
      const verdict = (arn: string) => answered.accessRows.find((r) => r.principal === arn)?.read;
      assert.equal(verdict(readerArn), 'allowed', JSON.stringify(answered.accessRows));
      assert.equal(verdict(adminArn), 'allowed', JSON.stringify(answered.accessRows));
    });
  });
}

describe("the walkthrough's Try it with AWS's timing", function () {
  this.timeout(120_000);
  let api: KmsLabTestApi;

  before(async () => {
    api = await getKmsLabApi();
    await api.whenIdle();
  });

  after(async () => {
    await restoreInstantTiming();
  });

  it("lab: Try it with AWS's timing restarts the sandbox at the walkthrough's factor, in which a new access key is refused for a moment", async () => {
    await switchProfile(api, 'Local sandbox', region);
    const throttleBefore = vscode.workspace.getConfiguration('kmsLab').get<number>('sandbox.throttleRate');
    const messages = stubMessages();
    await vscode.commands.executeCommand('kmsLab.lab.tryAwsTiming');
    const told = await messages.waitFor((m) => m.level === 'information');
    messages.restore();
    assert.match(told.message, /keeps AWS's timing, five times faster.*step 8.*kmsLab\.sandbox\.awsTiming to 0/);
    const config = vscode.workspace.getConfiguration('kmsLab');
    assert.equal(config.get<number>('sandbox.awsTiming'), WALKTHROUGH_FACTOR, 'the setting the walkthrough names');
    assert.equal(config.get<number>('sandbox.throttleRate'), throttleBefore, 'the throttle rate is left as it was');
    // The lab works in the restarted sandbox.
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`, 30_000);
    const admin = sandboxAdmin(api);
    // The running sandbox keeps the timing: a new access key is refused at first (InvalidClientTokenId), then works.
    const iam = new IAMClient(admin);
    const user = 'timing-walkthrough-user';
    await iam.send(new CreateUserCommand({ UserName: user }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    const created = Date.now();
    const asUser = new STSClient({ region, endpoint: admin.endpoint, credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }, maxAttempts: 1 });
    await assert.rejects(asUser.send(new GetCallerIdentityCommand({})), (error: Error) => error.name === 'InvalidClientTokenId');
    const accepted = await waitFor(async () => (await asUser.send(new GetCallerIdentityCommand({}))).Arn, 20_000, 200);
    assert.match(accepted, new RegExp(`:user/${user}$`));
    assert.ok(Date.now() - created >= 10_000 * WALKTHROUGH_FACTOR * 0.9, `refused for about ${10 * WALKTHROUGH_FACTOR} s, accepted after ${Date.now() - created} ms`);
    asUser.destroy();
    await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: AccessKey!.AccessKeyId! }));
    await iam.send(new DeleteUserCommand({ UserName: user }));
    iam.destroy();
  });
});
