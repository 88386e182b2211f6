/**
 * The caller's side of a local call: one line per thing they say. An empty line is silence (Lex's start
 * timeout passes with no speech); no more lines means the caller hung up.
 */
export interface Caller {
  /** The next thing the caller says, or undefined once they have hung up. */
  nextLine(): Promise<string | undefined>;
}

/** A caller who says these lines in order, then hangs up. */
export function scriptedCaller(lines: readonly string[]): Caller {
  const remaining = [...lines];
  return { nextLine: async () => remaining.shift() };
}
