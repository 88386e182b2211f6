/**
 * Turn overhead: what the function itself adds to a turn, with a model that answers at once.
 *
 * One handler (one warm Lambda instance) answers calls of ten turns each, one turn at a time as Lambda would,
 * against dynalite and the loopback model (both in another process, see world-process.ts). For each turn: its
 * time in the handler minus the model exchange (see model-time.ts for exactly what that is). DynamoDB requests
 * are counted at the proxy in front of dynalite.
 */
import { createHandler } from '../lambda/src/handler';
import { MODEL_PROVIDERS } from '../lib/definition/function-settings';
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
import { playTurn, question } from './turns';
import type { BenchWorld } from './world';

export interface TurnOverheadOptions {
  readonly repetitions: number;
  /** Turns per repetition; the percentiles of each repetition are taken over these. */
  readonly turns: number;
  readonly turnsPerCall: number;
}

export const TURN_OVERHEAD_TARGET_MS = 25;
export const DYNAMODB_REQUESTS_PER_TURN_TARGET = 2;

const REPLY = 'Sure. You can pay by card or by bank transfer, and I can tell you more about either.';

interface OverheadRun extends Percentiles {
  readonly requestsPerTurn: number;
  readonly modelP50: number;
  readonly turnP50: number;
  readonly failed: number;
}

/** Plays `options.repetitions` runs of turns on one warm handler with these settings; the model answers REPLY. */
async function overheadRuns(
  world: BenchWorld,
  env: Readonly<Record<string, string>>,
  callPrefix: string,
  options: TurnOverheadOptions,
): Promise<OverheadRun[]> {
  const timer = installModelExchangeTimer();
  const handler = createHandler({ env });
  try {
    // The first turns build the clients and open connections: a cold start, not a turn's overhead.
    for (let turn = 1; turn <= 10; turn++)
      await playTurn(handler, `${callPrefix}-warm-up`, question(`${callPrefix}-warm-up`, turn));

    const runs: OverheadRun[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const overheads: number[] = [];
      const modelTimes: number[] = [];
      const turnTimes: number[] = [];
      let failed = 0;
      const requestsBefore = await world.tableRequests();
      for (let index = 0; index < options.turns; index++) {
        const callId = `${callPrefix}-${repetition}-${Math.floor(index / options.turnsPerCall)}`;
        timer.take();
        const played = await playTurn(handler, callId, question(callId, (index % options.turnsPerCall) + 1));
        const modelMs = timer.take();
        if (played.spoken !== REPLY) failed += 1;
        overheads.push(played.elapsedMs - modelMs);
        modelTimes.push(modelMs);
        turnTimes.push(played.elapsedMs);
      }
      runs.push({
        ...percentilesOf(overheads),
        requestsPerTurn: ((await world.tableRequests()) - requestsBefore) / options.turns,
        modelP50: percentile(modelTimes, 50),
        turnP50: percentile(turnTimes, 50),
        failed,
      });
    }
    return runs;
  } finally {
    timer.uninstall();
  }
}

export async function measureTurnOverhead(world: BenchWorld, options: TurnOverheadOptions): Promise<MeasurementResult> {
  await world.setModelBehaviour({ reply: REPLY });
  const runs = await overheadRuns(world, world.env, 'overhead', options);
  const of = spreadsOf(runs);
  const group = 'turn overhead';
  const requests = of((run) => run.requestsPerTurn);
  const failed = of((run) => run.failed);
  const figures: Figure[] = [
    ...percentileFigures(group, runs, TURN_OVERHEAD_TARGET_MS),
    {
      group,
      name: 'DynamoDB requests per turn',
      unit: 'requests',
      spread: requests,
      target: atMost(requests, DYNAMODB_REQUESTS_PER_TURN_TARGET, 'max'),
    },
    { group, name: 'turns not answered by the model', unit: 'turns', spread: failed, target: atMost(failed, 0, 'max') },
    { group, name: 'model exchange p50 (subtracted)', unit: 'ms', spread: of((run) => run.modelP50) },
    { group, name: 'whole turn p50 (for reference)', unit: 'ms', spread: of((run) => run.turnP50) },
  ];
  return {
    figures,
    method:
      `${options.repetitions} runs of ${options.turns} turns (calls of ${options.turnsPerCall} turns, one turn at a time, one warm handler), ` +
      'dynalite behind a counting proxy, a loopback model answering at once. Overhead = time in the handler minus the model ' +
      'HTTP exchange as the client sees it (request handed to the HTTP layer to full response body). Logs and metrics off.',
  };
}

/**
 * The same turns with each model provider, against its own loopback server (an OpenAI-compatible server, one
 * shaped as an Azure OpenAI deployment, a Bedrock Converse endpoint): what each provider's client (ChatOpenAI,
 * AzureChatOpenAI, ChatBedrockConverse with the AWS SDK's signing and HTTP/2) adds to a turn. One fresh handler
 * per provider, as a function deployed with that MODEL_PROVIDER.
 */
export async function measureProviderOverhead(
  world: BenchWorld,
  options: TurnOverheadOptions,
): Promise<MeasurementResult> {
  await world.setModelBehaviour({ reply: REPLY });
  const group = 'turn overhead';
  const figures: Figure[] = [];
  for (const provider of MODEL_PROVIDERS) {
    const of = spreadsOf(await overheadRuns(world, world.providerEnvs[provider], `overhead-${provider}`, options));
    const p99 = of((run) => run.p99);
    const failed = of((run) => run.failed);
    figures.push(
      { group, name: `${provider}: p50`, unit: 'ms', spread: of((run) => run.p50) },
      { group, name: `${provider}: p99`, unit: 'ms', spread: p99, target: atMost(p99, TURN_OVERHEAD_TARGET_MS) },
      { group, name: `${provider}: model exchange p50 (subtracted)`, unit: 'ms', spread: of((run) => run.modelP50) },
      {
        group,
        name: `${provider}: turns not answered by the model`,
        unit: 'turns',
        spread: failed,
        target: atMost(failed, 0, 'max'),
      },
    );
  }
  return {
    figures,
    method:
      `For each of ${MODEL_PROVIDERS.join(', ')}: ${options.repetitions} runs of ${options.turns} turns as for the turn overhead, ` +
      "against the provider's loopback server (OpenAI-compatible, Azure OpenAI-shaped, Bedrock Converse over HTTP/2). " +
      "The model exchange is timed at the client's HTTP layer: fetch for OpenAI and Azure, the AWS SDK's HTTP handler for Bedrock.",
  };
}
