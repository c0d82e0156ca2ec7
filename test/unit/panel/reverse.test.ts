// "What can this principal read?" on the host: the view the page draws (openings, the organization's part), the
// page's messages checked, and the controller on the real sandbox: every table, both locks, a group's members, an SCP
// and an RCP of the sandbox's organization, and an answer that a change in the account makes stale.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AddUserToGroupCommand, CreateGroupCommand, IAMClient } from '@aws-sdk/client-iam';
import { AttachPolicyCommand, CreatePolicyCommand, DetachPolicyCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { whatCanRead } from '../../../src/access';
import { silentLogger } from '../../../src/aws/log';
import { scanPrediction } from '../../../src/panel/panel-access';
import { ReverseController } from '../../../src/panel/reverse-controller';
import { parseReverseMessage } from '../../../src/panel/reverse-incoming';
import type { ReverseHostMessage, ReverseView } from '../../../src/panel/reverse-protocol';
import { reverseView } from '../../../src/panel/reverse-views';
import { doc, KEY_ARN, SnapshotBuilder, TABLE_ARN, userArn } from '../access/support/snapshot';
import { keyPolicyChange, ScriptedPanelUi, setKeyUser, startFixture, TABLE, waitUntil, type Fixture } from './support';
import { waitForActive } from '../sandbox/helpers/tables';

type Ready = Extract<ReverseView, { state: 'ready' }>;
const FROM = (cidr: string) => ({ IpAddress: { 'aws:SourceIp': cidr } });

describe('reverse view', () => {
  it('shows the requests that open a conditional read, per row and per lock', () => {
    const b = new SnapshotBuilder();
    b.key();
    b.table({ keyArn: KEY_ARN });
    b.user('office', {
      inline: {
        Read: doc({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: TABLE_ARN, Condition: FROM('10.0.0.0/8') }),
        Key: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN }),
      },
    });
    const view = reverseView(whatCanRead(b.build(), userArn('office'))) as Ready;
    assert.equal(view.tables.length, 1);
    const [row] = view.tables;
    assert.equal(row.read, 'conditional');
    assert.equal(row.opensWhen, 'only from 10.0.0.0/8');
    assert.equal(row.table.opensWhen, 'only from 10.0.0.0/8');
    assert.equal(row.key?.state, 'open');
    assert.equal(row.key?.opensWhen, undefined, 'an open lock has no opening to name');
    assert.match(row.encryption, /^customer managed key/);
  });

  it('checks the page\'s messages before the host acts on them', () => {
    assert.deepEqual(parseReverseMessage({ type: 'export', format: 'json' }), { type: 'export', format: 'json' });
    assert.deepEqual(parseReverseMessage({ type: 'refresh', extra: 1 }), { type: 'refresh' });
    assert.throws(() => parseReverseMessage({ type: 'export', format: 'html' }), /export\.format/);
    assert.throws(() => parseReverseMessage({ type: 'whoCanRead' }), /message\.type/);
    assert.throws(() => parseReverseMessage('ready'), /expected an object/);
  });
});

