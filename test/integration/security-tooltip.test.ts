// Text from AWS is text: a table whose key attribute is named with Markdown (a backtick that closes a code span, a
// link and a remote image) shows that name, escaped, in the table's tooltip; nothing of it renders as Markdown.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getKmsLabApi, stubQuickPick, waitFor, type KmsLabTestApi } from './support';
import { waitForRows } from './tree-reader';

const region = 'us-east-1';
const HOSTILE = 'id` [click](https://example.invalid/x) ![img](https://example.invalid/i.png) **bold** $(alert) `';

describe('security: tooltips built from AWS data', function () {
  this.timeout(120_000);
  let api: KmsLabTestApi;
  let dynamodb: DynamoDBClient;

  before(async () => {
    api = await getKmsLabApi();
    const picks = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picks.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`);
    const target = api.currentTarget() as { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
    dynamodb = new DynamoDBClient({ endpoint: target.endpoint, region, credentials: target.credentials });
  });

  after(async () => {
    await dynamodb.send(new DeleteTableCommand({ TableName: 'markdown-names' })).catch(() => undefined);
    dynamodb.destroy();
  });

  it('security: a key attribute name cannot inject Markdown into the table tooltip', async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'markdown-names',
        AttributeDefinitions: [{ AttributeName: HOSTILE, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: HOSTILE, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await vscode.commands.executeCommand('kmsLab.refresh');
    const tables = await waitForRows(api, ['DynamoDB tables'], (r) => r.some((t) => t.label === 'markdown-names'));
    const tooltip = tables.find((t) => t.label === 'markdown-names')!.tooltip;
    // Every Markdown character of the name is escaped (theme icons too), so a renderer shows the name as written.
    for (const unescaped of [/(?<!\\)`/, /(?<!\\)\[click/, /(?<!\\)\]\(https/, /(?<!\\)!(?!\\)\[img/, /(?<!\\)\*\*bold/, /(?<!\\)\$\(alert/]) {
      assert.doesNotMatch(tooltip.slice(tooltip.indexOf('Partition key:')), unescaped, tooltip);
    }
    // …and the name is still all there, to be read.
    const shown = tooltip.slice(tooltip.indexOf('Partition key:')).replace(/&nbsp;/g, ' ').replace(/\\/g, '');
    assert.equal(shown, `Partition key: ${HOSTILE}`, tooltip);
  });
});
