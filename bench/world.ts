/**
 * The benchmark's world: dynalite, the counting proxy and the fake model run in a child process
 * (world-process.ts), so that only the function's own work runs on this process's event loop. This module starts
 * it, points the AWS SDK of this process at it (as Lambda's environment would), and talks to it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { ModelProvider } from '../lib/definition/function-settings';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
import type { Behaviour } from '../local/openai-server';

export type WorldRequest =
  /** How the models answer from now on; with `echoQuestion`, they answer "Answer to: <the question>". */
  | { type: 'setModelBehaviour'; behaviour: Behaviour; echoQuestion?: boolean }
  /** The model calls this tool first, then answers `reply` once the tool's result is in the prompt. */
  | { type: 'setModelCallingTool'; toolCall: { name: string; arguments: unknown }; reply: string }
  /** GetItem requests the proxy has seen on the orders table. */
  | { type: 'ordersReads' }
  | { type: 'modelRequests' }
  | { type: 'clearModelRequests' }
  /** The table's health, as the proxy plays it. */
  | { type: 'setTable'; hang?: boolean; throttle?: boolean }
  | { type: 'tableRequests' }
  | { type: 'storedMessages'; callId: string }
  | { type: 'stop' };

export type WorldReply = { id: number; value?: unknown; error?: string };

/** The size of one prompt the model received. */
export interface ModelRequestSize {
  /** The request body's length on the wire. */
  readonly bodyChars: number;
  /** Each message's content length, in order (system prompt first). */
  readonly messageChars: number[];
}

export interface BenchWorld {
  /** The function's settings for createHandler({ env }): table, model URL and key, model name. */
  readonly env: Readonly<Record<string, string>>;
  /** The same settings for each model provider, each with its own loopback server. */
  readonly providerEnvs: Readonly<Record<ModelProvider, Readonly<Record<string, string>>>>;
  /** The DynamoDB endpoint the function's SDK is pointed at (the counting proxy). */
  readonly dynamoDBEndpoint: string;
  setModelBehaviour(behaviour: Behaviour, options?: { echoQuestion?: boolean }): Promise<void>;
  setModelCallingTool(toolCall: { name: string; arguments: unknown }, reply: string): Promise<void>;
  ordersReads(): Promise<number>;
  modelRequests(): Promise<ModelRequestSize[]>;
  clearModelRequests(): Promise<void>;
  setTable(health: { hang?: boolean; throttle?: boolean }): Promise<void>;
  /** DynamoDB requests the proxy has seen so far. */
  tableRequests(): Promise<number>;
  /** A call's stored messages as [type, content], read straight from dynalite. */
  storedMessages(callId: string): Promise<[string, string][]>;
  stop(): Promise<void>;
}

export async function startBenchWorld(): Promise<BenchWorld> {
  // tsx's loader runs the TypeScript child whether this process runs under tsx or under jest.
  const child = fork(join(__dirname, 'world-process.ts'), [], {
    cwd: join(__dirname, '..'),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;

  const ready = new Promise<{
    env: Record<string, string>;
    providerEnvs: Record<ModelProvider, Record<string, string>>;
    dynamoDBEndpoint: string;
  }>((resolve, reject) => {
    pending.set(0, { resolve: resolve as (value: unknown) => void, reject });
    child.once('exit', (code) => reject(new Error(`The bench world process exited early (code ${code})`)));
  });
  child.on('message', (reply: WorldReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error !== undefined) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(reply.value);
  });
  const { env, providerEnvs, dynamoDBEndpoint } = await ready;

  // The SDK reads its endpoint, region and credentials from the environment, as it does in Lambda.
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDBEndpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });

  const ask = <T>(request: WorldRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, request });
    });

  return {
    env,
    providerEnvs,
    dynamoDBEndpoint,
    setModelBehaviour: (behaviour, options) =>
      ask({ type: 'setModelBehaviour', behaviour, echoQuestion: options?.echoQuestion }),
    setModelCallingTool: (toolCall, reply) => ask({ type: 'setModelCallingTool', toolCall, reply }),
    ordersReads: () => ask({ type: 'ordersReads' }),
    modelRequests: () => ask({ type: 'modelRequests' }),
    clearModelRequests: () => ask({ type: 'clearModelRequests' }),
    setTable: (health) => ask({ type: 'setTable', ...health }),
    tableRequests: () => ask({ type: 'tableRequests' }),
    storedMessages: (callId) => ask({ type: 'storedMessages', callId }),
    async stop() {
      await ask({ type: 'stop' }).catch(() => undefined);
      await stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.disconnect();
  });
}
