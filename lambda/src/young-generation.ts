/**
 * The init phase ends with V8's young generation full of what loading the code and rehearsing a turn made, much
 * of it still alive (modules, clients, compiled code's data). The collection that empties it (a scavenge, which
 * copies every live young object and scans every old object that points at one) came in the first turn: 15-20 ms
 * on the 2-core bench machine (bench "first turn", run with --trace-gc), the largest part of what the first turn
 * still cost beyond a warm one after the rehearsal. Collecting once at the end of the init phase pays for it there,
 * before the first event; the first turn then makes no collection of its own.
 *
 * JavaScript can start a collection only through V8's `gc` extension. Lambda starts Node.js itself, so the flag
 * is set here for a moment: a context made while it is on gets `gc`, and the function's own context (made before)
 * never does. If this Node.js refuses, nothing is collected and the first turn pays, as before.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' }) => void;

/** Collects the young generation now; false when V8 would not let it. Never throws. */
export function collectYoungGeneration(): boolean {
  try {
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