describe('reverse controller on the sandbox', () => {
  let fixture: Fixture;
  const OWNED = 'reverse-owned-table';

  before(async () => {
    fixture = await startFixture(1);
    const dynamodb = new DynamoDBClient({ region: fixture.sandbox.region, endpoint: fixture.sandbox.endpoint, credentials: fixture.sandbox.admin });
    await dynamodb.send(
      new CreateTableCommand({ TableName: OWNED, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    await waitForActive(dynamodb, OWNED);
    dynamodb.destroy();
  });

  after(async () => {
    await fixture?.stop();
  });

  function controllerFor(principal: string, visible = { value: true }) {
    const posted: ReverseHostMessage[] = [];
    const ui = new ScriptedPanelUi();
    const controller = new ReverseController(principal, {
      log: silentLogger,
      ui,
      post: (m) => posted.push(structuredClone(m)),
      isVisible: () => visible.value,
      session: () => ({ access: fixture.admin.access, region: fixture.sandbox.region, label: 'Local sandbox' }),
    });
    return { controller, posted, ui, visible };
  }

  const rowOf = (view: ReverseView, table: string) => (view.state === 'ready' ? view.tables.find((t) => t.tableName === table) : undefined);

  it('lists every table with both locks, and follows a change of the key policy', async () => {
    const { controller, posted, ui, visible } = controllerFor(fixture.userArn);
    await controller.analyse();
    const view = controller.view as Ready;
    assert.equal(view.state, 'ready', JSON.stringify(view));
    assert.equal(view.kind, 'user');
    assert.deepEqual(view.tables.map((t) => t.tableName).sort(), [TABLE, OWNED].sort());
    assert.equal(rowOf(view, TABLE)?.read, 'denied');
    assert.equal(rowOf(view, TABLE)?.table.state, 'open');
    assert.equal(rowOf(view, TABLE)?.key?.state, 'shut');
    assert.equal(rowOf(view, OWNED)?.read, 'allowed');
    assert.equal(rowOf(view, OWNED)?.key, undefined, 'no key lock under an AWS owned key');
    assert.ok(view.organization?.startsWith('organization o-'), view.organization);
    assert.ok(posted.some((m) => m.view.state === 'loading'), 'the page sees the collection start');

    visible.value = false;
    await setKeyUser(fixture, true);
    await controller.onAccountChange(keyPolicyChange(fixture));
    assert.equal((controller.view as Ready).stale, true);
    assert.equal(rowOf(controller.view, TABLE)?.read, 'denied', 'not collected again while hidden');
    visible.value = true;
    controller.onVisible();
    await waitUntil(() => controller.view.state === 'ready' && !controller.view.stale && rowOf(controller.view, TABLE)?.read === 'allowed');
    assert.match(rowOf(controller.view, TABLE)?.key?.reason ?? '', /key/i);

    // Item writes change nobody's access: the answer stays as it is.
    await controller.onAccountChange({ scope: { region: fixture.sandbox.region }, changes: [{ kind: 'table', tableName: TABLE, aspects: ['items'] }], source: 'a test' });
    assert.equal((controller.view as Ready).stale, undefined);

    await controller.export('markdown');
    assert.match(ui.copied[0]?.text ?? '', /## What kms-lab-test-user can read/);
    assert.match(ui.copied[0]?.text ?? '', new RegExp(`\\| ${TABLE} \\|.*\\*\\*allowed\\*\\*`));
    await setKeyUser(fixture, false);
  });

  it('answers for a group by its members', async () => {
    const iam = new IAMClient({ region: fixture.sandbox.region, endpoint: fixture.sandbox.endpoint, credentials: fixture.sandbox.admin });
    const { Group } = await iam.send(new CreateGroupCommand({ GroupName: 'reverse-readers' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'reverse-readers', UserName: 'kms-lab-test-user' }));
    iam.destroy();
    const { controller } = controllerFor(Group!.Arn!);
    await controller.analyse();
    const view = controller.view as Ready;
    assert.equal(view.state, 'ready', JSON.stringify(view));
    assert.equal(view.kind, 'group');
    assert.deepEqual(view.members, ['kms-lab-test-user']);
    assert.deepEqual(view.tables.map((t) => t.member), ['kms-lab-test-user', 'kms-lab-test-user']);
  });

  it('names the organization\'s part: an SCP denying Scan, and an RCP shutting the key lock', async () => {
    const org = new OrganizationsClient({ region: fixture.sandbox.region, endpoint: fixture.sandbox.endpoint, credentials: fixture.sandbox.admin });
    const account = fixture.keyArn.split(':')[4];
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const scp = await org.send(
      new CreatePolicyCommand({ Name: 'no-scan', Type: 'SERVICE_CONTROL_POLICY', Description: 'no Scan', Content: JSON.stringify(doc({ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' })) }),
    );
    const rcp = await org.send(
      new CreatePolicyCommand({
        Name: 'key-not-for-the-test-user',
        Type: 'RESOURCE_CONTROL_POLICY',
        Description: 'no decrypt for the test user',
        Content: JSON.stringify(doc({ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': fixture.userArn } } })),
      }),
    );
    const scpId = scp.Policy!.PolicySummary!.Id!;
    const rcpId = rcp.Policy!.PolicySummary!.Id!;
    await org.send(new AttachPolicyCommand({ PolicyId: scpId, TargetId: account }));
    await org.send(new AttachPolicyCommand({ PolicyId: rcpId, TargetId: rootId }));
    try {
      await setKeyUser(fixture, true);
      const { controller } = controllerFor(fixture.userArn);
      await controller.analyse();
      const view = controller.view as Ready;
      assert.equal(view.state, 'ready', JSON.stringify(view));
      assert.match(view.organization ?? '', /service control policies .*no-scan/);
      assert.match(view.organization ?? '', /resource control policies .*key-not-for-the-test-user/);
      const lab = rowOf(view, TABLE)!;
      assert.equal(lab.read, 'denied');
      assert.equal(lab.key?.state, 'shut');
      assert.equal(lab.key?.byOrganization, true);
      assert.ok(lab.key?.statements.some((s) => /^resource control policy key-not-for-the-test-user/.test(s.source)), JSON.stringify(lab.key?.statements));
      // Scan alone is denied by the SCP; GetItem and Query still pass the table lock.
      const owned = controller.last!.tables.find((t) => t.tableName === OWNED)!.row;
      assert.equal(owned.read, 'allowed');
      assert.equal(owned.table.actions.find((a) => a.action === 'dynamodb:Scan')?.decision, 'denied');
      assert.equal(scanPrediction(owned), 'denied', 'Verify, which reads with a Scan, must expect a refusal');
      assert.equal(rowOf(view, OWNED)?.table.actions, 'GetItem allowed, Query allowed, Scan denied');
    } finally {
      await org.send(new DetachPolicyCommand({ PolicyId: scpId, TargetId: account }));
      await org.send(new DetachPolicyCommand({ PolicyId: rcpId, TargetId: rootId }));
      await setKeyUser(fixture, false);
      org.destroy();
    }
  });
});
