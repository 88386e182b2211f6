/**
 * The call item holds whole LangChain messages (tool calls and their results), old items still load, and the
 * prompt never carries half a tool exchange, whatever the stored list looks like.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { buildPrompt } from '../../lambda/src/model';
import { fromItemMessage, toItemMessages } from '../../lambda/src/stored-message';
import { keepToolExchangesWhole } from '../../lambda/src/tool-pairing';
import { MAX_TOOL_RESULT_CHARS, Toolbox } from '../../lambda/src/tools/toolbox';
import { mapStoredMessagesToChatMessages } from '@langchain/core/messages';

const call = { id: 'call_1', name: 'look_up_order', args: { orderId: '4711' }, type: 'tool_call' as const };
const toolCall = new AIMessage({ content: '', tool_calls: [call] });
const toolResult = new ToolMessage({
  content: '{"found":true,"status":"shipped"}',
  tool_call_id: 'call_1',
  name: 'look_up_order',
});

const roundTrip = (messages: Parameters<typeof toItemMessages>[0]) =>
  mapStoredMessagesToChatMessages(toItemMessages(messages).map((value) => fromItemMessage(value)!));

test('a tool turn is stored whole and read back as the same messages', () => {
  const failedResult = new ToolMessage({
    content: '{"error":"down"}',
    tool_call_id: 'call_1',
    name: 'look_up_order',
    status: 'error',
  });
  const [human, ai, tool, failed] = roundTrip([new HumanMessage('Where is 4711?'), toolCall, toolResult, failedResult]);

  expect(human.text).toBe('Where is 4711?');
  expect(AIMessage.isInstance(ai) && ai.tool_calls).toEqual([call]);
  expect(ToolMessage.isInstance(tool) && [tool.tool_call_id, tool.name, tool.text]).toEqual([
    'call_1',
    'look_up_order',
    '{"found":true,"status":"shipped"}',
  ]);
  expect(ToolMessage.isInstance(tool) && tool.status).not.toBe('error');
  expect(ToolMessage.isInstance(failed) && failed.status).toBe('error');
});

test('provider metadata is not stored: only the words and what pairs a call with its result', () => {
  const fromProvider = new AIMessage({
    content: 'Looking it up.',
    tool_calls: [call],
    response_metadata: { tokenUsage: { totalTokens: 999 }, model_name: 'gpt-4o-mini' },
    additional_kwargs: {
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look_up_order', arguments: '{}' } }],
    },
  });
  const [item] = toItemMessages([fromProvider]);
  expect(Object.keys(item.M ?? {}).sort()).toEqual(['content', 'toolCalls', 'type']);
});

test('items written before tools existed (type and text only) still load', () => {
  const old: AttributeValue[] = [
    { M: { type: { S: 'human' }, content: { S: 'My name is Ada.' } } },
    { M: { type: { S: 'ai' }, content: { S: 'Hello Ada.' } } },
  ];
  const messages = mapStoredMessagesToChatMessages(old.map((value) => fromItemMessage(value)!));
  expect(messages.map((message) => [message.type, message.text])).toEqual([
    ['human', 'My name is Ada.'],
    ['ai', 'Hello Ada.'],
  ]);
});

test('a stored tool message without its call id is skipped, not a failed read', () => {
  expect(fromItemMessage({ M: { type: { S: 'tool' }, content: { S: '{}' } } })).toBeUndefined();
});

test('the prompt guard drops broken tool exchanges whole and keeps whole ones', () => {
  const orphanResult = new ToolMessage({ content: '{}', tool_call_id: 'call_0' });
  const unanswered = new AIMessage({ content: '', tool_calls: [{ ...call, id: 'call_9' }] });
  const kept = keepToolExchangesWhole([
    orphanResult,
    new AIMessage('An answer.'),
    new HumanMessage('Where is 4711?'),
    toolCall,
    toolResult,
    new AIMessage('Shipped.'),
    new HumanMessage('And 012?'),
    unanswered,
    new AIMessage('Sorry.'),
  ]);
  expect(kept.map((message) => message.type)).toEqual(['ai', 'human', 'ai', 'tool', 'ai', 'human', 'ai']);
  expect(kept[3]).toBe(toolResult);
});

test('a history cut in the middle of a tool exchange still makes a prompt that starts on the caller', async () => {
  const history = [
    toolResult,
    new AIMessage('Shipped.'),
    new HumanMessage('Thanks.'),
    new AIMessage('You are welcome.'),
  ];
  const prompt = buildPrompt(history, 'Anything else?', 2_000);
  expect(prompt.map((message) => message.type)).toEqual(['system', 'human', 'ai', 'human']);
});

test('a tool result over the size cap is replaced by a short error (the call item is capped)', async () => {
  const huge = {
    declaration: { name: 'dump', description: 'Returns a lot.', schema: z.object({}) },
    run: async () => ({ forModel: { text: 'x'.repeat(MAX_TOOL_RESULT_CHARS * 2) } }),
  };
  const toolbox = new Toolbox([huge], 1_000);
  const { message } = await toolbox.run(
    { id: 'call_big', name: 'dump', args: {}, type: 'tool_call' },
    new AbortController().signal,
  );
  expect(message.text.length).toBeLessThanOrEqual(MAX_TOOL_RESULT_CHARS);
  expect(JSON.parse(message.text)).toEqual({ error: 'The tool result was too long to use.' });
  expect(message.tool_call_id).toBe('call_big');
});

test('a tool that ignores its timeout is still cut off at it', async () => {
  const stuck = {
    declaration: { name: 'stuck', description: 'Never returns.', schema: z.object({}) },
    run: () => new Promise<never>(() => undefined),
    unavailable: () => ({ forModel: { error: 'Stuck.' }, spoken: 'It is stuck.', failed: true }),
  };
  const started = Date.now();
  const { message, outcome } = await new Toolbox([stuck], 100).run(
    { id: 'call_stuck', name: 'stuck', args: {}, type: 'tool_call' },
    new AbortController().signal,
  );
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(JSON.parse(message.text)).toEqual({ error: 'Stuck.', timedOut: true });
  expect(message.status).toBe('error');
  expect(outcome.spoken).toBe('It is stuck.');
});
