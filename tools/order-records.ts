/**
 * Orders into the table look_up_order reads, from a file: the JSON array of orders (or `{ "orders": [...] }`),
 * each checked against the schema in lib/definition/orders.ts before anything is written. `npm run orders` loads
 * the deployed table this way, and the local call its own table. No CloudFormation here: the local call loads this
 * at every start.
 */
import { readFileSync } from 'node:fs';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { ORDERS_TABLE, orderRecordSchema, type OrderRecord } from '../lib/definition/orders';

/** The orders in a file, every one checked; throws one error listing every problem. */
export function readOrdersFile(path: string): OrderRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the orders file ${path}: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { orders?: unknown } | null)?.orders;
  if (!Array.isArray(list))
    throw new Error(`The orders file ${path} must hold a JSON array of orders (or { "orders": [...] })`);
  const problems: string[] = [];
  const orders: OrderRecord[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const result = orderRecordSchema.safeParse(entry);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push(`order ${index + 1}: ${issue.path.join('.') || 'order'} ${issue.message}`);
      return;
    }
    if (seen.has(result.data.orderId))
      problems.push(`order ${index + 1}: orderId "${result.data.orderId}" appears twice`);
    seen.add(result.data.orderId);
    orders.push(result.data);
  });
  if (problems.length > 0) throw new Error(`The orders file ${path} has problems:\n  ${problems.join('\n  ')}`);
  return orders;
}

/** An order as a DynamoDB item. */
export function toOrderItem(order: OrderRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    [ORDERS_TABLE.partitionKey]: { S: order.orderId },
    status: { S: order.status },
  };
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
export async function putOrders(
  client: DynamoDBClient,
  tableName: string,
  orders: readonly OrderRecord[],
): Promise<void> {
  for (let start = 0; start < orders.length; start += BATCH_SIZE) {
    let pending: WriteRequest[] = orders
      .slice(start, start + BATCH_SIZE)
      .map((order) => ({ PutRequest: { Item: toOrderItem(order) } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS)
        throw new Error(`DynamoDB kept ${pending.length} orders unprocessed; try again later`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const { UnprocessedItems } = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = UnprocessedItems?.[tableName] ?? [];
    }
  }
}
