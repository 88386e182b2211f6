/**
 * `npm start`: hold a phone call with Chalkbot on this machine. Thin: parse the options, wire stdin and
 * stdout, hold the call (local/local-call.ts, or local/deployed-call.ts with --deployed; or serve the web chat
 * with --web, local/web-chat-server.ts), exit 0 when the
 * call ended, 1 when it could not go on, 2 on a usage mistake.
 */
import { join } from 'node:path';
import { cdkJsonContext, readSettings } from '../lib/settings';
import { type CallOptions, type ParsedCommand, parseCallOptions, USAGE, UsageError } from '../local/call-options';
import { holdLocalCall } from '../local/local-call';
import { DEFAULT_TRANSCRIPT_DIR } from '../local/local-transcript';
import { streamCaller, terminalCaller, terminalListener } from '../local/terminal';

async function main(argv: readonly string[]): Promise<number> {
  let command: ParsedCommand;
  try {
    command = parseCallOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const { options } = command;
  if (options.web) return serveWebChatUntilStopped(options, options.web.port);
  // At a terminal the caller types after a prompt; piped, their lines are echoed so the transcript reads in order.
  const interactive = process.stdin.isTTY === true;
  const caller = interactive ? terminalCaller(process.stdin, process.stdout) : streamCaller(process.stdin);
  const listener = terminalListener(process.stdout, { echoCaller: !interactive, showEvents: options.showEvents });
  try {
    // Each local call leaves its transcript where `npm run calls -- --local` finds it, as the deployment would.
    const settings = readSettings(cdkJsonContext(join(__dirname, '..', 'cdk.json')));
    const transcripts = { dir: DEFAULT_TRANSCRIPT_DIR, redact: settings.redactTranscripts };
    const io = { caller, listener, transcripts };
    if (options.deployed) {
      // Loaded only when asked for: the Lex and CloudFormation clients are no part of a local call's start-up.
      const { holdDeployedCall } = await import('../local/deployed-call');
      await holdDeployedCall(options.deployed, options, io);
    } else {
      await holdLocalCall(options, io);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`The local call stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    caller.close();
  }
}

/** `--web`: serve the chat page, print where, and stop cleanly on Ctrl-C (or SIGTERM). */
async function serveWebChatUntilStopped(options: CallOptions, port: number): Promise<number> {
  // Loaded only with --web: the page build, the websocket server and the Connect client.
  const { serveWebChat } = await import('../local/web-chat-server');
  let server: Awaited<ReturnType<typeof serveWebChat>>;
  try {
    server = await serveWebChat(options, {
      port,
      listener: (chat) => {
        const print = terminalListener(process.stdout, { echoCaller: true, showEvents: options.showEvents });
        print({ kind: 'notice', text: `chat ${chat.contactId} started by ${JSON.stringify(chat.displayName)}` });
        return print;
      },
    });
  } catch (error) {
    process.stderr.write(`The web chat could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(`Web chat on ${server.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('Stopping the web chat.\n');
  await server.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
