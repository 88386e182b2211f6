/**
 * Orders from the stack's own DynamoDB table: one GetItem per lookup, reading only the fields the bot may say.
 * An eventually consistent read: an order changes far less often than callers ask about it, and it costs half.
 */
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ORDERS_TABLE } from '../../../lib/definition/orders';
import { type OrderSource, OrderSourceError, type SpeakableOrder, speakableOrder } from './order-source';

const READ_FIELDS = ['status', 'carrier', 'expectedDelivery'] as const;

export class OrdersTable implements OrderSource {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async find(orderId: string, signal: AbortSignal): Promise<SpeakableOrder | undefined> {
    let item: Record<string, AttributeValue> | undefined;
    try {
      ({ Item: item } = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [ORDERS_TABLE.partitionKey]: { S: orderId } },
          ProjectionExpression: READ_FIELDS.map((_, index) => `#f${index}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(READ_FIELDS.map((field, index) => [`#f${index}`, field])),
        }),
        { abortSignal: signal },
      ));
    } catch (error) {
      throw new OrderSourceError(`the orders table did not answer: ${(error as Error).name}`, { cause: error });
    }
    if (item === undefined) return undefined;
    return speakableOrder(Object.fromEntries(READ_FIELDS.map((field) => [field, item[field]?.S])), orderId);
  }
}
