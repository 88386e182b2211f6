// Lambda's entry point (lambda/Dockerfile: CMD ["init.handler"]): the bundle's handler, handed over only when the
// work its init started has ended (the knowledge's index and model, the key read, the warm-ups, the rehearsed
// turn). It waits with a top-level await, which holds Lambda's init phase open: the bundle alone would end the
// init phase at once and that work would run on into the first invocation; with provisioned concurrency (or
// SnapStart) the environment is frozen in between, so the first caller paid for all of it.
// https://aws.amazon.com/blogs/compute/using-node-js-es-modules-and-top-level-await-in-aws-lambda/
import { handler, initialized } from './index.mjs';

/**
 * The most the init phase waits, in ms. The work is bounded on its own (the key read gives up after 5 s), and
 * the handler still works while any of it is unfinished: a turn awaits what it needs. Lambda allows 10 s.
 */
const INIT_WAIT_LIMIT_MS = 8_000;

let limit;
await Promise.race([initialized, new Promise((resolve) => (limit = setTimeout(resolve, INIT_WAIT_LIMIT_MS)))]);
clearTimeout(limit);

export { handler };
