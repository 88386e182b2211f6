/**
 * `npm run orders -- put <file>`: the file checked before anything is written, the deployed table found from
 * the outputs (a cdk outputs file, or the bot stack's outputs in CloudFormation), every order written, in
 * batches, against dynalite.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SAMPLE_ORDERS_FILE } from '../../lib/definition/orders';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { createOrdersTable, LOCAL_CREDENTIALS, type LocalDynamoDB, startLocalDynamoDB } from '../../local/dynamodb';
import { UsageError } from '../../tools/cli-args';
import { REPO_ROOT } from '../../tools/deployment';
import { readOrdersFile } from '../../tools/order-records';
import { ORDERS_USAGE, ordersCli } from '../../tools/orders';

const TABLE = 'chalkbot-bot-OrdersTable1234';
let store: LocalDynamoDB;
let dynamoDB: DynamoDBClient;
let dir: string;
beforeAll(async () => {
  store = await startLocalDynamoDB();
  await createOrdersTable(store.endpoint, TABLE);
  dynamoDB = new DynamoDBClient({ endpoint: store.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  dir = mkdtempSync(join(tmpdir(), 'chalkbot-orders-'));
});
afterAll(async () => {
  dynamoDB.destroy();
  await store.stop();
});

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const noCloudFormation = () => {
  const client = new CloudFormationClient({ region: 'us-east-1' });
  mockClient(client).onAnyCommand().rejects(new Error('CloudFormation must not be asked'));
  return client;
};

test('put loads the sample orders into the table named in a cdk outputs file', async () => {
  const outputs = file('outputs.json', { 'chalkbot-bot': { [STACK_OUTPUTS.ordersTableName]: TABLE } });
  const log: string[] = [];

  const code = await ordersCli(
    ['put', join(REPO_ROOT, SAMPLE_ORDERS_FILE), '--outputs-file', outputs],
    (line) => log.push(line),
    {
      dynamoDB,
      cloudFormation: noCloudFormation(),
    },
  );

  expect(code).toBe(0);
  expect(log).toEqual([`Loaded 3 orders from ${join(REPO_ROOT, SAMPLE_ORDERS_FILE)} into ${TABLE}.`]);
  const { Item } = await dynamoDB.send(new GetItemCommand({ TableName: TABLE, Key: { orderId: { S: '4711' } } }));
  expect(Item).toMatchObject({
    status: { S: 'shipped' },
    carrier: { S: 'UPS' },
    items: { L: [{ S: 'Blue ceramic mug' }, { S: 'Chalkboard eraser' }] },
  });
});

test('without a file of outputs the table comes from the bot stack in CloudFormation; 60 orders go in batches', async () => {
  const cloudFormation = new CloudFormationClient({ region: 'us-east-1' });
  mockClient(cloudFormation)
    .on(DescribeStacksCommand, { StackName: 'demo-bot' })
    .resolves({
      Stacks: [
        {
          StackName: 'demo-bot',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: STACK_OUTPUTS.ordersTableName, OutputValue: TABLE }],
        },
      ],
    });
  const many = file('many.json', {
    orders: Array.from({ length: 60 }, (_, i) => ({ orderId: `B${i}`, status: 'processing' })),
  });

  expect(await ordersCli(['put', many, '--prefix', 'demo'], () => undefined, { dynamoDB, cloudFormation })).toBe(0);
  const { Count } = await dynamoDB.send(
    new ScanCommand({
      TableName: TABLE,
      FilterExpression: 'begins_with(orderId, :b)',
      ExpressionAttributeValues: { ':b': { S: 'B' } },
    }),
  );
  expect(Count).toBe(60);
});

test('a bad file is refused whole, naming every problem, before anything is written', async () => {
  const bad = file('bad.json', [
    { orderId: 'C1', status: 'shipped' },
    { orderId: 'C2' },
    { orderId: 'C3', status: 'shipped', expectedDelivery: 'next week' },
    { orderId: 'C1', status: 'delivered' },
  ]);
  await expect(
    ordersCli(['put', bad, '--table', TABLE], () => undefined, { dynamoDB, cloudFormation: noCloudFormation() }),
  ).rejects.toThrow(
    /order 2: status[\s\S]*order 3: expectedDelivery must be an ISO date[\s\S]*order 4: orderId "C1" appears twice/,
  );
  const { Item } = await dynamoDB.send(new GetItemCommand({ TableName: TABLE, Key: { orderId: { S: 'C1' } } }));
  expect(Item).toBeUndefined();
  expect(() => readOrdersFile(file('not-json.json', '{'))).toThrow(/Cannot read the orders file/);
  expect(() => readOrdersFile(file('object.json', { order: [] }))).toThrow(/must hold a JSON array/);
});

test('a deployment that looks orders up in its own API has no table to load', async () => {
  const outputs = file('api-outputs.json', {
    'chalkbot-bot': { [STACK_OUTPUTS.orderLookupUrl]: 'https://shop.example.com/orders/{orderId}' },
  });
  await expect(
    ordersCli(['put', join(REPO_ROOT, SAMPLE_ORDERS_FILE), '--outputs-file', outputs], () => undefined, { dynamoDB }),
  ).rejects.toThrow(/looks orders up at https:\/\/shop\.example\.com/);
});

test('usage: --help prints it (exit 0); a missing command or file is one sentence', async () => {
  const log: string[] = [];
  expect(await ordersCli(['--help'], (line) => log.push(line))).toBe(0);
  expect(log).toEqual([ORDERS_USAGE]);
  await expect(ordersCli([])).rejects.toThrow(new UsageError('say what to do: put <file.json>'));
  await expect(ordersCli(['put'])).rejects.toThrow(new UsageError('put needs the orders file: put <file.json>'));
  await expect(ordersCli(['get', 'x.json'])).rejects.toThrow(new UsageError('unknown command get'));
});
