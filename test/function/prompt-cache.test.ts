/**
 * Providers that cache prompt prefixes (OpenAI, Azure OpenAI, Bedrock) reuse only a prefix that is identical to
 * the byte. So everything that is the same for every turn of every call (the instructions, the tools) comes first
 * and never varies; what differs (passages, history, the question) comes after it.
 */
import { createHandler } from '../../lambda/src/handler';
import { lastUserMessage } from '../../local/openai-server';
import { lambdaContext, lexEvent } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();

/** The length of the longest common prefix of the strings. */
function commonPrefixLength(texts: readonly string[]): number {
  let length = 0;
  while (texts.every((text) => length < text.length && text[length] === texts[0][length])) length++;
  return length;
}

test('two turns of two calls send the same instructions and tools first, byte for byte', async () => {
  world.openai.setBehaviour((request) => ({ reply: `You asked: ${lastUserMessage(request)}` }));
  const handler = createHandler({ env: world.env });
  for (const callId of ['cache-call-a', 'cache-call-b']) {
    for (const transcript of [`Hello from ${callId}`, 'What did I just say?']) {
      await handler(lexEvent({ contactId: callId, transcript }), lambdaContext());
    }
  }

  const bodies = world.openai.requests.map((request) => request.body);
  expect(bodies).toHaveLength(4);
  const [first] = bodies;
  const system = first.messages[0];
  expect(system.role).toBe('system');
  for (const body of bodies) {
    // The stable part: the instructions and the tool definitions, identical in every request.
    expect(body.messages[0]).toEqual(system);
    expect(JSON.stringify(body.tools ?? null)).toBe(JSON.stringify(first.tools ?? null));
  }
  // And what is sent on the wire starts with the same bytes up to at least the end of the instructions.
  const rawPrefix = commonPrefixLength(world.openai.requests.map((request) => request.rawBody));
  expect(rawPrefix).toBeGreaterThan(JSON.stringify(system.content).length);
});
