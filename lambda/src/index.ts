/** The bundle's entry point: Lambda calls `index.handler` (see lambda/Dockerfile). */
export { handler } from './handler';
