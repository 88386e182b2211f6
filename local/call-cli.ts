/**
 * `npm start` (bin/call.ts): hold a phone call with Chalkbot on this machine. Parse the options, wire the
 * terminal, hold the call (local/local-call.ts, or local/deployed-call.ts with --deployed; or serve the web chat
 * with --web, local/web-chat-server.ts). The terminal and the signal that stops the web chat are handed in, so the
 * tests run the command in process; bin/call.ts hands in the real ones.
 */
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { cdkJsonContext, readSettings } from '../lib/settings';
import { type CallOptions, type ParsedCommand, parseCallOptions, USAGE, UsageError } from './call-options';
import { holdLocalCall } from './local-call';
import { DEFAULT_TRANSCRIPT_DIR } from './local-transcript';
import { streamCaller, terminalCaller, terminalListener } from './terminal';

export interface CallTerminal {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Resolves when the person asks the web chat to stop: Ctrl-C (SIGINT) or SIGTERM at a real terminal. */
  readonly stopRequested: () => Promise<void>;
}

/** Exit codes: 0 when the call ended (or the web chat was stopped), 1 when it could not go on, 2 on a usage mistake. */
export async function runCallCommand(argv: readonly string[], terminal: CallTerminal): Promise<0 | 1 | 2> {
  const { stdin, stdout, stderr } = terminal;
  let command: ParsedCommand;
  try {
    command = parseCallOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    stdout.write(`${USAGE}\n`);
    return 0;
  }

  const { options } = command;
  if (options.web) return serveWebChatUntilStopped(options, options.web.port, terminal);
  // At a terminal the caller types after a prompt; piped, their lines are echoed so the transcript reads in order.
  const interactive = stdin.isTTY === true;
  const caller = interactive ? terminalCaller(stdin, stdout) : streamCaller(stdin);
  const listener = terminalListener(stdout, { echoCaller: !interactive, showEvents: options.showEvents });
  try {
    // Each local call leaves its transcript where `npm run calls -- --local` finds it, as the deployment would.
    const settings = readSettings(cdkJsonContext(join(__dirname, '..', 'cdk.json')));
    const transcripts = { dir: DEFAULT_TRANSCRIPT_DIR, redact: settings.redactTranscripts };
    const io = { caller, listener, transcripts };
    if (options.deployed) {
      // Loaded only when asked for: the Lex and CloudFormation clients are no part of a local call's start-up.
      const { holdDeployedCall } = await import('./deployed-call');
      await holdDeployedCall(options.deployed, options, io);
    } else {
      await holdLocalCall(options, io);
    }
    return 0;
  } catch (error) {
    stderr.write(`The local call stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    caller.close();
  }
}

/** `--web`: serve the chat page, print where, and stop cleanly when asked to. */
async function serveWebChatUntilStopped(options: CallOptions, port: number, terminal: CallTerminal): Promise<0 | 1> {
  const { stdout, stderr } = terminal;
  // Loaded only with --web: the page build, the websocket server and the Connect client.
  const { serveWebChat } = await import('./web-chat-server');
  let server: Awaited<ReturnType<typeof serveWebChat>>;
  try {
    server = await serveWebChat(options, {
      port,
      listener: (chat) => {
        const print = terminalListener(stdout, { echoCaller: true, showEvents: options.showEvents });
        print({ kind: 'notice', text: `chat ${chat.contactId} started by ${JSON.stringify(chat.displayName)}` });
        return print;
      },
    });
  } catch (error) {
    stderr.write(`The web chat could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  stdout.write(`Web chat on ${server.url} (Ctrl-C stops it)\n`);
  await terminal.stopRequested();
  stdout.write('Stopping the web chat.\n');
  await server.stop();
  return 0;
}
