/**
 * Orders into the table look_up_order reads: `npm run orders -- put <file.json>` loads a file of orders into the
 * deployed orders table (found from the bot stack's outputs, or `--outputs-file`, as the smoke test finds the
 * bot), and the local call loads samples/orders.json into its own table the same way.
 *
 * The file is a JSON array of orders (or `{ "orders": [...] }`), each checked against the schema in
 * lib/definition/orders.ts before anything is written.
 */
import { readFileSync } from 'node:fs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { type AttributeValue, BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { ORDERS_TABLE, orderRecordSchema, type OrderRecord } from '../lib/definition/orders';
import { STACK_OUTPUTS } from '../lib/definition/stack-outputs';
import { parseCommandLine, UsageError } from './cli-args';
import {
  type AwsOptions,
  type StackOutputs,
  awsClientConfig,
  describeStackOutputs,
  readAppSettings,
  readOutputsFile,
  requireOutput,
  stackNames,
} from './deployment';

export const ORDERS_USAGE = `Usage: npm run orders -- put <orders.json> [--outputs-file cdk-outputs.json] [--prefix <prefix>]
                       [--table <name>] [--profile <profile>] [--region <region>]

Loads the orders in <orders.json> (a JSON array; see samples/orders.json) into the deployed orders table.`;

/** The orders in a file, every one checked; throws one error listing every problem. */
export function readOrdersFile(path: string): OrderRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the orders file ${path}: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { orders?: unknown } | null)?.orders;
  if (!Array.isArray(list)) throw new Error(`The orders file ${path} must hold a JSON array of orders (or { "orders": [...] })`);
  const problems: string[] = [];
  const orders: OrderRecord[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const result = orderRecordSchema.safeParse(entry);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`order ${index + 1}: ${issue.path.join('.') || 'order'} ${issue.message}`);
      return;
    }
    if (seen.has(result.data.orderId)) problems.push(`order ${index + 1}: orderId "${result.data.orderId}" appears twice`);
    seen.add(result.data.orderId);
    orders.push(result.data);
  });
  if (problems.length > 0) throw new Error(`The orders file ${path} has problems:\n  ${problems.join('\n  ')}`);
  return orders;
}

/** An order as a DynamoDB item. */
export function toOrderItem(order: OrderRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = { [ORDERS_TABLE.partitionKey]: { S: order.orderId }, status: { S: order.status } };
  for (const field of ['carrier', 'trackingNumber', 'expectedDelivery', 'updatedAt'] as const) {
    const value = order[field];
    if (value !== undefined) item[field] = { S: value };
  }
  if (order.items !== undefined) item.items = { L: order.items.map((name) => ({ S: name })) };
  return item;
}

/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;
const MAX_ATTEMPTS = 8;

/** Writes the orders (replacing any with the same id), 25 at a time, retrying what DynamoDB left unprocessed. */
export async function putOrders(client: DynamoDBClient, tableName: string, orders: readonly OrderRecord[]): Promise<void> {
  for (let start = 0; start < orders.length; start += BATCH_SIZE) {
    let pending: WriteRequest[] = orders.slice(start, start + BATCH_SIZE).map((order) => ({ PutRequest: { Item: toOrderItem(order) } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`DynamoDB kept ${pending.length} orders unprocessed; try again later`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = UnprocessedItems?.[tableName] ?? [];
    }
  }
}

export interface OrdersTarget extends AwsOptions {
  readonly outputsFile?: string;
  readonly prefix?: string;
  readonly table?: string;
}

/** The deployed orders table's name: `--table`, else the outputs file, else the bot stack's outputs. */
export async function resolveOrdersTable(
  options: OrdersTarget,
  cloudFormation: CloudFormationClient = new CloudFormationClient(awsClientConfig(options)),
): Promise<string> {
  if (options.table) return options.table;
  let outputs: StackOutputs;
  let where: string;
  if (options.outputsFile) {
    outputs = readOutputsFile(options.outputsFile);
    where = options.outputsFile;
  } else {
    const stack = stackNames(options.prefix ?? readAppSettings().prefix).bot;
    outputs = await describeStackOutputs(cloudFormation, [stack]);
    where = `stack ${stack}`;
  }
  if (!outputs[STACK_OUTPUTS.ordersTableName] && outputs[STACK_OUTPUTS.orderLookupUrl]) {
    throw new Error(`This deployment looks orders up at ${outputs[STACK_OUTPUTS.orderLookupUrl]}, not in a table of its own.`);
  }
  return requireOutput(outputs, STACK_OUTPUTS.ordersTableName, where);
}

/** `npm run orders -- put <file>`; resolves to the process exit code. */
export async function ordersCli(
  argv: string[],
  log: (line: string) => void = console.log,
  clients: { dynamoDB?: DynamoDBClient; cloudFormation?: CloudFormationClient } = {},
): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      'outputs-file': { type: 'string' },
      prefix: { type: 'string' },
      table: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    log(ORDERS_USAGE);
    return 0;
  }
  const [command, file, ...rest] = positionals;
  if (command !== 'put') throw new UsageError(command === undefined ? 'say what to do: put <file.json>' : `unknown command ${command}`);
  if (file === undefined) throw new UsageError('put needs the orders file: put <file.json>');
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  const orders = readOrdersFile(file);
  const aws = { profile: values.profile, region: values.region };
  const tableName = await resolveOrdersTable(
    { ...aws, outputsFile: values['outputs-file'], prefix: values.prefix, table: values.table },
    clients.cloudFormation,
  );
  const dynamoDB = clients.dynamoDB ?? new DynamoDBClient(awsClientConfig(aws));
  await putOrders(dynamoDB, tableName, orders);
  log(`Loaded ${orders.length} order${orders.length === 1 ? '' : 's'} from ${file} into ${tableName}.`);
  return 0;
}
