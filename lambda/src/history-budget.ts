/**
 * The prompt's budget trim: the system prompt, then the newest messages whose tokens fit, starting on a
 * caller's message (so the kept history never opens on an answer, a tool call or an orphan tool result).
 *
 * Hand-written in place of LangChain's `trimMessages` (strategy 'last', includeSystem, startOn 'human'), which
 * keeps the same messages but finds the cut by asking the token counter about every shorter prefix in turn,
 * from the whole list down, after copying every message: its work grows with the square of the history. At the
 * default cap of 200 stored messages that was about 70 ms of CPU a turn, against 9 ms for an empty call. Here
 * the counter sees each message once, and the cut comes from one running sum from the newest message back.
 */
import { type BaseMessage, HumanMessage } from '@langchain/core/messages';

/** Counts a list of messages' tokens, as LangChain's `tokenCounter` does; asked here about one message at a time. */
export type TokenCounter = (messages: BaseMessage[]) => number;

/**
 * `first` (the system prompt), then the longest run of the newest of `rest` whose tokens, with `first`'s, stay
 * within `maxTokens`, starting on a caller's message. A run whose newest message alone does not fit is empty.
 * Tool exchanges stay whole because the cut falls just before a caller's message, never inside an exchange.
 */
export function newestThatFit(
  first: BaseMessage,
  rest: readonly BaseMessage[],
  maxTokens: number,
  countTokens: TokenCounter,
): BaseMessage[] {
  let used = countTokens([first]);
  let start = rest.length;
  while (start > 0) {
    const withOneMore = used + countTokens([rest[start - 1]]);
    if (withOneMore > maxTokens) break;
    used = withOneMore;
    start -= 1;
  }
  while (start < rest.length && !HumanMessage.isInstance(rest[start])) start += 1;
  return [first, ...rest.slice(start)];
}
