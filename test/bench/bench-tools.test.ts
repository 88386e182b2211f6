/**
 * The bench's own tools: the statistics its figures are made of, the PASS/MISS judgement, and fault drills that
 * do notice a function that goes silent, throws, or forgets, so a drill that passes means something.
 */
import type { LexV2Result } from 'aws-lambda';
import { FAULT_SCENARIOS, runFaultDrill } from '../../bench/faults';
import { atLeast, atMost, median, percentile, renderTable, spreadOf } from '../../bench/figures';
import { startBenchWorld, type BenchWorld } from '../../bench/world';
import type { TurnHandler } from '../../lambda/src/handler';

describe('figures', () => {
  const hundred = Array.from({ length: 100 }, (_, index) => index + 1);

  test('percentiles are nearest-rank over the sorted values', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([...hundred].reverse(), 95)).toBe(95);
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  test('a spread keeps the median, min, max and the number of runs', () => {
    expect(spreadOf([12, 10, 30])).toEqual({ median: 12, min: 10, max: 30, runs: 3 });
  });

  test('targets judge the median unless told to judge the worst run', () => {
    const spread = spreadOf([10, 20, 40]);
    expect(atMost(spread, 25).met).toBe(true);
    expect(atMost(spread, 25, 'max').met).toBe(false);
    expect(atLeast(spread, 15).met).toBe(true);
    expect(atLeast(spread, 15, 'min').met).toBe(false);
  });

  test('the table says PASS or MISS for each figure with a target, nothing for context figures', () => {
    const table = renderTable([
      { group: 'g', name: 'met', unit: 'ms', spread: spreadOf([1]), target: atMost(spreadOf([1]), 2) },
      { group: 'g', name: 'missed', unit: 'ms', spread: spreadOf([3]), target: atMost(spreadOf([3]), 2) },
      { group: 'g', name: 'context', unit: 'ms', spread: spreadOf([5]) },
    ]);
    const lines = table.split('\n');
    expect(lines.find((line) => line.startsWith('g: met'))).toMatch(/PASS$/);
    expect(lines.find((line) => line.startsWith('g: missed'))).toMatch(/MISS$/);
    expect(lines.find((line) => line.startsWith('g: context'))).not.toMatch(/PASS|MISS/);
  });
});

describe('fault drills notice a broken function', () => {
  let world: BenchWorld;
  beforeAll(async () => {
    world = await startBenchWorld();
  }, 30_000);
  afterAll(async () => {
    await world?.stop();
  });

  const drill = { calls: 2, faultedTurns: 2, turnDeadlineMs: 1000, memoryTimeoutMs: 300 };
  const modelFailing = FAULT_SCENARIOS.find((scenario) => scenario.name === 'model answers 500')!;

  test('a function that answers with nothing and stores nothing: no speech, every turn lost', async () => {
    const silent: TurnHandler = async (event): Promise<LexV2Result> => ({
      sessionState: {
        dialogAction: { type: 'ElicitIntent' },
        intent: { name: event.sessionState.intent.name, state: 'Fulfilled' },
      },
      messages: [],
    });

    const result = await runFaultDrill(world, modelFailing, { ...drill, makeHandler: () => silent });

    expect(result.faultedTurns).toBe(4);
    expect(result.answeredWithSpeech).toBe(0);
    expect(result.lostTurns).toBe(drill.calls * (drill.faultedTurns + 2));
  });

  test('a function that throws is counted as not answering, and the drill still finishes', async () => {
    const throwing: TurnHandler = async () => {
      throw new Error('boom');
    };

    const result = await runFaultDrill(world, modelFailing, { ...drill, makeHandler: () => throwing });

    expect(result.answeredWithSpeech).toBe(0);
    expect(result.worstMs).toBeLessThan(drill.turnDeadlineMs);
  });
});
