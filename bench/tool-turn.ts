/**
 * Tool-turn overhead: what the function itself adds to a turn in which the model calls look_up_order: everything
 * except the two model exchanges and the order lookup.
 *
 * As turn-overhead.ts: one warm handler, one turn at a time, dynalite (with the sample orders) and the loopback
 * model in another process. The model asks for look_up_order on the sample order, then answers once the result
 * is in the prompt. For each turn: handler time minus the model HTTP exchanges (model-time.ts) minus the lookup
 * (the orders table's GetItem as the AWS SDK runs it, timed by a middleware on the function's DynamoDB client).
 * The orders table's reads are counted at the proxy.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHandler } from '../lambda/src/handler';
import { lookUpOrder } from '../lib/definition/tools';
import { ORDERS_TABLE_NAME } from '../local/function-world';
import { atMost, type Figure, type MeasurementResult, percentile, spreadOf } from './figures';
import { installModelExchangeTimer } from './model-time';
import { playTurn } from './turns';
import type { BenchWorld } from './world';

export interface ToolTurnOptions {
  readonly repetitions: number;
  readonly turns: number;
  readonly turnsPerCall: number;
}

export const TOOL_TURN_OVERHEAD_TARGET_MS = 30;
export const ORDERS_READS_PER_TOOL_TURN_TARGET = 1;

const REPLY = 'Your order has shipped with UPS and should arrive on Friday.';

/** The function's DynamoDB client, with the time spent in GetItem on the orders table summed. */
function timedOrdersClient(): { client: DynamoDBClient; take(): number } {
  // As the function builds its own (handler.ts): few attempts, short timeouts.
  const client = new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_500 },
  });
  let pendingMs = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (context.commandName !== 'GetItemCommand' || input.TableName !== ORDERS_TABLE_NAME) return next(args);
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        pendingMs += performance.now() - started;
      }
    },
    { step: 'initialize', name: 'benchOrdersTimer' },
  );
  return {
    client,
    take() {
      const taken = pendingMs;
      pendingMs = 0;
      return taken;
    },
  };
}

export async function measureToolTurnOverhead(world: BenchWorld, options: ToolTurnOptions): Promise<MeasurementResult> {
  await world.setModelCallingTool({ name: lookUpOrder.name, arguments: { orderId: '4711' } }, REPLY);
  const timer = installModelExchangeTimer();
  const orders = timedOrdersClient();
  const handler = createHandler({ env: world.env, dynamoDBClient: orders.client });
  const ask = (callId: string, turn: number) =>
    `Where is my order four seven one one? I am asking for the ${turn}th time, call ${callId}.`;
  try {
    for (let turn = 1; turn <= 10; turn++) await playTurn(handler, 'tool-warm-up', ask('tool-warm-up', turn));

    const runs: {
      p50: number;
      p95: number;
      p99: number;
      readsPerTurn: number;
      exchangesPerTurn: number;
      failed: number;
    }[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const overheads: number[] = [];
      let failed = 0;
      const readsBefore = await world.ordersReads();
      const exchangesBefore = timer.exchanges;
      for (let index = 0; index < options.turns; index++) {
        const callId = `tool-${repetition}-${Math.floor(index / options.turnsPerCall)}`;
        timer.take();
        orders.take();
        const played = await playTurn(handler, callId, ask(callId, (index % options.turnsPerCall) + 1));
        const modelMs = timer.take();
        const lookupMs = orders.take();
        if (played.spoken !== REPLY) failed += 1;
        overheads.push(played.elapsedMs - modelMs - lookupMs);
      }
      runs.push({
        p50: percentile(overheads, 50),
        p95: percentile(overheads, 95),
        p99: percentile(overheads, 99),
        readsPerTurn: ((await world.ordersReads()) - readsBefore) / options.turns,
        exchangesPerTurn: (timer.exchanges - exchangesBefore) / options.turns,
        failed,
      });
    }

    const group = 'tool turn overhead';
    const of = (pick: (run: (typeof runs)[number]) => number) => spreadOf(runs.map(pick));
    const p99 = of((run) => run.p99);
    const reads = of((run) => run.readsPerTurn);
    const failed = of((run) => run.failed);
    const figures: Figure[] = [
      { group, name: 'p50', unit: 'ms', spread: of((run) => run.p50) },
      { group, name: 'p95', unit: 'ms', spread: of((run) => run.p95) },
      { group, name: 'p99', unit: 'ms', spread: p99, target: atMost(p99, TOOL_TURN_OVERHEAD_TARGET_MS) },
      {
        group,
        name: 'orders table GetItem per tool turn',
        unit: 'requests',
        spread: reads,
        target: atMost(reads, ORDERS_READS_PER_TOOL_TURN_TARGET, 'max'),
      },
      { group, name: 'model exchanges per tool turn', unit: 'requests', spread: of((run) => run.exchangesPerTurn) },
      {
        group,
        name: 'tool turns not answered by the model',
        unit: 'turns',
        spread: failed,
        target: atMost(failed, 0, 'max'),
      },
    ];
    return {
      figures,
      method:
        `${options.repetitions} runs of ${options.turns} tool turns (calls of ${options.turnsPerCall} turns, one at a time, one warm ` +
        'handler): the loopback model asks for look_up_order, then answers with the result in the prompt. Overhead = time in the ' +
        'handler minus the two model HTTP exchanges minus the orders GetItem (timed in the SDK). Logs and metrics off.',
    };
  } finally {
    timer.uninstall();
    orders.client.destroy();
  }
}
