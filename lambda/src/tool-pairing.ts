/**
 * The rule every prompt with tools must keep: an AI message that calls tools is followed by one tool message
 * per call (matched by id), and a tool message only ever follows its call. OpenAI answers 400 to a prompt that
 * breaks it (an orphan tool message, or a call without its result). The turn stores whole exchanges, and a
 * kept history starts on a caller's message; this is the last guard, for items cut or written some other way.
 */
import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';

/** The messages with every broken tool exchange left out whole (the call and whatever results it has). */
export function keepToolExchangesWhole(messages: readonly BaseMessage[]): BaseMessage[] {
  const kept: BaseMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (ToolMessage.isInstance(message)) continue; // a result whose call is not right before it
    const callIds = AIMessage.isInstance(message) ? (message.tool_calls ?? []).map((call) => call.id) : [];
    if (callIds.length === 0) {
      kept.push(message);
      continue;
    }
    let end = index + 1;
    while (end < messages.length && ToolMessage.isInstance(messages[end])) end++;
    const results = messages.slice(index + 1, end) as ToolMessage[];
    const answered = new Set(results.map((result) => result.tool_call_id));
    const whole = results.length === callIds.length && callIds.every((id) => id !== undefined && answered.has(id));
    if (whole) kept.push(message, ...results);
    index = end - 1;
  }
  return kept;
}
