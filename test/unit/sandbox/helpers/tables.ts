// Waiting for a new table to leave CREATING, as a client of real DynamoDB must.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export async function waitForActive(client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`${tableName} is still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
