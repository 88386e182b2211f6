/**
 * The init phase ends with one collection of V8's young generation (lambda/src/young-generation.ts), which the
 * first turn would otherwise make. It must collect at once, and leave no `gc` function for any other code.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { collectYoungGeneration } from '../../lambda/src/young-generation';

const youngBytes = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size;

/** Short-lived objects, as loading the code and rehearsing a turn leave behind. */
function makeGarbage(): number {
  return Array.from({ length: 20_000 }, (_, index) => ({ index, text: `item ${index}` })).length;
}

test('collects the young generation at once', () => {
  expect(makeGarbage()).toBe(20_000);
  const before = youngBytes() ?? 0;
  expect(collectYoungGeneration()).toBe(true);
  expect(youngBytes()).toBeLessThan(before / 2);
});

test('leaves no gc function in this context or in contexts made later', () => {
  collectYoungGeneration();
  expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
  expect(runInNewContext('typeof gc')).toBe('undefined');
});
