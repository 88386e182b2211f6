/**
 * The bundle's entry point: Lambda calls `index.handler` (see lambda/Dockerfile). Made at import, in Lambda's
 * init phase, and warmed there: configured from the environment, clients kept across invocations.
 */
import { createHandler } from './handler';

export const handler = createHandler({ warmUp: true });
