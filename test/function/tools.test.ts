/**
 * Tools in a turn, against dynalite (with the sample orders) and the real ChatOpenAI client talking to the fake
 * model, which answers with tool_calls and refuses, as OpenAI does, any request whose tool messages are not
 * paired with their calls: the tool schemas sent, the call and its result sent back paired, the spoken answer,
 * what is stored, and every way a tool can fail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { botDefinition, localeDefinition } from '../../lib/definition/bot';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { DynamoDBCallHistory } from '../../lambda/src/call-memory';
import { createHandler } from '../../lambda/src/handler';
import { keepToolExchangesWhole } from '../../lambda/src/tool-pairing';
import { LOCAL_CREDENTIALS } from '../../local/dynamodb';
import { type ChatMessageBody, type RecordedRequest, toolPairingProblem } from '../../local/openai-server';
import {
  lambdaContext,
  lexEvent,
  ORDERS_TABLE_NAME,
  spokenText,
  storedMessages,
  TABLE,
} from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
beforeEach(() => {
  world.openai.clearRequests();
  world.openai.setBehaviour({});
  world.proxy.operations.length = 0;
  world.proxy.requests.length = 0;
  world.proxy.hangTable = undefined;
});

const lines = botDefinition.messages.orders;
const SAMPLE_STATUS =
  /^Order 4 7 1 1 is shipped\. The carrier is UPS\. (It should arrive|It was expected) on Friday, December 4\.$/;

/** The last tool message of a request, parsed. */
function lastToolResult(request: RecordedRequest): Record<string, unknown> {
  const tool = [...request.body.messages].reverse().find((message) => message.role === 'tool');
  return tool ? (JSON.parse(tool.content) as Record<string, unknown>) : {};
}

/** The model calls `name` with `args` first, then says what the tool returned. */
function callsThenSays(
  name: string,
  args: unknown,
  say: (result: Record<string, unknown>) => string = (result) => JSON.stringify(result),
) {
  world.openai.setBehaviour((request) =>
    request.body.messages.at(-1)?.role === 'tool'
      ? { reply: say(lastToolResult(request)) }
      : { toolCalls: [{ name, arguments: args }] },
  );
}

const ordersGets = () => world.proxy.requests.filter((request) => request.body.TableName === ORDERS_TABLE_NAME);

