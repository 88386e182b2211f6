/**
 * The local call in a terminal: each event as one plain line marked by who speaks, and the caller's lines
 * read from stdin. Piped, the caller's lines are echoed so a transcript reads in order; at a terminal, a
 * prompt shows where to type.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
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

/**
 * A caller reading lines from `input`. At a terminal (`prompt` given) it shows the prompt before each line.
 * The end of input is the caller hanging up.
 */
export function streamCaller(
  input: Readable,
  options: { prompt?: { text: string; output: Writable } } = {},
): Caller & { close(): void } {
  const lines = createInterface({ input, terminal: false });
  // Created at once so no line that arrives before the first question is lost.
  const iterator = lines[Symbol.asyncIterator]();
  let ended = false;
  return {
    async nextLine() {
      if (ended) return undefined;
      if (options.prompt) options.prompt.output.write(options.prompt.text);
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
