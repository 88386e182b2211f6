/**
 * Tool-turn overhead: what the function itself adds to a turn in which the model calls look_up_order: everything
 * except the two model exchanges and the order lookup.
 *
 * As turn-overhead.ts: one warm handler, one turn at a time, dynalite (with the sample orders) and the loopback
 * model in another process. The model asks for look_up_order on the sample order, then answers once the result
 * is in the prompt. For each turn: handler time minus the model HTTP exchanges (model-time.ts) minus the lookup
 * (the orders table's GetItem HTTP exchange, timed the same way in the AWS SDK's HTTP handler, sdk-exchanges.ts).
 * The orders table's reads are counted at the proxy.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHandler } from '../lambda/src/handler';
import { lookUpOrder } from '../lib/definition/tools';
import { ORDERS_TABLE_NAME } from '../local/function-world';
import {
  atMost,
  type Figure,
  type MeasurementResult,
  type Percentiles,
  percentile,
  percentileFigures,
  percentilesOf,
  spreadsOf,
} from './figures';
import { installModelExchangeTimer } from './model-time';
import { type ExchangeTimer, handlerPrototypeOf, timeSdkExchanges } from './sdk-exchanges';
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

/**
 * The lookup: the orders table's GetItem as an HTTP exchange, timed in the SDK's HTTP handler like the model's
 * (request handed over to full response body). Building, signing and parsing the request stay in the overhead:
 * they are the function's work, as they are for the model.
 */
function installOrdersLookupTimer(): ExchangeTimer {
  const probe = new DynamoDBClient({ region: 'us-east-1' });
  const timer = timeSdkExchanges(handlerPrototypeOf(probe), (request) => {
    if (request.headers['x-amz-target'] !== 'DynamoDB_20120810.GetItem') return false;
    // The SDK serializes the JSON body to bytes.
    const { body } = request;
    const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body);
    return (JSON.parse(text) as { TableName?: string }).TableName === ORDERS_TABLE_NAME;
  });
  probe.destroy();
  return timer;
}

export async function measureToolTurnOverhead(world: BenchWorld, options: ToolTurnOptions): Promise<MeasurementResult> {
  await world.setModelCallingTool({ name: lookUpOrder.name, arguments: { orderId: '4711' } }, REPLY);
  const timer = installModelExchangeTimer();
  const orders = installOrdersLookupTimer();
  const handler = createHandler({ env: world.env });
  const ask = (callId: string, turn: number) =>
    `Where is my order four seven one one? I am asking for the ${turn}th time, call ${callId}.`;
  try {
    for (let turn = 1; turn <= 10; turn++) await playTurn(handler, 'tool-warm-up', ask('tool-warm-up', turn));

    const runs: (Percentiles & {
      readsPerTurn: number;
      exchangesPerTurn: number;
      lookupsPerTurn: number;
      modelP50: number;
      lookupP50: number;
      failed: number;
    })[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const overheads: number[] = [];
      const modelTimes: number[] = [];
      const lookupTimes: number[] = [];
      let failed = 0;
      const readsBefore = await world.ordersReads();
      const exchangesBefore = timer.exchanges;
      const lookupsBefore = orders.exchanges;
      for (let index = 0; index < options.turns; index++) {
        const callId = `tool-${repetition}-${Math.floor(index / options.turnsPerCall)}`;
        timer.take();
        orders.take();
        const played = await playTurn(handler, callId, ask(callId, (index % options.turnsPerCall) + 1));
        const modelMs = timer.take();
        const lookupMs = orders.take();
        if (played.spoken !== REPLY) failed += 1;
        overheads.push(played.elapsedMs - modelMs - lookupMs);
        modelTimes.push(modelMs);
        lookupTimes.push(lookupMs);
      }
      runs.push({
        ...percentilesOf(overheads),
        readsPerTurn: ((await world.ordersReads()) - readsBefore) / options.turns,
        exchangesPerTurn: (timer.exchanges - exchangesBefore) / options.turns,
        lookupsPerTurn: (orders.exchanges - lookupsBefore) / options.turns,
        modelP50: percentile(modelTimes, 50),
        lookupP50: percentile(lookupTimes, 50),
        failed,
      });
    }

    const group = 'tool turn overhead';
    const of = spreadsOf(runs);
    const reads = of((run) => run.readsPerTurn);
    const failed = of((run) => run.failed);
    const figures: Figure[] = [
      ...percentileFigures(group, runs, TOOL_TURN_OVERHEAD_TARGET_MS),
      {
        group,
        name: 'orders table GetItem per tool turn',
        unit: 'requests',
        spread: reads,
        target: atMost(reads, ORDERS_READS_PER_TOOL_TURN_TARGET, 'max'),
      },
      { group, name: 'model exchanges per tool turn', unit: 'requests', spread: of((run) => run.exchangesPerTurn) },
      { group, name: 'model exchanges p50 (subtracted)', unit: 'ms', spread: of((run) => run.modelP50) },
      { group, name: 'timed lookups per tool turn', unit: 'requests', spread: of((run) => run.lookupsPerTurn) },
      { group, name: 'orders lookup p50 (subtracted)', unit: 'ms', spread: of((run) => run.lookupP50) },
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
        'handler minus the two model HTTP exchanges minus the orders GetItem HTTP exchange (both timed at the HTTP layer). Logs and metrics off.',
    };
  } finally {
    timer.uninstall();
    orders.uninstall();
  }
}
