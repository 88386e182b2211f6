/**
 * Turn overhead against the stored history: the same turn on a call with nothing stored and on a call holding
 * the default cap of 200 messages. A long call must not cost more CPU per turn than a short one: the prompt's
 * budget trim once recounted every prefix of the history (about 70 ms of CPU a turn at 200 messages, against
 * 9 ms for an empty call).
 *
 * As turn-overhead.ts: one warm handler, one turn at a time, dynalite and the loopback model in another process.
 * The full call is filled by playing 100 turns; each measured turn keeps it at the cap (the write then sets the
 * newest 200 messages). Turns on a fresh call and on the full call alternate, so a busy moment hits both alike.
 * Overhead = time in the handler minus the model exchange (model-time.ts). Shown beside it: the same less the
 * call memory's DynamoDB exchanges (a bigger item is more work for dynalite, which in production is DynamoDB's),
 * and the process's own CPU time per turn (user + system, the world's process excluded).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHandler } from '../lambda/src/handler';
import { readSettings } from '../lambda/src/settings';
import { atMost, type Figure, type MeasurementResult, median, spreadsOf } from './figures';
import { installModelExchangeTimer } from './model-time';
import { handlerPrototypeOf, timeSdkExchanges } from './sdk-exchanges';
import { playTurn, question } from './turns';
import type { BenchWorld } from './world';

export interface HistoryOverheadOptions {
  readonly repetitions: number;
  /** Measured turns per repetition on each side (a fresh call, the full call). */
  readonly turns: number;
}

/** Overhead at 200 stored messages at most this many times the overhead with none. */
export const HISTORY_OVERHEAD_RATIO_TARGET = 1.5;

/** About 200 characters: a phone answer of two or three sentences. */
const REPLY =
  'You can pay by card or by bank transfer. A card payment goes through at once; a transfer takes a day or two. ' +
  'Would you like me to explain either of them in more detail?';

interface Side {
  readonly overheads: number[];
  /** The same, less the call memory's DynamoDB exchanges (dynalite's work, in production DynamoDB's). */
  readonly withoutTable: number[];
  readonly table: number[];
  readonly cpu: number[];
}

const newSide = (): Side => ({ overheads: [], withoutTable: [], table: [], cpu: [] });

/** The function's DynamoDB exchanges (the call memory: no order is asked about here), timed in the SDK. */
function installTableExchangeTimer() {
  const probe = new DynamoDBClient({ region: 'us-east-1' });
  const timer = timeSdkExchanges(handlerPrototypeOf(probe), (request) =>
    String(request.headers['x-amz-target'] ?? '').startsWith('DynamoDB_'),
  );
  probe.destroy();
  return timer;
}

export async function measureHistoryOverhead(
  world: BenchWorld,
  options: HistoryOverheadOptions,
): Promise<MeasurementResult> {
  const storedCap = readSettings(world.env).maxStoredMessages;
  await world.setModelBehaviour({ reply: REPLY });
  const timer = installModelExchangeTimer();
  const table = installTableExchangeTimer();
  const handler = createHandler({ env: world.env });
  const play = async (callId: string, turn: number, side?: Side) => {
    timer.take();
    table.take();
    const cpuBefore = process.cpuUsage();
    const played = await playTurn(handler, callId, question(callId, turn));
    const cpu = process.cpuUsage(cpuBefore);
    const modelMs = timer.take();
    const tableMs = table.take();
    if (played.spoken !== REPLY) throw new Error(`the model did not answer turn ${turn} of ${callId}`);
    side?.overheads.push(played.elapsedMs - modelMs);
    side?.withoutTable.push(played.elapsedMs - modelMs - tableMs);
    side?.table.push(tableMs);
    side?.cpu.push((cpu.user + cpu.system) / 1000);
  };
  try {
    for (let turn = 1; turn <= 10; turn++) await play('history-warm-up', turn);

    const runs: Record<
      | 'empty'
      | 'full'
      | 'ratio'
      | 'emptyOwn'
      | 'fullOwn'
      | 'ownRatio'
      | 'emptyTable'
      | 'fullTable'
      | 'emptyCpu'
      | 'fullCpu',
      number
    >[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const fullCall = `history-full-${repetition}-${Date.now()}`;
      let fullTurn = 0;
      while (2 * fullTurn < storedCap) await play(fullCall, ++fullTurn);
      const stored = (await world.storedMessages(fullCall)).length;
      if (stored !== storedCap) throw new Error(`the full call holds ${stored} messages, not ${storedCap}`);

      const empty = newSide();
      const full = newSide();
      for (let index = 0; index < options.turns; index++) {
        await play(`history-empty-${repetition}-${index}-${Date.now()}`, 1, empty);
        await play(fullCall, ++fullTurn, full);
      }
      runs.push({
        empty: median(empty.overheads),
        full: median(full.overheads),
        ratio: median(full.overheads) / median(empty.overheads),
        emptyOwn: median(empty.withoutTable),
        fullOwn: median(full.withoutTable),
        ownRatio: median(full.withoutTable) / median(empty.withoutTable),
        emptyTable: median(empty.table),
        fullTable: median(full.table),
        emptyCpu: median(empty.cpu),
        fullCpu: median(full.cpu),
      });
    }

    const group = 'turn overhead';
    const of = spreadsOf(runs);
    const ratio = of((run) => run.ratio);
    // Dynalite's time grows with the item (a 200-message item is tens of kilobytes, read and written whole each turn at
    // the cap); DynamoDB's hardly does, and neither is the function's work. The target (turn CPU flat in the history)
    // is held by the function's own share: the overhead less the table's HTTP exchanges (the SDK's parsing of the
    // bigger item stays in it). The ratio with dynalite's time is shown beside it.
    const ownRatio = of((run) => run.ownRatio);
    const figures: Figure[] = [
      { group, name: 'p50, nothing stored', unit: 'ms', spread: of((run) => run.empty) },
      { group, name: `p50, ${storedCap} messages stored`, unit: 'ms', spread: of((run) => run.full) },
      {
        group,
        name: `${storedCap} messages stored / nothing stored (p50)`,
        unit: 'x',
        spread: ratio,
      },
      { group, name: 'DynamoDB exchanges p50, nothing stored', unit: 'ms', spread: of((run) => run.emptyTable) },
      {
        group,
        name: `DynamoDB exchanges p50, ${storedCap} messages stored`,
        unit: 'ms',
        spread: of((run) => run.fullTable),
      },
      {
        group,
        name: `less DynamoDB exchanges: ${storedCap} stored / nothing stored (p50)`,
        unit: 'x',
        spread: ownRatio,
        target: atMost(ownRatio, HISTORY_OVERHEAD_RATIO_TARGET),
      },
      { group, name: 'CPU per turn p50, nothing stored', unit: 'ms', spread: of((run) => run.emptyCpu) },
      { group, name: `CPU per turn p50, ${storedCap} messages stored`, unit: 'ms', spread: of((run) => run.fullCpu) },
    ];
    return {
      figures,
      method:
        `${options.repetitions} runs of ${options.turns} turns on fresh calls alternating with ${options.turns} turns on a ` +
        `call kept at ${storedCap} stored messages (MAX_STORED_MESSAGES, ~${REPLY.length}-character answers), one warm ` +
        'handler. Overhead = time in the handler minus the model HTTP exchange; also shown less the DynamoDB HTTP ' +
        "exchanges (dynalite's work, timed in the SDK's HTTP handler); CPU = this process only.",
    };
  } finally {
    timer.uninstall();
  }
}
