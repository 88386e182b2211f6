/**
 * The bundle: Lambda's entry, lambda/init.mjs, loads it (see lambda/Dockerfile). The handler is made at import, in
 * Lambda's init phase, and warmed there: configured from the environment, clients kept across invocations.
 * `initialized` settles when what that started has ended; the entry waits for it before the init phase ends.
 */
import { createHandler } from './handler';

export const handler = createHandler({ warmUp: true });
export const initialized = handler.initialized;
