/**
 * Where the business keeps its orders, as look_up_order needs it: find one order by id, or say it is not there.
 * Two kinds: the stack's own DynamoDB table (orders-table.ts) and the business's HTTPS API (orders-api.ts).
 */
import { pick } from '../../../lib/definition/zod';
import { orderRecordSchema, type OrderRecord } from '../../../lib/definition/orders';

/** What the bot may say about an order; nothing else is read from the source. */
export type SpeakableOrder = Pick<OrderRecord, 'orderId' | 'status' | 'carrier' | 'expectedDelivery'>;

export interface OrderSource {
  /** The order, or undefined when the source has no order with this id. Rejects when the source cannot answer. */
  find(orderId: string, signal: AbortSignal): Promise<SpeakableOrder | undefined>;
}

/** The source failed (down, slow, refused, or sent something that is not an order). */
export class OrderSourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderSourceError';
  }
}

const speakableOrderSchema = pick(orderRecordSchema, {
  orderId: true,
  status: true,
  carrier: true,
  expectedDelivery: true,
});

/** The speakable fields of what the source returned; other fields are dropped, a malformed order is an error. */
export function speakableOrder(found: unknown, orderId: string): SpeakableOrder {
  const fields = typeof found === 'object' && found !== null ? (found as Record<string, unknown>) : {};
  const parsed = speakableOrderSchema.safeParse({
    orderId,
    status: fields.status,
    carrier: fields.carrier ?? undefined,
    expectedDelivery: fields.expectedDelivery ?? undefined,
  });
  if (!parsed.success)
    throw new OrderSourceError(`the order source returned a malformed order: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
