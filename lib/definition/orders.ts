/**
 * Orders as the bot reads them: the shape of the stack's orders table and of one order, read by the stack that
 * creates the table, the function that looks orders up, `npm run orders` that loads them and the local call
 * that loads the sample file. One order per item, keyed by its id.
 *
 * Pure data and a zod schema: the function's bundle includes it. zod's functions are imported by name, not as
 * its `z` namespace, which would keep every zod schema type in the bundle (scripts/build-lambda.mjs).
 */
import { array, type infer as Infer, object, string } from 'zod';

export const ORDERS_TABLE = {
  /** Partition key: the order id as the business writes it (a string, so leading zeros survive). */
  partitionKey: 'orderId',
} as const;

/** An ISO date (2026-12-04) or date-time; the bot speaks only the day. */
const isoDate = string().refine((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), {
  message: 'must be an ISO date such as 2026-12-04',
});

/**
 * One order. `status` is required; the rest is optional. Fields not named here may be present in the table or
 * the business's API; the bot never reads them.
 */
export const orderRecordSchema = object({
  orderId: string().trim().min(1).max(64),
  /** Said as written, e.g. "shipped", "in transit", "out for delivery", "delivered". */
  status: string().trim().min(1).max(100),
  carrier: string().trim().min(1).max(100).optional(),
  trackingNumber: string().trim().min(1).max(100).optional(),
  expectedDelivery: isoDate.optional(),
  items: array(string().max(200)).max(100).optional(),
  updatedAt: isoDate.optional(),
});

export type OrderRecord = Infer<typeof orderRecordSchema>;

/** Where the order id goes in the business's order API URL (ORDER_LOOKUP_URL, the orderLookupUrl setting). */
export const ORDER_ID_PLACEHOLDER = '{orderId}';

/** The sample orders the local call loads (and the README's example for `npm run orders -- put`). */
export const SAMPLE_ORDERS_FILE = 'samples/orders.json';
