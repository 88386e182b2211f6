/**
 * Times the HTTP exchanges an AWS SDK v3 client makes, the way model-time.ts times `fetch`: from the moment the
 * SDK hands a request to its HTTP handler until the whole response body is in hand. Signing, serializing and
 * parsing stay outside the window: they are the function's own work.
 *
 * The SDK does not use `fetch` in Node: its clients send through @smithy/node-http-handler (HTTP/1.1 for
 * DynamoDB, HTTP/2 for the Bedrock runtime). Its `handle` method is wrapped on the prototype, which every client
 * of that kind shares, so the function's own clients (made inside the handler) are timed without a hook in them.
 * The prototype is taken from a probe client of the same SDK, so the copy of the package patched is the one the
 * function loads.
 */
import { Readable } from 'node:stream';

/** The parts of the SDK's HTTP request a timer picks exchanges by. */
interface HttpRequest {
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** A JSON protocol's body (DynamoDB's), as a string. */
  readonly body?: unknown;
}

/** What the SDK's HTTP handlers expose: one request in, one response (with a body stream) out. */
interface HttpHandlerPrototype {
  handle(request: HttpRequest, options?: unknown): Promise<{ response: { body?: unknown } }>;
}

/** The HTTP handler a client of the SDK uses, found on a probe client (`client.config.requestHandler`). */
export function handlerPrototypeOf(client: { config: { requestHandler: unknown } }): HttpHandlerPrototype {
  const prototype = Object.getPrototypeOf(client.config.requestHandler) as Partial<HttpHandlerPrototype> | null;
  if (typeof prototype?.handle !== 'function') throw new Error('the client has no HTTP handler with a handle()');
  return prototype as HttpHandlerPrototype;
}

export interface ExchangeTimer {
  /** Milliseconds spent in the selected exchanges since the last `take()`, and resets the sum. */
  take(): number;
  /** How many selected exchanges have completed or failed in total. */
  readonly exchanges: number;
  /** Puts the original `handle` back. */
  uninstall(): void;
}

/** Times every exchange through `prototype` that `select` picks (by its request: host, path, headers). */
export function timeSdkExchanges(
  prototype: HttpHandlerPrototype,
  select: (request: HttpRequest) => boolean,
): ExchangeTimer {
  const original = prototype.handle;
  let pendingMs = 0;
  let exchanges = 0;

  prototype.handle = async function timedHandle(this: HttpHandlerPrototype, request, options) {
    if (!select(request)) return original.call(this, request, options);
    const started = performance.now();
    try {
      const result = await original.call(this, request, options);
      // Read the body inside the timed window, then hand the SDK an identical stream to parse.
      const body = result.response.body as AsyncIterable<Uint8Array> | undefined;
      if (body && typeof body[Symbol.asyncIterator] === 'function') {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(Buffer.from(chunk));
        result.response.body = Readable.from([Buffer.concat(chunks)]);
      }
      return result;
    } finally {
      pendingMs += performance.now() - started;
      exchanges += 1;
    }
  };

  return {
    take() {
      const taken = pendingMs;
      pendingMs = 0;
      return taken;
    },
    get exchanges() {
      return exchanges;
    },
    uninstall() {
      prototype.handle = original;
    },
  };
}
