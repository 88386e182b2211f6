/**
 * What the function remembers of a call, against dynalite and the real ChatOpenAI client talking to the fake
 * model: memory across turns, isolation between calls, the item's key and expiry, the requests per turn, and
 * the prompt that stops growing on a long call.
 */
import { type AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';
import { LEX_MAX_INPUT_CHARS } from '../../lib/definition/function-settings';
import { attributeValueBytes, DynamoDBCallHistory } from '../../lambda/src/call-memory';
import { createHandler } from '../../lambda/src/handler';
import { PHONE_SYSTEM_PROMPT } from '../../lambda/src/model';
import { lastUserMessage } from '../../local/openai-server';
import { lambdaContext, lexEvent, spokenText, storedMessages, TABLE } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
beforeEach(() => {
  world.openai.clearRequests();
  world.openai.setBehaviour({});
  world.proxy.operations.length = 0;
  world.proxy.requests.length = 0;
});

test('a turn answers ElicitIntent with the model answer and echoes the session attributes', async () => {
  world.openai.setBehaviour({ reply: 'Paris is the capital of France.' });
  const handler = createHandler({ env: world.env });

  const result = await handler(
    lexEvent({
      contactId: 'call-shape',
      transcript: 'What is the capital of France?',
      sessionAttributes: { flowVersion: '3' },
    }),
    lambdaContext(),
  );

  expect(result.sessionState.dialogAction).toEqual({ type: 'ElicitIntent' });
  expect(result.messages).toEqual([{ contentType: 'PlainText', content: 'Paris is the capital of France.' }]);
  expect(result.sessionState.sessionAttributes).toEqual({
    contactId: 'call-shape',
    flowVersion: '3',
    silentTurns: '0',
    answeredTurns: '1',
  });
  const [request] = world.openai.requests;
  expect(request.body.model).toBe('fake-model');
  expect(request.body.max_tokens).toBeGreaterThan(0);
  expect(request.body.messages[0]).toEqual({ role: 'system', content: PHONE_SYSTEM_PROMPT });
  expect(lastUserMessage(request)).toBe('What is the capital of France?');
  // Every sentence is silence the caller waits through and then listens to: the prompt asks for short answers.
  expect(PHONE_SYSTEM_PROMPT).toMatch(/one to three short sentences/);
});

test('the next turn sees the previous one: the model gets the earlier question and answer', async () => {
  world.openai.setBehaviour((request) => ({ reply: `Noted, you said ${lastUserMessage(request).toLowerCase()}` }));
  const handler = createHandler({ env: world.env });

  await handler(lexEvent({ contactId: 'call-memory', transcript: 'My name is Ada.' }), lambdaContext());
  const second = await handler(lexEvent({ contactId: 'call-memory', transcript: 'What is my name?' }), lambdaContext());

  expect(spokenText(second)).toBe('Noted, you said what is my name?');
  const secondPrompt = world.openai.requests[1].body.messages;
  expect(secondPrompt.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
  expect(secondPrompt[1].content).toBe('My name is Ada.');
  expect(secondPrompt[2].content).toBe('Noted, you said my name is ada.');
  expect(storedMessages(await world.readItem('call-memory'))).toEqual([
    ['human', 'My name is Ada.'],
    ['ai', 'Noted, you said my name is ada.'],
    ['human', 'What is my name?'],
    ['ai', 'Noted, you said what is my name?'],
  ]);
});

test('two calls at once never see each other', async () => {
  const handler = createHandler({ env: world.env });

  await Promise.all([
    handler(lexEvent({ contactId: 'call-red', transcript: 'I like red apples.' }), lambdaContext()),
    handler(lexEvent({ contactId: 'call-blue', transcript: 'I like blue berries.' }), lambdaContext()),
  ]);
  world.openai.clearRequests();
  await handler(lexEvent({ contactId: 'call-blue', transcript: 'What do I like?' }), lambdaContext());

  const bluePrompt = world.openai.requests[0].rawBody;
  expect(bluePrompt).toContain('blue berries');
  expect(bluePrompt).not.toContain('red apples');
  expect(storedMessages(await world.readItem('call-red'))).toEqual([
    ['human', 'I like red apples.'],
    ['ai', 'You said: I like red apples.'],
  ]);
});

test('the memory is keyed by the contactId attribute, else by the Lex session id', async () => {
  const handler = createHandler({ env: world.env });

  await handler(
    lexEvent({ contactId: 'contact-123', sessionId: 'session-abc', transcript: 'Hello there.' }),
    lambdaContext(),
  );
  await handler(lexEvent({ sessionId: 'session-only', transcript: 'Hello from the console.' }), lambdaContext());

  expect(storedMessages(await world.readItem('contact-123'))[0]).toEqual(['human', 'Hello there.']);
  expect(await world.readItem('session-abc')).toBeUndefined();
  expect(storedMessages(await world.readItem('session-only'))[0]).toEqual(['human', 'Hello from the console.']);
});

test('every write sets the expiresAt TTL attribute to now plus the configured expiry', async () => {
  const handler = createHandler({ env: { ...world.env, CALL_MEMORY_EXPIRY_SECONDS: '3600' } });

  const before = Math.floor(Date.now() / 1000);
  await handler(lexEvent({ contactId: 'call-ttl', transcript: 'Remember this.' }), lambdaContext());
  const after = Math.floor(Date.now() / 1000);

  const item = await world.readItem('call-ttl');
  expect(item?.contactId).toEqual({ S: 'call-ttl' });
  const expiresAt = Number(item?.expiresAt?.N);
  expect(expiresAt).toBeGreaterThanOrEqual(before + 3600);
  expect(expiresAt).toBeLessThanOrEqual(after + 3600);
});

test('the default expiry is one day', async () => {
  const handler = createHandler({ env: world.env });
  const before = Math.floor(Date.now() / 1000);
  await handler(lexEvent({ contactId: 'call-ttl-default', transcript: 'Hi.' }), lambdaContext());
  const expiresAt = Number((await world.readItem('call-ttl-default'))?.expiresAt?.N);
  expect(expiresAt - before).toBeGreaterThanOrEqual(24 * 3600);
  expect(expiresAt - before).toBeLessThanOrEqual(24 * 3600 + 5);
});

test('a spoken turn makes exactly one DynamoDB read and one write, a consistent GetItem then an UpdateItem', async () => {
  const handler = createHandler({ env: world.env });

  for (const [index, transcript] of ['First question.', 'Second question.', 'Third question.'].entries()) {
    world.proxy.operations.length = 0;
    world.proxy.requests.length = 0;
    await handler(lexEvent({ contactId: 'call-count', transcript }), lambdaContext());
    expect({ turn: index + 1, operations: world.proxy.operations }).toEqual({
      turn: index + 1,
      operations: ['GetItem', 'UpdateItem'],
    });
    expect(world.proxy.requests[0].body.ConsistentRead).toBe(true);
    expect(world.proxy.requests[1].body.UpdateExpression).toContain('list_append');
  }
  expect(storedMessages(await world.readItem('call-count'))).toHaveLength(6);
});

test('a long call: history is trimmed to the budget, so the prompt stops growing, starting on a caller turn', async () => {
  world.openai.setBehaviour((request) => ({ reply: `An answer of some length to: ${lastUserMessage(request)}` }));
  const handler = createHandler({ env: { ...world.env, HISTORY_TOKEN_BUDGET: '300' } });

  for (let turn = 1; turn <= 25; turn++) {
    await handler(
      lexEvent({
        contactId: 'call-long',
        transcript: `Question number ${turn}, with a few extra words to make it longer.`,
      }),
      lambdaContext(),
    );
  }

  // The messages, not the whole body: the tool schemas beside them are the same on every request.
  const sizes = world.openai.requests.map((request) => JSON.stringify(request.body.messages).length);
  const latest = world.openai.requests.at(-1)!.body.messages;
  // The budget (300 tokens at ~4 characters each) bounds the prompt: after a few turns it stops growing.
  const later = sizes.slice(5);
  expect(Math.max(...later) - Math.min(...later)).toBeLessThan(50);
  expect(Math.max(...sizes)).toBeLessThan(300 * 4 + 400);
  expect(latest.length).toBeLessThan(25);
  expect(latest[0]).toEqual({ role: 'system', content: PHONE_SYSTEM_PROMPT });
  expect(latest[1].role).toBe('user');
  expect(latest.at(-1)).toEqual({
    role: 'user',
    content: 'Question number 25, with a few extra words to make it longer.',
  });
  // Nothing is dropped from memory: trimming only shapes the prompt.
  expect(storedMessages(await world.readItem('call-long'))).toHaveLength(50);
});

test('MAX_STORED_MESSAGES caps the item: past it, the same single write keeps the newest messages', async () => {
  const handler = createHandler({ env: { ...world.env, MAX_STORED_MESSAGES: '4' } });

  for (const [index, transcript] of ['One.', 'Two.', 'Three.', 'Four.'].entries()) {
    world.proxy.operations.length = 0;
    world.proxy.requests.length = 0;
    await handler(lexEvent({ contactId: 'call-capped', transcript }), lambdaContext());
    expect({ turn: index + 1, operations: world.proxy.operations }).toEqual({
      turn: index + 1,
      operations: ['GetItem', 'UpdateItem'],
    });
    // Appends while there is room, then sets the kept tail.
    const write = String(world.proxy.requests[1].body.UpdateExpression);
    expect({ turn: index + 1, appends: write.includes('list_append') }).toEqual({
      turn: index + 1,
      appends: index < 2,
    });
  }

  expect(storedMessages(await world.readItem('call-capped'))).toEqual([
    ['human', 'Three.'],
    ['ai', 'You said: Three.'],
    ['human', 'Four.'],
    ['ai', 'You said: Four.'],
  ]);
  const item = await world.readItem('call-capped');
  expect(Number(item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
});

test('a capped write never overwrites a turn stored since its read: it appends instead', async () => {
  const client = new DynamoDBClient({});
  const history = () =>
    new DynamoDBCallHistory({
      client,
      tableName: TABLE,
      callId: 'call-race',
      expirySeconds: 3600,
      requestTimeoutMs: 2000,
      maxStoredMessages: 4,
    });
  try {
    const setUp = history();
    await setUp.getMessages();
    await setUp.addMessages([new HumanMessage('Q1'), new AIMessage('A1'), new HumanMessage('Q2'), new AIMessage('A2')]);

    // Two turns read the same four messages; the first to write trims, the second finds the list changed.
    const [first, second] = [history(), history()];
    await first.getMessages();
    await second.getMessages();
    await first.addMessages([new HumanMessage('Q3'), new AIMessage('A3')]);
    await second.addMessages([new HumanMessage('Q3b'), new AIMessage('A3b')]);

    expect(storedMessages(await world.readItem('call-race')).map(([, content]) => content)).toEqual([
      'Q2',
      'A2',
      'Q3',
      'A3',
      'Q3b',
      'A3b',
    ]);
  } finally {
    client.destroy();
  }
});

describe('the 400 KB item limit', () => {
  /** Writes a call's item as an older version left it: `count` messages of `chars` characters each. */
  async function seedItem(callId: string, count: number, chars: number): Promise<void> {
    const client = new DynamoDBClient({});
    try {
      const messages = Array.from({ length: count }, (_, index) => ({
        M: { type: { S: index % 2 === 0 ? 'human' : 'ai' }, content: { S: `${index} ${'x'.repeat(chars)}` } },
      }));
      await client.send(
        new PutItemCommand({ TableName: TABLE, Item: { contactId: { S: callId }, messages: { L: messages } } }),
      );
    } finally {
      client.destroy();
    }
  }

  const itemBytes = (item: Record<string, AttributeValue> | undefined) =>
    Object.entries(item ?? {}).reduce(
      (total, [name, value]) => total + Buffer.byteLength(name) + attributeValueBytes(value),
      0,
    );

  test('a call whose item is near 400 KB trims to fit in the same write and loses no turn after', async () => {
    // 100 messages, the item just under DynamoDB's limit: appending even a short turn would be refused.
    await seedItem('call-near-limit', 100, 4_000);
    expect(itemBytes(await world.readItem('call-near-limit'))).toBeGreaterThan(400_000);
    const handler = createHandler({ env: world.env });

    for (const transcript of ['First after the trim.', 'Second after the trim.', 'Third after the trim.']) {
      world.proxy.operations.length = 0;
      await handler(lexEvent({ contactId: 'call-near-limit', transcript }), lambdaContext());
      expect(world.proxy.operations).toEqual(['GetItem', 'UpdateItem']);
    }

    const item = await world.readItem('call-near-limit');
    const stored = storedMessages(item);
    expect(stored.slice(-6).map(([, content]) => content)).toEqual([
      'First after the trim.',
      'You said: First after the trim.',
      'Second after the trim.',
      'You said: Second after the trim.',
      'Third after the trim.',
      'You said: Third after the trim.',
    ]);
    expect(stored[0][0]).toBe('human');
    expect(itemBytes(item)).toBeLessThanOrEqual(CALL_MEMORY_TABLE.maxMessageBytes + 10_000);
  });

  test('multi-byte text is counted in UTF-8 bytes, not characters', async () => {
    // 60 messages of 2,000 three-byte characters: 360 KB in bytes, 120 K in characters.
    await seedItem('call-wide-text', 60, 0);
    const client = new DynamoDBClient({});
    const history = new DynamoDBCallHistory({
      client,
      tableName: TABLE,
      callId: 'call-wide-text',
      expirySeconds: 3600,
      requestTimeoutMs: 2000,
      maxStoredMessages: 300,
      maxStoredBytes: 20_000,
    });
    try {
      await history.getMessages();
      const wide = '語'.repeat(2_000);
      await history.addMessages([new HumanMessage(wide), new AIMessage(wide)]);
      await history.getMessages();
      await history.addMessages([new HumanMessage(wide), new AIMessage(wide)]);
      const item = await world.readItem('call-wide-text');
      // Each message is 6,000 bytes: three fit in 20,000; the kept list starts on the caller, so two remain.
      expect(storedMessages(item).map(([type, content]) => [type, content.length])).toEqual([
        ['human', 2_000],
        ['ai', 2_000],
      ]);
    } finally {
      client.destroy();
    }
  });

  test('one stored question is bounded: a 100 KB transcript is kept (and asked) as at most 1024 characters', async () => {
    const handler = createHandler({ env: world.env });
    const huge = `Please ${'help me '.repeat(12_500)}`;
    await handler(lexEvent({ contactId: 'call-huge-question', transcript: huge }), lambdaContext());

    const [question] = storedMessages(await world.readItem('call-huge-question'));
    expect(question[1].length).toBeLessThanOrEqual(LEX_MAX_INPUT_CHARS);
    expect(huge.startsWith(question[1])).toBe(true);
    expect(lastUserMessage(world.openai.requests[0]).length).toBeLessThanOrEqual(LEX_MAX_INPUT_CHARS);
  });
});
