/**
 * The transcript built from a call item: turn records lined up with the messages, tool calls with their results,
 * messages older than any record, and how the call ended.
 */
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { buildTranscript, type CallEndFacts, classifyEnding, maskDigits } from '../../lambda/src/transcript';
import type { TurnRecord } from '../../lambda/src/turn-record';

const end: CallEndFacts = { contactId: 'c-1', endedAt: new Date('2026-12-02T10:00:30Z'), queued: false };
const at = Date.parse('2026-12-02T10:00:00Z');
const record = (over: Partial<TurnRecord>): TurnRecord => ({
  at,
  latencyMs: 800,
  intent: 'FallbackIntent',
  route: 'model',
  next: 'listen',
  messages: 2,
  ...over,
});

test('a tool turn: the caller, the tool with its arguments and result, then the spoken answer', () => {
  const messages = [
    new HumanMessage('Where is order 12345?'),
    new AIMessage({
      content: '',
      tool_calls: [{ id: 'call-1', name: 'look_up_order', args: { orderNumber: '12345' } }],
    }),
    new ToolMessage({ content: '{"status":"shipped"}', tool_call_id: 'call-1' }),
    new AIMessage('Order one two three four five has shipped.'),
  ];
  const transcript = buildTranscript({ messages, turns: [record({ messages: 4, latencyMs: 1500 })] }, end, {
    redact: false,
  });
  expect(transcript.turns).toEqual([
    {
      at: '2026-12-02T10:00:00.000Z',
      answeredAt: '2026-12-02T10:00:01.500Z',
      latencyMs: 1500,
      caller: 'Where is order 12345?',
      bot: 'Order one two three four five has shipped.',
      intent: 'FallbackIntent',
      route: 'model',
      next: 'listen',
      tools: [{ name: 'look_up_order', args: { orderNumber: '12345' }, result: '{"status":"shipped"}' }],
    },
  ]);
  const redacted = buildTranscript({ messages, turns: [record({ messages: 4 })] }, end, { redact: true });
  expect(redacted.turns[0].caller).toBe('Where is order *****?');
  expect(redacted.turns[0].tools[0].args).toEqual({ orderNumber: '*****' });
});

test('records line up from the newest message: trimmed turns keep their time, older messages pair up untimed', () => {
  const messages = [
    new HumanMessage('old question'),
    new AIMessage('old answer'),
    new HumanMessage('new'),
    new AIMessage('answer'),
  ];
  const turns = [record({ at: at - 5000 }), record({ messages: 0, route: 'silence' }), record({ at: at + 1000 })];
  // Three records, but only the last one's messages and two older ones no record accounts for.
  const transcript = buildTranscript({ messages: messages.slice(0), turns: turns.slice(1) }, end, { redact: false });
  expect(transcript.turns.map((turn) => [turn.at ?? null, turn.caller ?? null, turn.route ?? null])).toEqual([
    [null, 'old question', null],
    ['2026-12-02T10:00:00.000Z', null, 'silence'],
    ['2026-12-02T10:00:01.000Z', 'new', 'model'],
  ]);
  expect(transcript.startedAt).toBe('2026-12-02T10:00:00.000Z');
  expect(transcript.durationSeconds).toBe(30);
});

test('how a call ended', () => {
  expect(classifyEnding(record({}), end)).toBe('hang-up');
  expect(classifyEnding(record({}), { ...end, queued: true })).toBe('transfer');
  expect(classifyEnding(record({ route: 'leave', next: 'agent' }), end)).toBe('transfer');
  expect(classifyEnding(record({ route: 'silence', next: 'hangup' }), end)).toBe('silence');
  expect(classifyEnding(record({ route: 'failed', next: 'agent' }), { ...end, queued: true })).toBe('error');
  expect(classifyEnding(undefined, { ...end, disconnectReason: 'TELECOM_PROBLEM' })).toBe('error');
  expect(classifyEnding(undefined, end)).toBe('hang-up');
});

test('digit runs of four or more are masked, with their separators; short numbers stay', () => {
  expect(maskDigits('call +1 (555) 010-0199 or 4111-1111-1111-1111, open 9 to 5, room 42')).toBe(
    'call +* (***) ***-**** or ****-****-****-****, open 9 to 5, room 42',
  );
});