test('the model looks an order up: schemas sent, call and result sent back paired, status spoken, all stored', async () => {
  callsThenSays(
    'look_up_order',
    { orderId: 'four seven one one' },
    (result) => `Your order is ${result.status} with ${result.carrier}.`,
  );
  const handler = createHandler({ env: world.env });

  const result = await handler(
    lexEvent({ contactId: 'call-tool', transcript: 'Where is my order four seven one one?' }),
    lambdaContext(),
  );

  expect(spokenText(result)).toBe('Your order is shipped with UPS.');
  expect(result.sessionState.dialogAction).toEqual({ type: 'ElicitIntent' });
  const [first, second] = world.openai.requests;
  expect(world.openai.requests).toHaveLength(2);
  const tools = first.body.tools as {
    type: string;
    function: { name: string; description: string; parameters: { properties: object } };
  }[];
  expect(tools.map((tool) => tool.function.name)).toEqual(['look_up_order', 'transfer_to_person', 'end_call']);
  expect(tools[0].function.parameters.properties).toEqual({
    orderId: expect.objectContaining({ type: 'string', description: expect.stringMatching(/^The order number/) }),
  });
  expect(tools[0].function.description).toMatch(/order number/);

  const [, , assistant, toolMessage] = second.body.messages as (ChatMessageBody & {
    tool_calls: { id: string; function: { name: string; arguments: string } }[];
  })[];
  expect(second.body.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  expect(assistant.tool_calls[0].function).toEqual({
    name: 'look_up_order',
    arguments: '{"orderId":"four seven one one"}',
  });
  expect(toolMessage.tool_call_id).toBe(assistant.tool_calls[0].id);
  // Only what a voice may say: no tracking number, items or update time.
  expect(JSON.parse(toolMessage.content)).toEqual({
    found: true,
    orderId: '4711',
    status: 'shipped',
    carrier: 'UPS',
    expectedDelivery: 'Friday, December 4',
  });
  expect(ordersGets().map((request) => request.operation)).toEqual(['GetItem']);

  const item = await world.readItem('call-tool');
  expect(storedMessages(item).map(([type]) => type)).toEqual(['human', 'ai', 'tool', 'ai']);
  expect(item?.messages?.L?.[1].M?.toolCalls?.S).toContain('look_up_order');
  expect(item?.messages?.L?.[2].M?.toolCallId?.S).toBe(assistant.tool_calls[0].id);
});

test('the next turn sends the stored tool exchange back, paired, and the model can use it', async () => {
  callsThenSays('look_up_order', { orderId: '012' }, (result) => `It is ${result.status}.`);
  const handler = createHandler({ env: world.env });
  await handler(lexEvent({ contactId: 'call-tool-memory', transcript: 'Where is order oh one two?' }), lambdaContext());
  world.openai.clearRequests();
  world.openai.setBehaviour({ reply: 'It was delivered, as I said.' });

  const next = await handler(
    lexEvent({ contactId: 'call-tool-memory', transcript: 'Sorry, what did you say?' }),
    lambdaContext(),
  );

  expect(spokenText(next)).toBe('It was delivered, as I said.');
  const roles = world.openai.requests[0].body.messages.map((message) => message.role);
  expect(roles).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
});

test('an order that is not there: the model hears the digits that were heard', async () => {
  callsThenSays(
    'look_up_order',
    { orderId: '9 9 9 9' },
    (result) => `I heard ${result.heardDigits}. Could you repeat it?`,
  );
  const handler = createHandler({ env: world.env });

  const result = await handler(
    lexEvent({ contactId: 'call-missing', transcript: 'Where is my order nine nine nine nine?' }),
    lambdaContext(),
  );

  expect(lastToolResult(world.openai.requests[1])).toEqual({ found: false, heardDigits: '9 9 9 9' });
  expect(spokenText(result)).toBe('I heard 9 9 9 9. Could you repeat it?');
});

describe('failures are spoken within the deadline, and nothing stored is lost', () => {
  // 3 s for the turn, 0.5 s of it for the memory write: the model and the tools share 2.5 s.
  const tight = () => ({ ...world.env, TURN_DEADLINE_MS: '3000', MEMORY_TIMEOUT_MS: '500', TOOL_TIMEOUT_MS: '400' });

  async function earlierTurn(handler: ReturnType<typeof createHandler>, contactId: string) {
    world.openai.setBehaviour({ reply: 'Hello there.' });
    await handler(lexEvent({ contactId, transcript: 'Hello.' }), lambdaContext());
    world.openai.clearRequests();
  }

  test('the orders table is down: the model is told, and says so', async () => {
    const handler = createHandler({ env: tight() });
    await earlierTurn(handler, 'call-table-down');
    world.proxy.hangTable = ORDERS_TABLE_NAME;
    callsThenSays('look_up_order', { orderId: '4711' }, () => lines.unavailable);

    const started = Date.now();
    const result = await handler(
      lexEvent({ contactId: 'call-table-down', transcript: 'Where is order 4711?' }),
      lambdaContext(),
    );

    expect(Date.now() - started).toBeLessThan(3000);
    expect(spokenText(result)).toBe(lines.unavailable);
    expect(lastToolResult(world.openai.requests[1])).toMatchObject({
      error: expect.stringMatching(/could not be reached/),
    });
    const stored = storedMessages(await world.readItem('call-table-down'));
    expect(stored.map(([type]) => type)).toEqual(['human', 'ai', 'human', 'ai', 'tool', 'ai']);
    expect(stored[0]).toEqual(['human', 'Hello.']);
  });

  test("the table is down and the model then hangs: the caller hears the tool's own line before the deadline", async () => {
    const handler = createHandler({ env: tight() });
    world.proxy.hangTable = ORDERS_TABLE_NAME;
    world.openai.setBehaviour((request) =>
      request.body.messages.at(-1)?.role === 'tool'
        ? { hang: true }
        : { toolCalls: [{ name: 'look_up_order', arguments: { orderId: '4711' } }] },
    );

    const started = Date.now();
    const result = await handler(
      lexEvent({ contactId: 'call-all-down', transcript: 'Where is order 4711?' }),
      lambdaContext(),
    );

    expect(Date.now() - started).toBeLessThan(3000);
    expect(spokenText(result)).toBe(lines.unavailable);
    expect(storedMessages(await world.readItem('call-all-down')).map(([type]) => type)).toEqual([
      'human',
      'ai',
      'tool',
      'ai',
    ]);
  });

  test("a Spanish caller hears the tool's own line in Spanish", async () => {
    const handler = createHandler({ env: tight() });
    world.proxy.hangTable = ORDERS_TABLE_NAME;
    world.openai.setBehaviour((request) =>
      request.body.messages.at(-1)?.role === 'tool'
        ? { hang: true }
        : { toolCalls: [{ name: 'look_up_order', arguments: { orderId: '4711' } }] },
    );

    const result = await handler(
      lexEvent({ contactId: 'call-es', transcript: '¿Dónde está mi pedido 4711?', localeId: 'es_US' }),
      lambdaContext(),
    );

    expect(spokenText(result)).toBe(localeDefinition('es_US').messages.orders.unavailable);
  });

  test('the deadline is too near for another model call: what the lookup found is spoken as it is', async () => {
    const handler = createHandler({ env: tight() });
    // The first answer takes 1.7 s of the model's 2.5 s: less than a second is left after the lookup.
    world.openai.setBehaviour((request) =>
      request.body.messages.at(-1)?.role === 'tool'
        ? { reply: 'too late' }
        : { toolCalls: [{ name: 'look_up_order', arguments: { orderId: '4711' } }], delayMs: 1700 },
    );

    const result = await handler(
      lexEvent({ contactId: 'call-late', transcript: 'Where is my package 4711?' }),
      lambdaContext(),
    );

    expect(spokenText(result)).toMatch(SAMPLE_STATUS);
    expect(world.openai.requests).toHaveLength(1);
  });

  test("the business's API times out: the tool call's own timeout, then a spoken answer", async () => {
    const api: Server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/orders/{orderId}`;
    try {
      const handler = createHandler({ env: { ...tight(), ORDER_LOOKUP_URL: url } });
      callsThenSays('look_up_order', { orderId: '4711' }, (result) =>
        result.timedOut ? lines.unavailable : 'not timed out',
      );

      const started = Date.now();
      const result = await handler(
        lexEvent({ contactId: 'call-api-slow', transcript: 'Where is order 4711?' }),
        lambdaContext(),
      );

      expect(Date.now() - started).toBeLessThan(3000);
      expect(world.openai.requests[1].receivedAt - world.openai.requests[0].receivedAt).toBeLessThan(1500);
      expect(spokenText(result)).toBe(lines.unavailable);
    } finally {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    }
  });

  test('the model asks for a tool that does not exist: it is told so, and answers', async () => {
    callsThenSays('launch_rocket', {}, (result) => `Sorry: ${result.error}`);
    const handler = createHandler({ env: world.env });

    const result = await handler(
      lexEvent({ contactId: 'call-unknown-tool', transcript: 'Launch the rocket.' }),
      lambdaContext(),
    );

    expect(spokenText(result)).toBe('Sorry: There is no tool named "launch_rocket".');
    expect(storedMessages(await world.readItem('call-unknown-tool')).map(([type]) => type)).toEqual([
      'human',
      'ai',
      'tool',
      'ai',
    ]);
  });

  test.each([
    ['arguments the schema refuses', { orderNumber: 4711 }, /did not match the tool's schema/],
    ['arguments that are not JSON', '{"orderId": 47', /not valid JSON/],
  ])('the model sends %s: it is told so, and answers', async (_case, args, error) => {
    callsThenSays('look_up_order', args, (result) => `Sorry: ${result.error}`);
    const handler = createHandler({ env: world.env });

    const result = await handler(
      lexEvent({ contactId: `call-bad-args-${typeof args}`, transcript: 'Where is my order?' }),
      lambdaContext(),
    );

    expect(spokenText(result)).toMatch(error);
    expect(ordersGets()).toHaveLength(0);
  });
});

test('at most two tool rounds a turn: a model that keeps calling tools gets what they found spoken', async () => {
  world.openai.setBehaviour({ toolCalls: [{ name: 'look_up_order', arguments: { orderId: '4711' } }] });
  const handler = createHandler({ env: world.env });

  const result = await handler(
    lexEvent({ contactId: 'call-loop', transcript: 'Where is order 4711?' }),
    lambdaContext(),
  );

  expect(world.openai.requests).toHaveLength(3);
  expect(ordersGets()).toHaveLength(2);
  expect(spokenText(result)).toMatch(SAMPLE_STATUS);
});

test('transfer_to_person leaves the bot as the agent intent does: Close, nextAction agent, nothing said', async () => {
  world.openai.setBehaviour({ toolCalls: [{ name: 'transfer_to_person', arguments: { reason: 'billing dispute' } }] });
  const handler = createHandler({ env: world.env });

  const result = await handler(
    lexEvent({ contactId: 'call-transfer', transcript: 'I want to dispute a charge.' }),
    lambdaContext(),
  );

  expect(result.sessionState.dialogAction).toEqual({ type: 'Close' });
  expect(result.sessionState.sessionAttributes?.nextAction).toBe('agent');
  expect(result.messages).toBeUndefined();
  expect(world.openai.requests).toHaveLength(1);
  expect(storedMessages(await world.readItem('call-transfer')).map(([type]) => type)).toEqual(['human', 'ai', 'tool']);
});

test('end_call says goodbye and hangs up, as the goodbye intent does', async () => {
  world.openai.setBehaviour({ toolCalls: [{ name: 'end_call', arguments: {} }] });
  const handler = createHandler({ env: world.env });

  const result = await handler(
    lexEvent({ contactId: 'call-end', transcript: "That's everything, thanks." }),
    lambdaContext(),
  );

  expect(result.sessionState.dialogAction).toEqual({ type: 'Close' });
  expect(result.sessionState.sessionAttributes?.nextAction).toBe('hangup');
  expect(spokenText(result)).toBe(botDefinition.messages.goodbye);
});

describe('without a model', () => {
  const noModel = () => ({ CALL_MEMORY_TABLE: world.env.CALL_MEMORY_TABLE, ORDERS_TABLE: ORDERS_TABLE_NAME });

  test('an order question with a number is looked up directly and its status spoken', async () => {
    const handler = createHandler({ env: noModel() });
    const result = await handler(
      lexEvent({ contactId: 'call-offline-order', transcript: 'Where is my order four seven one one?' }),
      lambdaContext(),
    );
    expect(spokenText(result)).toMatch(SAMPLE_STATUS);
    expect(ordersGets()).toHaveLength(1);
  });

  test('a number that is not an order is read back digit by digit', async () => {
    const handler = createHandler({ env: noModel() });
    const result = await handler(
      lexEvent({ contactId: 'call-offline-missing', transcript: 'where is my package forty-seven twelve' }),
      lambdaContext(),
    );
    expect(spokenText(result)).toBe(lines.notFound.replace('{digits}', '4 7 1 2'));
  });

  test('the model fails: the order question is still answered from the table', async () => {
    world.openai.setBehaviour({ status: 400 });
    const handler = createHandler({ env: world.env });
    const result = await handler(
      lexEvent({ contactId: 'call-model-down', transcript: 'When does delivery 1905 arrive?' }),
      lambdaContext(),
    );
    expect(spokenText(result)).toMatch(/^Order 1 9 0 5 is being packed\./);
  });

  test('a question without an order number is not an order lookup', async () => {
    const handler = createHandler({ env: noModel() });
    await handler(lexEvent({ contactId: 'call-offline-other', transcript: 'Where is my order?' }), lambdaContext());
    expect(ordersGets()).toHaveLength(0);
  });
});

test('a long call with tool turns early keeps every request valid after trimming', async () => {
  // Small caps: the stored list and the prompt are both trimmed many times over the call.
  const env = { ...world.env, MAX_STORED_MESSAGES: '7', HISTORY_TOKEN_BUDGET: '200' };
  world.openai.setBehaviour((request) => {
    const last = request.body.messages.at(-1);
    if (last?.role === 'tool') return { reply: 'That order has shipped.' };
    if (/order/.test(last?.content ?? '')) {
      return {
        toolCalls: [
          { name: 'look_up_order', arguments: { orderId: '4711' } },
          { name: 'look_up_order', arguments: { orderId: '012' } },
        ],
      };
    }
    return { reply: 'Happy to help with that, and with anything else you need today.' };
  });
  const handler = createHandler({ env });

  const spoken: string[] = [];
  for (let turn = 0; turn < 12; turn++) {
    const transcript =
      turn < 4 ? `Where are orders 4711 and 012, question ${turn}?` : `Tell me more, question ${turn}.`;
    spoken.push(spokenText(await handler(lexEvent({ contactId: 'call-long-tools', transcript }), lambdaContext())));
  }

  for (const request of world.openai.requests) expect(toolPairingProblem(request.body.messages)).toBeUndefined();
  expect(spoken).not.toContain(botDefinition.messages.modelUnavailable);
  expect(spoken.slice(0, 4)).toEqual(Array(4).fill('That order has shipped.'));
});

test('the byte cap trims a call of tool turns at a turn boundary: what is kept reads back as whole exchanges', async () => {
  const client = new DynamoDBClient({
    endpoint: world.dynamoDB.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const memory = () =>
    new DynamoDBCallHistory({
      client,
      tableName: TABLE,
      callId: 'call-byte-cap',
      expirySeconds: 3600,
      requestTimeoutMs: 2_000,
      maxStoredMessages: 300,
      maxStoredBytes: 3_000,
    });
  try {
    for (let turn = 1; turn <= 8; turn++) {
      const history = memory();
      await history.getMessages();
      const call = { id: `call_${turn}`, name: 'look_up_order', args: { orderId: '4711' }, type: 'tool_call' as const };
      await history.addTurn(
        [
          new HumanMessage(`Where is order 4711, turn ${turn}?`),
          new AIMessage({ content: '', tool_calls: [call] }),
          new ToolMessage({
            content: JSON.stringify({ found: true, note: 'x'.repeat(400) }),
            tool_call_id: call.id,
            name: call.name,
          }),
          new AIMessage(`It has shipped (turn ${turn}).`),
        ],
        {
          turn,
          question: `Where is order 4711, turn ${turn}?`,
          answer: `It has shipped (turn ${turn}).`,
          failed: false,
        },
      );
    }
    const kept = await memory().getMessages();
    expect(kept.length).toBeLessThan(32);
    expect(kept[0].type).toBe('human');
    expect(keepToolExchangesWhole(kept)).toEqual(kept);
    expect(kept.at(-1)?.text).toBe('It has shipped (turn 8).');
  } finally {
    client.destroy();
  }
});
