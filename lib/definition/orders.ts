/**
 * Orders as the bot reads them: the shape of the stack's orders table and of one order, read by the stack that
 * creates the table, the function that looks orders up, `npm run orders` that loads them and the local call
 * that loads the sample file. One order per item, keyed by its id.
 *
 * Pure data and a zod schema (zod mini's, see ./zod.ts): the function's bundle includes it.
 */
import { array, type infer as Infer, maxLength, minLength, object, optional, refine, string, trim } from './zod';

export const ORDERS_TABLE = {
  /** Partition key: the order id as the business writes it (a string, so leading zeros survive). */
  partitionKey: 'orderId',
} as const;

/** An ISO date (2026-12-04) or date-time; the bot speaks only the day. */
const isoDate = string().check(
  refine((value: string) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'must be an ISO date such as 2026-12-04',
  }),
);

/** A trimmed, non-empty string of at most `max` characters. */
const text = (max: number) => string().check(trim(), minLength(1), maxLength(max));

/**
 * One order. `status` is required; the rest is optional. Fields not named here may be present in the table or
 * the business's API; the bot never reads them.
 */
export const orderRecordSchema = object({
  orderId: text(64),
  /** Said as written, e.g. "shipped", "in transit", "out for delivery", "delivered". */
  status: text(100),
  carrier: optional(text(100)),
  trackingNumber: optional(text(100)),
  expectedDelivery: optional(isoDate),
  items: optional(array(string().check(maxLength(200))).check(maxLength(100))),
  updatedAt: optional(isoDate),
});

export type OrderRecord = Infer<typeof orderRecordSchema>;

/** Where the order id goes in the business's order API URL (ORDER_LOOKUP_URL, the orderLookupUrl setting). */
export const ORDER_ID_PLACEHOLDER = '{orderId}';

/** The sample orders the local call loads (and the README's example for `npm run orders -- put`). */
export const SAMPLE_ORDERS_FILE = 'samples/orders.json';
