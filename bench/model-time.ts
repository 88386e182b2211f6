/**
 * The model's share of a turn, measured where the function waits for it: the HTTP exchange with the model as the
 * client sees it, from the moment the client hands the request to its HTTP layer until the whole response body
 * is in hand. The same window for every provider:
 * - OpenAI and Azure OpenAI: the openai client calls `fetch`, wrapped here. The client takes `globalThis.fetch`
 *   when it is created (at the function's first turn with a model), so the timer must be installed before that.
 * - Bedrock: the AWS SDK does not use `fetch`; its Converse requests go through the SDK's HTTP/2 handler, whose
 *   `handle` is timed instead (sdk-exchanges.ts).
 *
 * That is what a real provider would replace (network plus the model's thinking); everything else in the turn
 * (reading and writing the memory, building and trimming the prompt, LangChain and the provider's client turning
 * messages into a request and the response back into a message, signing, making the answer speakable) is the
 * function's own overhead.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { handlerPrototypeOf, timeSdkExchanges } from './sdk-exchanges';

export interface ModelExchangeTimer {
  /** Milliseconds spent in model exchanges since the last `take()`, and resets the sum. */
  take(): number;
  /** How many exchanges have completed or failed in total. */
  readonly exchanges: number;
  /** Puts the original fetch and SDK handler back. */
  uninstall(): void;
}

/** A Converse request (`POST /model/{modelId}/converse`) of the Bedrock runtime API. */
const CONVERSE_PATH = /^\/model\/.+\/converse$/;

export function installModelExchangeTimer(): ModelExchangeTimer {
  const originalFetch = globalThis.fetch;
  let pendingMs = 0;
  let exchanges = 0;

  globalThis.fetch = async function timedFetch(input, init) {
    const started = performance.now();
    try {
      const response = await originalFetch(input, init);
      // Read the body inside the timed window, then hand the client an identical response to parse.
      const body = await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      pendingMs += performance.now() - started;
      exchanges += 1;
    }
  };

  const probe = new BedrockRuntimeClient({ region: 'us-east-1' });
  const bedrock = timeSdkExchanges(handlerPrototypeOf(probe), (request) => CONVERSE_PATH.test(request.path));
  probe.destroy();

  return {
    take() {
      const taken = pendingMs + bedrock.take();
      pendingMs = 0;
      return taken;
    },
    get exchanges() {
      return exchanges + bedrock.exchanges;
    },
    uninstall() {
      globalThis.fetch = originalFetch;
      bedrock.uninstall();
    },
  };
}
