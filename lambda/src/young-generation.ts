/**
 * The init phase ends with V8's young generation full of what loading the code and rehearsing a turn made, much
 * of it still alive (modules, clients, compiled code's data). The collection that empties it (a scavenge, which
 * copies every live young object and scans every old object that points at one) came in the first turn: 15-20 ms
 * on the 2-core bench machine (bench "first turn", run with --trace-gc), the largest part of what the first turn
 * still cost beyond a warm one after the rehearsal. Collecting once at the end of the init phase pays for it there,
 * before the first event; the first turn then makes no collection of its own.
 *
 * Before collecting, each page of the young generation is written once, with garbage. The young generation grows
 * during the init phase (to 16 MB here; Lambda's runtime lets it grow larger), and a page's first write is a page
 * fault, which in a Firecracker micro-VM costs tens of microseconds: the first callers' turns paid for them, about
 * 1,000 in the second question embedded after the init phase (bench "knowledge load": it took 35 ms where a warm
 * one takes 15). Written here, the faults are the init phase's.
 *
 * JavaScript can start a collection only through V8's `gc` extension. Lambda starts Node.js itself, so the flag
 * is set here for a moment: a context made while it is on gets `gc`, and the function's own context (made before)
 * never does. If this Node.js refuses, nothing is collected and the first turn pays, as before.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' }) => void;

/** An array of this many small integers takes 8 KiB of the young generation (a header and 1,022 tagged values). */
const VALUES_PER_CHUNK = 1_022;
const CHUNK_BYTES = 8 * 1024;

/**
 * Allocates short-lived garbage of twice the size V8 reports for the young generation (which counts both its
 * halves): the allocation fills one half, a scavenge (which finds nothing alive) swaps the halves, it fills the
 * other, and so on, so every page has been written at least twice.
 */
function writeYoungGeneration(): number {
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  const chunks = Math.ceil((2 * (young?.space_size ?? 0)) / CHUNK_BYTES);
  // The last few kept and counted, so no compiler can prove the arrays unused and drop their allocation.
  const last: number[][] = [];
  for (let chunk = 0; chunk < chunks; chunk++) last[chunk % 4] = new Array<number>(VALUES_PER_CHUNK).fill(chunk);
  return last.reduce((sum, values) => sum + values.length, 0);
}

/** Writes each page of the young generation, then collects it; false when V8 would not let it. Never throws. */
export function collectYoungGeneration(): boolean {
  try {
    writeYoungGeneration();
    const exposed = (globalThis as { gc?: Collect }).gc;
    let collect = exposed;
    if (!collect) {
      setFlagsFromString('--expose-gc');
      try {
        collect = runInNewContext('gc') as Collect | undefined;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
    if (typeof collect !== 'function') return false;
    collect({ type: 'minor' });
    return true;
  } catch {
    return false;
  }
}
