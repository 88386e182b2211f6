/**
 * The model's share of a turn, measured where the function waits for it: the HTTP exchange with the model as the
 * client sees it, from the moment the OpenAI client calls `fetch` until the whole response body is in hand.
 *
 * That is what a real provider would replace (network plus the model's thinking); everything else in the turn
 * (reading and writing the memory, building and trimming the prompt, LangChain and the OpenAI client turning
 * messages into a request and the response back into a message, making the answer speakable) is the function's
 * own overhead. The OpenAI client takes `globalThis.fetch` when it is created (at the function's first turn
 * with a model), so the timer must be installed before that.
 */

export interface ModelExchangeTimer {
  /** Milliseconds spent in model exchanges since the last `take()`, and resets the sum. */
  take(): number;
  /** How many exchanges have completed or failed in total. */
  readonly exchanges: number;
  /** Puts the original fetch back. */
  uninstall(): void;
}

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
      globalThis.fetch = originalFetch;
    },
  };
}
