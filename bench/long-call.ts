/**
 * A long call: the prompt the model receives at turns 1, 10, 40 and 100 of one call. The call's memory keeps
 * every turn, but the prompt must stop growing at the configured history budget (HISTORY_TOKEN_BUDGET), or a
 * long call gets slower and dearer with every turn.
 *
 * Sizes are taken on the model server's side, from what actually arrived: the body's length, and tokens
 * estimated the way the function budgets them (a quarter of the characters, plus four a message).
 */
import { createHandler } from '../lambda/src/handler';
import { readSettings } from '../lambda/src/settings';
import { atLeast, atMost, type Figure, type MeasurementResult, spreadOf } from './figures';
import { playTurn, question } from './turns';
import type { BenchWorld, ModelRequestSize } from './world';

export const SAMPLED_TURNS = [1, 10, 40, 100] as const;
const LAST_TURN = SAMPLED_TURNS[SAMPLED_TURNS.length - 1];
/** Levelled off: the prompt at the last turn is within this factor of the prompt at turn 40. */
const LEVEL_FACTOR = 1.1;

/** About 300 characters: a long-ish spoken answer, so the budget is reached within the first 40 turns. */
const REPLY =
  'There are three ways to do that. You can do it online at any time, you can call us during opening hours, ' +
  'or you can visit one of our offices. Online is usually the fastest. Would you like me to explain any of the ' +
  'three in more detail, or would you rather talk to a person about it?';

export function estimatedTokens(size: ModelRequestSize): number {
  return size.messageChars.reduce((total, chars) => total + Math.ceil(chars / 4) + 4, 0);
}

export async function measureLongCall(world: BenchWorld, options: { repetitions: number }): Promise<MeasurementResult> {
  const budget = readSettings(world.env).model?.historyTokenBudget ?? Number.NaN;
  await world.setModelBehaviour({ reply: REPLY });
  const tokens = new Map<number, number[]>(SAMPLED_TURNS.map((turn) => [turn, []]));
  const bodyChars = new Map<number, number[]>(SAMPLED_TURNS.map((turn) => [turn, []]));
  const levels: number[] = [];
  const stored: number[] = [];

  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    const handler = createHandler({ env: world.env });
    const callId = `long-call-${repetition}-${Date.now()}`;
    for (let turn = 1; turn <= LAST_TURN; turn++) {
      await world.clearModelRequests();
      await playTurn(handler, callId, question(callId, turn));
      if (!(SAMPLED_TURNS as readonly number[]).includes(turn)) continue;
      const [size] = (await world.modelRequests()).slice(-1);
      tokens.get(turn)?.push(estimatedTokens(size));
      bodyChars.get(turn)?.push(size.bodyChars);
    }
    const [at40, atLast] = [40, LAST_TURN].map((turn) => tokens.get(turn)?.[repetition] ?? Number.NaN);
    levels.push(atLast / at40);
    stored.push((await world.storedMessages(callId)).length);
  }

  const group = 'long call';
  const figures: Figure[] = [];
  for (const turn of SAMPLED_TURNS) {
    const spread = spreadOf(tokens.get(turn) ?? []);
    figures.push({
      group,
      name: `prompt at turn ${turn}`,
      unit: 'tokens',
      spread,
      target: turn >= 40 ? atMost(spread, budget, 'max') : undefined,
    });
  }
  for (const turn of SAMPLED_TURNS)
    figures.push({
      group,
      name: `request body at turn ${turn}`,
      unit: 'chars',
      spread: spreadOf(bodyChars.get(turn) ?? []),
    });
  const level = spreadOf(levels);
  figures.push({
    group,
    name: `prompt turn ${LAST_TURN} / turn 40`,
    unit: 'x',
    spread: level,
    target: atMost(level, LEVEL_FACTOR, 'max'),
  });
  const kept = spreadOf(stored);
  figures.push({
    group,
    name: `messages kept in memory after turn ${LAST_TURN}`,
    unit: 'messages',
    spread: kept,
    target: atLeast(kept, 2 * LAST_TURN, 'min'),
  });
  return {
    figures,
    method:
      `${options.repetitions} calls of ${LAST_TURN} turns, ~${REPLY.length}-character answers; history budget ${budget} tokens ` +
      '(HISTORY_TOKEN_BUDGET). Prompt sizes as received by the model server; tokens estimated as the function budgets them.',
  };
}
