import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCallMemoryTable, LOCAL_CREDENTIALS, startLocalDynamoDB } from '../../local/dynamodb';

test('the local store creates the call-memory table keyed by contactId, twice without error', async () => {
  const db = await startLocalDynamoDB();
  try {
    await createCallMemoryTable(db.endpoint, 'calls');
    await createCallMemoryTable(db.endpoint, 'calls');
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'calls' }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'contactId', KeyType: 'HASH' }]);
    client.destroy();
  } finally {
    await db.stop();
  }
});
