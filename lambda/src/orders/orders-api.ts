/**
 * Orders from the business's own HTTPS API: GET the URL template with `{orderId}` filled in, with a bearer
 * token when one is configured. 404 means no such order; 200 carries the order as JSON (at the top level or
 * under `order`); anything else, or no answer before the signal aborts, is an OrderSourceError.
 */
import { ORDER_ID_PLACEHOLDER } from '../../../lib/definition/orders';
import { type OrderSource, OrderSourceError, type SpeakableOrder, speakableOrder } from './order-source';

export interface OrdersApiOptions {
  readonly urlTemplate: string;
  /** The bearer token, read when needed (from a Secrets Manager secret when deployed); absent: no token. */
  readonly token?: (timeoutMs: number) => Promise<string>;
  /** Bounds the token's read. */
  readonly tokenTimeoutMs: number;
}

export class OrdersApi implements OrderSource {
  constructor(private readonly options: OrdersApiOptions) {}

  async find(orderId: string, signal: AbortSignal): Promise<SpeakableOrder | undefined> {
    const url = this.options.urlTemplate.replaceAll(ORDER_ID_PLACEHOLDER, encodeURIComponent(orderId));
    let response: Response;
    let body: unknown;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.options.token) headers.authorization = `Bearer ${await this.options.token(this.options.tokenTimeoutMs)}`;
      response = await fetch(url, { headers, signal, redirect: 'error' });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new OrderSourceError(`the order API answered HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      if (error instanceof OrderSourceError) throw error;
      throw new OrderSourceError(`the order API did not answer: ${(error as Error).name}`, { cause: error });
    }
    const fields = body as { order?: unknown } | null;
    return speakableOrder(typeof fields?.order === 'object' ? fields.order : body, orderId);
  }
}
