/**
 * The caller's side of a local call: one line per thing they say. An empty line is silence (Lex's start
 * timeout passes with no speech); no more lines means the caller hung up.
 */
export interface Caller {
  /** The next thing the caller says, or undefined once they have hung up. */
  nextLine(): Promise<string | undefined>;
}

/** A caller who can also press keys: a line `#2` (or `#12#`) is the keys 2 (or 12#), typed on the keypad. */
export interface KeypadCaller extends Caller {
  /**
   * Keys the caller pressed while the flow waited for them, or undefined when they pressed none (the flow's
   * input times out). A line that is not keys was said, not typed; a keypad does not hear it, so it stays for
   * whoever listens next (the bot).
   */
  nextKeys(): Promise<string | undefined>;
}

const KEYS = /^#([0-9*#]+)$/;

/** The caller with a keypad: `#`-lines are keys, every other line is speech as before. */
export function withKeypad(caller: Caller): KeypadCaller {
  let pending: { readonly line: string | undefined } | undefined;
  const next = async () => {
    if (pending) {
      const { line } = pending;
      pending = undefined;
      return line;
    }
    return caller.nextLine();
  };
  return {
    nextLine: next,
    async nextKeys() {
      const line = await next();
      const keys = line === undefined ? undefined : KEYS.exec(line.trim())?.[1];
      if (keys === undefined) pending = { line };
      return keys;
    },
  };
}

/** A caller who says these lines in order, then hangs up. */
export function scriptedCaller(lines: readonly string[]): Caller {
  const remaining = [...lines];
  return { nextLine: async () => remaining.shift() };
}
