/**
 * Where the function's own logs go during a local call: into a log file under `.chalkbot/`, not into the call's
 * transcript (they are JSON lines, with a stack trace for a bad setting, and broke up the conversation).
 * `--verbose` also shows them on stderr.
 *
 * Powertools Logger prints through a Console it makes per logger, on process.stdout, except in dev mode
 * (POWERTOOLS_DEV), where it uses the global console; the turn's child loggers are new Logger objects too. So for
 * the call, dev mode is set and the global console is one that writes to the file: every logger of the function,
 * child loggers included, lands there. Both are put back when the call ends.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { Console } from 'node:console';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';

/** The default log file of `npm start` (gitignored with the rest of .chalkbot/). */
export const DEFAULT_FUNCTION_LOG = join(__dirname, '..', '.chalkbot', 'function.log');

export interface FunctionLogRoute {
  readonly file: string;
  /** Also write every line to this stream (stderr with --verbose). */
  readonly echo?: NodeJS.WritableStream;
}

/** Routes the function's logs for the length of a call; returns the undo. */
export function routeFunctionLogs(route: FunctionLogRoute, header: string): () => void {
  mkdirSync(dirname(route.file), { recursive: true });
  appendFileSync(route.file, `--- ${new Date().toISOString()} ${header}\n`);
  // Synchronous appends: a turn's lines stay in order with the next call's header even if the process exits.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      appendFileSync(route.file, chunk);
      route.echo?.write(chunk);
      done();
    },
  });
  const savedConsole = globalThis.console;
  const savedDevMode = process.env.POWERTOOLS_DEV;
  process.env.POWERTOOLS_DEV = 'true';
  globalThis.console = new Console({ stdout: sink, stderr: sink });
  return () => {
    globalThis.console = savedConsole;
    if (savedDevMode === undefined) delete process.env.POWERTOOLS_DEV;
    else process.env.POWERTOOLS_DEV = savedDevMode;
  };
}
