/**
 * `npm start`: hold a phone call with Chalkbot on this machine (local/call-cli.ts), on this process's terminal,
 * and exit with its code: 0 when the call ended, 1 when it could not go on, 2 on a usage mistake.
 */
import { runCallCommand } from '../local/call-cli';

const terminal = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stopRequested: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
};

runCallCommand(process.argv.slice(2), terminal).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
