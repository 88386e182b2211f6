/**
 * A DynamoDB-compatible store on loopback for the local call, the tests and the benchmark: dynalite, in
 * process, with the call-memory table created exactly as the stack declares it.
 */
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { CALL_MEMORY_TABLE } from '../lib/definition/call-memory';
import { ORDERS_TABLE } from '../lib/definition/orders';

export interface LocalDynamoDB {
  /** http://127.0.0.1:<port>; give it to the SDK as AWS_ENDPOINT_URL_DYNAMODB. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite on a free loopback port. `path` keeps the data on disk between runs. */
export async function startLocalDynamoDB(options: { path?: string; port?: number } = {}): Promise<LocalDynamoDB> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Local credentials: dynalite accepts any, and a laptop may have none. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Creates the call-memory table (partition key and TTL as deployed). Does nothing if it exists. */
export async function createCallMemoryTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: CALL_MEMORY_TABLE.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: CALL_MEMORY_TABLE.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: CALL_MEMORY_TABLE.ttlAttribute, Enabled: true },
        }),
      )
      // dynalite does not implement TTL; the attribute is still written on every item.
      .catch(() => undefined);
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    await untilActive(client, tableName).finally(() => client.destroy());
  }
}

/**
 * Even with createTableMs 0, dynalite marks a new table ACTIVE on a later tick, and refuses writes to it until
 * then (ResourceNotFoundException): the local call's first write of the sample orders met that now and then.
 */
async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client
      .send(new DescribeTableCommand({ TableName: tableName }))
      .catch(() => ({ Table: undefined }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`The local table ${tableName} did not become active`);
}

/** Creates the orders table (partition key as deployed). Does nothing if it exists. */
export async function createOrdersTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: ORDERS_TABLE.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: ORDERS_TABLE.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    await untilActive(client, tableName).finally(() => client.destroy());
  }
}
