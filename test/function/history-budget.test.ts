/**
 * The prompt's budget trim is linear in the stored history (LangChain's trimMessages recounted every prefix), and
 * keeps exactly what trimMessages kept: the system prompt, the newest messages that fit, starting on a caller.
 */
import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  trimMessages,
} from '@langchain/core/messages';
import { buildPrompt, estimateTokens } from '../../lambda/src/model';
import { keepToolExchangesWhole } from '../../lambda/src/tool-pairing';

/** A call of `turns` turns; every third turn looks up an order (a tool call and its result). */
function history(turns: number): BaseMessage[] {
  const messages: BaseMessage[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    messages.push(new HumanMessage(`Question ${turn}: ${'how does it work '.repeat(turn % 5)}?`));
    if (turn % 3 === 0) {
      const id = `call_${turn}`;
      messages.push(
        new AIMessage({ content: '', tool_calls: [{ id, name: 'look_up_order', args: { orderId: String(turn) } }] }),
        new ToolMessage({ content: `{"status":"shipped ${turn}"}`, tool_call_id: id }),
      );
    }
    messages.push(new AIMessage(`Answer ${turn}. ${'It works well. '.repeat(turn % 7)}`));
  }
  return messages;
}

/** estimateTokens, counting how many messages it was asked about in all. */
function countingCounter() {
  const counter = (messages: BaseMessage[]) => {
    counter.messagesCounted += messages.length;
    return estimateTokens(messages);
  };
  counter.messagesCounted = 0;
  return counter;
}

test('the trim counts each message about once: its work is linear in the history, not quadratic', () => {
  for (const turns of [100, 400]) {
    const stored = history(turns);
    const counter = countingCounter();
    const prompt = buildPrompt(stored, 'And my order?', 300, 'You are on the phone.', undefined, counter);

    expect(prompt.length).toBeLessThan(20); // a small budget: most of the call is trimmed
    // Every message kept was counted; trimMessages counted every prefix from the whole list down, about n²/2
    // messages (some 36,000 at 100 turns), where one pass counts each message at most once.
    expect(counter.messagesCounted).toBeGreaterThanOrEqual(prompt.length - 1);
    expect(counter.messagesCounted).toBeLessThanOrEqual(stored.length + 3);
  }
});

test('keeps exactly what trimMessages kept, for every budget, with tool exchanges and passages', async () => {
  const system = new SystemMessage('You are on the phone.');
  const question = 'Where is my order?';
  for (const turns of [0, 1, 2, 5, 12]) {
    const stored = history(turns);
    for (const budget of [0, 10, 30, 60, 100, 200, 400, 10_000]) {
      for (const context of [undefined, 'Passage: we ship within two days.']) {
        const prompt = buildPrompt(stored, question, budget, system.text, context);

        const passages = context ? [new SystemMessage(context)] : [];
        const asked = new HumanMessage(question);
        const reference = await trimMessages([system, ...keepToolExchangesWhole(stored), asked], {
          maxTokens: budget - estimateTokens(passages),
          tokenCounter: estimateTokens,
          strategy: 'last',
          includeSystem: true,
          startOn: 'human',
        });
        const keptQuestion = reference.at(-1)?.text === question;
        const expected = [...(keptQuestion ? reference.slice(0, -1) : [system]), ...passages, asked];
        expect({ turns, budget, context, prompt: prompt.map(shape) }).toEqual({
          turns,
          budget,
          context,
          prompt: expected.map(shape),
        });
      }
    }
  }
});

/** What the model receives of a message: its text, and a tool call's or result's id. */
function shape(message: BaseMessage): string {
  const calls = AIMessage.isInstance(message) ? (message.tool_calls ?? []).map((call) => call.id) : [];
  const result = ToolMessage.isInstance(message) ? ` <- ${message.tool_call_id}` : '';
  return `${message.type}: ${message.text}${calls.length > 0 ? ` -> ${calls.join(',')}` : ''}${result}`;
}
