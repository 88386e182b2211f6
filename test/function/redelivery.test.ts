/**
 * A turn Lex delivers twice (a client's SDK retrying RecognizeText, a turn Lex timed out on) is answered once:
 * the same answer again, no second model call, no second stored turn, and still one read and at most one write
 * per delivery. A caller asking the same question twice is two turns. See lambda/src/turn-identity.ts.
 */
import type { LexV2Event } from 'aws-lambda';
import { botDefinition } from '../../lib/definition/bot';
import { createHandler } from '../../lambda/src/handler';
import { lastUserMessage } from '../../local/openai-server';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
beforeEach(() => {
  world.openai.clearRequests();
  let answers = 0;
  // A different answer every time, so a second model call would show.
  world.openai.setBehaviour((request) => ({ reply: `Answer ${++answers} to: ${lastUserMessage(request)}` }));
  world.proxy.operations.length = 0;
});

/** The next event of the call, as Lex sends it: the attributes the function returned last time. */
function nextEvent(
  previous: { sessionState: { sessionAttributes?: Record<string, string> } },
  transcript: string,
): LexV2Event {
  return lexEvent({ transcript, sessionAttributes: previous.sessionState.sessionAttributes });
}

test('the same event delivered twice gets the same answer, with one model call and one stored turn', async () => {
  const handler = createHandler({ env: world.env });
  const event = lexEvent({ contactId: 'call-twice', transcript: 'Where is my parcel?' });

  const first = await handler(event, lambdaContext());
  world.proxy.operations.length = 0;
  const again = await handler(structuredClone(event), lambdaContext());

  expect(spokenText(first)).toBe('Answer 1 to: Where is my parcel?');
  expect(again).toEqual(first);
  expect(world.openai.requests).toHaveLength(1);
  expect(world.proxy.operations).toEqual(['GetItem']);
  expect(storedMessages(await world.readItem('call-twice'))).toEqual([
    ['human', 'Where is my parcel?'],
    ['ai', 'Answer 1 to: Where is my parcel?'],
  ]);
});

test('a re-delivery later in the call is recognised too, and the call goes on after it', async () => {
  const handler = createHandler({ env: world.env });
  const first = await handler(lexEvent({ contactId: 'call-later', transcript: 'Hello.' }), lambdaContext());
  const secondEvent = nextEvent(first, 'What are your hours?');
  const second = await handler(secondEvent, lambdaContext());
  const secondAgain = await handler(structuredClone(secondEvent), lambdaContext());
  const third = await handler(nextEvent(secondAgain, 'Thanks, and your address?'), lambdaContext());

  expect(secondAgain).toEqual(second);
  expect(spokenText(third)).toBe('Answer 3 to: Thanks, and your address?');
  expect(world.openai.requests).toHaveLength(3);
  expect(storedMessages(await world.readItem('call-later')).map(([, content]) => content)).toEqual([
    'Hello.',
    'Answer 1 to: Hello.',
    'What are your hours?',
    'Answer 2 to: What are your hours?',
    'Thanks, and your address?',
    'Answer 3 to: Thanks, and your address?',
  ]);
});

test('the same question asked twice in a row is two turns, with two answers', async () => {
  const handler = createHandler({ env: world.env });
  const first = await handler(lexEvent({ contactId: 'call-repeat', transcript: 'Say that again?' }), lambdaContext());
  const second = await handler(nextEvent(first, 'Say that again?'), lambdaContext());

  expect(spokenText(first)).toBe('Answer 1 to: Say that again?');
  expect(spokenText(second)).toBe('Answer 2 to: Say that again?');
  expect(world.openai.requests).toHaveLength(2);
  expect(storedMessages(await world.readItem('call-repeat'))).toHaveLength(4);
});

test('after a turn whose answer Lex never got, a different question with the same turn number is a new turn', async () => {
  const handler = createHandler({ env: world.env });
  const first = await handler(lexEvent({ contactId: 'call-timed-out', transcript: 'First.' }), lambdaContext());
  const lost = nextEvent(first, 'Second.');
  await handler(lost, lambdaContext());
  // Lex timed out on that turn, kept the older attributes, and the caller said something else.
  const other = await handler(nextEvent(first, 'Something else.'), lambdaContext());

  expect(spokenText(other)).toBe('Answer 3 to: Something else.');
  expect(storedMessages(await world.readItem('call-timed-out'))).toHaveLength(6);
});

test('two deliveries of a turn at the same moment store it once', async () => {
  world.openai.setBehaviour((request) => ({ reply: `Answer to: ${lastUserMessage(request)}`, delayMs: 100 }));
  const handler = createHandler({ env: world.env });
  const event = lexEvent({ contactId: 'call-racing', transcript: 'Is anyone there?' });

  const [one, two] = await Promise.all([
    handler(event, lambdaContext()),
    handler(structuredClone(event), lambdaContext()),
  ]);

  expect(spokenText(one)).toBe(spokenText(two));
  expect(storedMessages(await world.readItem('call-racing'))).toEqual([
    ['human', 'Is anyone there?'],
    ['ai', 'Answer to: Is anyone there?'],
  ]);
});

test('a failed turn that handed the call over is handed over again when delivered again', async () => {
  world.openai.setBehaviour({ status: 401 });
  const handler = createHandler({ env: world.env });
  const first = await handler(lexEvent({ contactId: 'call-handed-over', transcript: 'Hello?' }), lambdaContext());
  const secondEvent = nextEvent(first, 'Are you there?');
  const second = await handler(secondEvent, lambdaContext());
  const requests = world.openai.requests.length;
  const again = await handler(structuredClone(secondEvent), lambdaContext());

  expect(second.sessionState.dialogAction.type).toBe('Close');
  expect(spokenText(second)).toBe(botDefinition.messages.troubleTransfer);
  expect(again).toEqual(second);
  expect(world.openai.requests).toHaveLength(requests);
});
