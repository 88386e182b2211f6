/**
 * Node's fetch, which the OpenAI client sends through, loads its HTTP client (undici) at the first call, and the
 * first request through it sets up the rest. On a first turn that was about a third of the turn's time (bench,
 * "first turn"). A request for a `data:` URL goes through the same machinery with no network, so the init phase
 * pays for it instead of the first caller.
 */
export function warmUpFetch(): Promise<void> {
  return fetch('data:,').then(
    (response) => response.arrayBuffer().then(() => undefined),
    () => undefined,
  );
}
