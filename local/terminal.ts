/**
 * The local call in a terminal: each event as one plain line marked by who speaks, and the caller's lines
 * read from stdin. Piped, the caller's lines are echoed so a transcript reads in order; at a terminal, a
 * prompt shows where to type.
 */
import { createInterface } from 'node:readline';
import { type Readable, Writable } from 'node:stream';
import type { CallEvent, CallListener } from './call-events';
import type { Caller } from './caller';

export interface TranscriptStyle {
  /** Print the caller's lines (when they were not typed on this terminal). */
  readonly echoCaller: boolean;
  /** Print every Lex event and the function's answer as JSON. */
  readonly showEvents: boolean;
}

/** The line a caller's transcript shows for this event, or undefined when it shows nothing. */
export function formatEvent(event: CallEvent, style: TranscriptStyle): string | undefined {
  switch (event.kind) {
    case 'flow':
      return `[flow] ${event.text}`;
    case 'caller':
      return style.echoCaller ? `[caller] ${event.text === '' ? '(silence)' : event.text}` : undefined;
    case 'bot':
      return `[bot] ${event.text}  (${event.latencyMs} ms)`;
    case 'filler':
      return `[filler] ${event.text}`;
    case 'notice':
      return `[local] ${event.text}`;
    case 'transfer':
      return `[transfer] queue "${event.queueName}"`;
    case 'hang-up':
      return event.by === 'caller' ? '[hang up] the caller hung up' : '[hang up]';
    case 'lex-event':
      return style.showEvents ? `[lex event] ${JSON.stringify(event.event, null, 2)}` : undefined;
    case 'lex-result':
      return style.showEvents ? `[lex result] ${JSON.stringify(event.result, null, 2)}` : undefined;
  }
}

export function terminalListener(output: Writable, style: TranscriptStyle): CallListener {
  return (event) => {
    const line = formatEvent(event, style);
    if (line !== undefined) output.write(`${line}\n`);
  };
}

/** A caller reading lines piped to `input`. The end of input is the caller hanging up. */
export function streamCaller(input: Readable): Caller & { close(): void } {
  const lines = createInterface({ input, terminal: false });
  // Created at once so no line that arrives before the first question is lost.
  const iterator = lines[Symbol.asyncIterator]();
  let ended = false;
  return {
    async nextLine() {
      if (ended) return undefined;
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        return undefined;
      }
      return next.value;
    },
    close: () => lines.close(),
  };
}

/**
 * A caller typing at a terminal, after a prompt. What they type while the bot is still answering (a slow model,
 * a filler) is queued, not shown where it was typed: the terminal would echo it into the middle of the bot's
 * lines, and the answers would then read as if given to the wrong question. A queued line is shown after the
 * prompt when its turn comes, so the screen reads in the order the call heard it. Ctrl-D or the end of input
 * is the caller hanging up.
 */
export function terminalCaller(input: Readable, output: Writable, prompt = 'you> '): Caller & { close(): void } {
  let waiting: ((line: string | undefined) => void) | undefined;
  const queued: string[] = [];
  let ended = false;
  // readline draws the caller's typing through this gate: shown at the prompt, held back while the bot speaks.
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (waiting) output.write(chunk);
      done();
    },
  });
  const lines = createInterface({ input, output: echo, terminal: true, prompt });
  lines.on('line', (line) => {
    const take = waiting;
    waiting = undefined;
    if (take) take(line);
    else queued.push(line);
  });
  // Ctrl-C at the prompt is the caller hanging up, as the end of input is.
  lines.on('SIGINT', () => lines.close());
  lines.on('close', () => {
    ended = true;
    const take = waiting;
    waiting = undefined;
    take?.(undefined);
  });
  return {
    async nextLine() {
      const line = queued.shift();
      if (line !== undefined) {
        output.write(`${prompt}${line}\n`);
        return line;
      }
      if (ended) return undefined;
      const next = new Promise<string | undefined>((resolve) => {
        waiting = resolve;
      });
      // With preserveCursor, readline redraws the prompt and whatever was typed so far, held back until now.
      lines.prompt(true);
      return next;
    },
    close: () => lines.close(),
  };
}
