/**
 * Fault drills: calls in progress while a part fails. The model answers 429, 500 or garbage, or hangs; the
 * call-memory table cannot be reached, hangs, or throttles every request. The bench runs them with many turns;
 * test/faults runs the same drills with a few.
 *
 * A drill, for each of several calls at once:
 *   1. a healthy turn, stored;
 *   2. the fault starts; a few turns, each timed against the turn deadline (on a fresh handler, as a new Lambda
 *      instance would meet the fault; it also lets "unreachable" take effect when the SDK client is built);
 *   3. the fault is lifted; one more healthy turn.
 * Then each call's memory is read back. While the table is up every question asked must be in it; a table
 * fault may cost the turns asked during it, but never a turn stored before it or the turn after it.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHandler, type TurnHandler } from '../lambda/src/handler';
import { type PlayedTurn, playTurn, question } from './turns';
import type { BenchWorld } from './world';

export interface FaultScenario {
  readonly name: string;
  /** Whether the table can store turns during the fault; if so, no turn may be lost. */
  readonly tableUp: boolean;
  /** Starts the fault; resolves to the function that lifts it. */
  start(world: BenchWorld): Promise<() => Promise<void>>;
}

const modelFault = (name: string, behaviour: Parameters<BenchWorld['setModelBehaviour']>[0]): FaultScenario => ({
  name,
  tableUp: true,
  async start(world) {
    await world.setModelBehaviour(behaviour);
    return () => world.setModelBehaviour({}, { echoQuestion: true });
  },
});

const tableFault = (name: string, health: { hang?: boolean; throttle?: boolean }): FaultScenario => ({
  name,
  tableUp: false,
  async start(world) {
    await world.setTable(health);
    return () => world.setTable({});
  },
});

export const FAULT_SCENARIOS: readonly FaultScenario[] = [
  modelFault('model answers 429', { status: 429 }),
  modelFault('model answers 500', { status: 500 }),
  modelFault('model answers garbage', { garbage: true }),
  modelFault('model hangs', { hang: true }),
  {
    name: 'table unreachable',
    tableUp: false,
    async start() {
      // The SDK reads the endpoint when a handler builds its client at its first turn: point it at a port where
      // nothing listens for the turns of the fault, and back afterwards.
      const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${await closedPort()}`;
      return async () => {
        process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
      };
    },
  },
  tableFault('table hangs', { hang: true }),
  tableFault('table throttled', { throttle: true }),
];

export interface DrillOptions {
  readonly calls: number;
  /** Turns per call while the fault lasts. */
  readonly faultedTurns: number;
  /** TURN_DEADLINE_MS for the drill. */
  readonly turnDeadlineMs: number;
  /** MEMORY_TIMEOUT_MS for the drill. */
  readonly memoryTimeoutMs: number;
  /** Builds the function under drill (default: the real one); the drill's own tests pass broken ones. */
  readonly makeHandler?: (env: Record<string, string>) => TurnHandler;
}

export interface DrillResult {
  readonly scenario: string;
  readonly deadlineMs: number;
  /** Turns played while the fault lasted. */
  readonly faultedTurns: number;
  /** Of those, answered with something to say (a non-empty message, Lex keeps listening). */
  readonly answeredWithSpeech: number;
  /** The slowest of those, milliseconds. */
  readonly worstMs: number;
  /** Questions missing from memory that should be there: any turn while the table was up. */
  readonly lostTurns: number;
  /** Questions asked while the table was down and so not stored (expected for a table fault). */
  readonly unstoredWhileDown: number;
}

export async function runFaultDrill(
  world: BenchWorld,
  scenario: FaultScenario,
  options: DrillOptions,
): Promise<DrillResult> {
  const env = {
    ...world.env,
    TURN_DEADLINE_MS: String(options.turnDeadlineMs),
    MEMORY_TIMEOUT_MS: String(options.memoryTimeoutMs),
  };
  const callIds = Array.from(
    { length: options.calls },
    (_, index) => `drill-${slug(scenario.name)}-${index}-${Date.now()}`,
  );
  const lastTurn = options.faultedTurns + 2;
  const makeHandler = options.makeHandler ?? ((settings) => createHandler({ env: settings }));
  await world.setModelBehaviour({}, { echoQuestion: true });

  const healthy = new Map<string, TurnHandler>(callIds.map((callId) => [callId, makeHandler(env)]));
  await Promise.all(callIds.map((callId) => playTurn(healthy.get(callId)!, callId, question(callId, 1))));

  const lift = await scenario.start(world);
  let faulted: PlayedTurn[][];
  try {
    faulted = await Promise.all(
      callIds.map(async (callId) => {
        const handler = makeHandler(env);
        const played: PlayedTurn[] = [];
        for (let turn = 2; turn < lastTurn; turn++)
          played.push(await playTurn(handler, callId, question(callId, turn)));
        return played;
      }),
    );
  } finally {
    await lift();
  }
  await Promise.all(callIds.map((callId) => playTurn(healthy.get(callId)!, callId, question(callId, lastTurn))));

  let lostTurns = 0;
  let unstoredWhileDown = 0;
  for (const callId of callIds) {
    const storedQuestions = new Set(
      (await world.storedMessages(callId)).filter(([type]) => type === 'human').map(([, text]) => text),
    );
    for (let turn = 1; turn <= lastTurn; turn++) {
      if (storedQuestions.has(question(callId, turn))) continue;
      const duringFault = turn > 1 && turn < lastTurn;
      if (duringFault && !scenario.tableUp) unstoredWhileDown += 1;
      else lostTurns += 1;
    }
  }

  const turns = faulted.flat();
  return {
    scenario: scenario.name,
    deadlineMs: options.turnDeadlineMs,
    faultedTurns: turns.length,
    answeredWithSpeech: turns.filter(answeredWithSpeech).length,
    worstMs: Math.max(...turns.map((turn) => turn.elapsedMs)),
    lostTurns,
    unstoredWhileDown,
  };
}

/** The caller hears something and the call stays with the bot. */
export function answeredWithSpeech(turn: PlayedTurn): boolean {
  return (
    turn.error === undefined && turn.spoken !== '' && turn.result?.sessionState.dialogAction?.type === 'ElicitIntent'
  );
}

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}
