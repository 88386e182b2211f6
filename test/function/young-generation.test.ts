/**
 * The init phase ends with one collection of V8's young generation (lambda/src/young-generation.ts), which the
 * first turn would otherwise make, after writing each of its pages once. It must collect at once, leave no `gc`
 * function for any other code, and leave no fresh page of the young generation for the first turns to touch.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildSync } from 'esbuild';
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

test('writes each page of the young generation first, so the first turns after it touch no fresh page', () => {
  // In a process of its own, a young generation grown by what an init phase loads, then collected. Page faults are
  // counted per process: in a worker thread of jest's process they also counted what jest's own heap did meanwhile
  // (its collector's threads), which went past the limit twice on a busy machine (3 December 2026).
  const dir = mkdtempSync(join(tmpdir(), 'young-generation-'));
  try {
    const bundle = join(dir, 'young-generation.js');
    buildSync({
      entryPoints: [join(__dirname, '..', '..', 'lambda', 'src', 'young-generation.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'warning',
    });
    const script = `
      const { getHeapSpaceStatistics } = require('node:v8');
      const { collectYoungGeneration } = require(process.env.BUNDLE);
      const kept = [];
      for (let index = 0; index < 300000; index++) kept.push({ index, text: 'item ' + index });
      collectYoungGeneration();
      const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      const faults = process.resourceUsage().minorPageFault;
      // What the first turns allocate: as much as the young generation holds, all of it short-lived.
      let sum = 0;
      for (let bytes = 0; bytes < young; bytes += 8192) sum += new Array(1022).fill(bytes).length;
      const touched = process.resourceUsage().minorPageFault - faults;
      console.log(JSON.stringify({ pages: young / 4096, faults: touched, kept: kept.length + sum }));
    `;
    const output = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, BUNDLE: bundle } });
    const result: { pages: number; faults: number } = JSON.parse(String(output));
    expect(result.pages).toBeGreaterThan(256);
    expect(result.faults).toBeLessThan(result.pages / 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
