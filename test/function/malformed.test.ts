/**
 * Events the function cannot read, and settings it cannot use: a clear logged reason, a spoken apology, never a
 * throw, and nothing stored is touched. Failures in a row (or a bad setting, at once) hand the call to a person
 * instead of trapping the caller in apologies.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { botDefinition } from '../../lib/definition/bot';
import { createHandler } from '../../lambda/src/handler';
import type { LexV2Event } from '../../lambda/src/lex';
import { readSettings, SettingsError } from '../../lambda/src/settings';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();

const good = lexEvent({ contactId: 'call-malformed', transcript: 'Hello.' });
const malformed: [string, unknown, string][] = [
  ['null', null, 'event is not an object'],
  ['a string', 'hello', 'event is not an object'],
  ['no sessionState', { ...good, sessionState: undefined }, 'event has no sessionState object'],
  [
    'no intent',
    { ...good, sessionState: { ...good.sessionState, intent: undefined } },
    'sessionState.intent.name is missing',
  ],
  [
    'attributes that are not an object',
    { ...good, sessionState: { ...good.sessionState, sessionAttributes: 'x' } },
    'sessionState.sessionAttributes is not an object',
  ],
  ['a transcript that is not text', { ...good, inputTranscript: 42 }, 'inputTranscript is not a string'],
  [
    'no contact id and no session id',
    { ...good, sessionId: '', sessionState: { ...good.sessionState, sessionAttributes: {} } },
    'neither a contactId session attribute nor a sessionId',
  ],
];

test.each(malformed)(
  'an event with %s gets a spoken apology and a logged reason, not a throw',
  async (_name, event, reason) => {
    const handler = createHandler({ env: world.env });
    // The function's real Powertools logger; the test watches what it is asked to log.
    const logged = jest.spyOn(Logger.prototype, 'error');
    try {
      const result = await handler(event as LexV2Event, lambdaContext());
      expect(result.sessionState.dialogAction.type).toBe('ElicitIntent');
      expect(spokenText(result)).toBe(botDefinition.messages.malformedEvent);
      expect(result.sessionState.sessionAttributes?.failedTurns).toBe('1');
      expect(logged).toHaveBeenCalledWith('Malformed Lex event; answering with an apology', { reason });
    } finally {
      logged.mockRestore();
    }
  },
);

test('a malformed turn in the middle of a call loses nothing stored, and the call goes on', async () => {
  const handler = createHandler({ env: world.env });
  await handler(lexEvent({ contactId: 'call-interrupted', transcript: 'First question.' }), lambdaContext());

  const broken = lexEvent({ contactId: 'call-interrupted', transcript: 'Lost?' }) as unknown as Record<string, unknown>;
  const apology = await handler(
    { ...broken, inputTranscript: { not: 'text' } } as unknown as LexV2Event,
    lambdaContext(),
  );
  // As Lex does: the apology's attributes come back with the next event.
  const next = await handler(
    lexEvent({ transcript: 'Second question.', sessionAttributes: apology.sessionState.sessionAttributes }),
    lambdaContext(),
  );

  expect(spokenText(apology)).toBe(botDefinition.messages.malformedEvent);
  expect(apology.sessionState.sessionAttributes).toEqual({ contactId: 'call-interrupted', failedTurns: '1' });
  expect(spokenText(next)).toBe('You said: Second question.');
  expect(storedMessages(await world.readItem('call-interrupted')).map(([, content]) => content)).toEqual([
    'First question.',
    'You said: First question.',
    'Second question.',
    'You said: Second question.',
  ]);
});

test('a turn that works clears the failed-turn count', async () => {
  const handler = createHandler({ env: world.env });
  const result = await handler(
    lexEvent({ contactId: 'call-recovered', transcript: 'Better now?', sessionAttributes: { failedTurns: '1' } }),
    lambdaContext(),
  );
  expect(spokenText(result)).toBe('You said: Better now?');
  expect(result.sessionState.sessionAttributes).toEqual({
    contactId: 'call-recovered',
    silentTurns: '0',
    answeredTurns: '1',
  });
});

test('a second failed turn in a row hands the call to a person instead of apologizing again', async () => {
  const handler = createHandler({ env: world.env });
  const broken = {
    ...lexEvent({ contactId: 'call-failing', transcript: 'Hello?' }),
    inputTranscript: 42,
  } as unknown as LexV2Event;

  const first = await handler(broken, lambdaContext());
  const second = await handler(
    { ...broken, sessionState: { ...broken.sessionState, sessionAttributes: first.sessionState.sessionAttributes } },
    lambdaContext(),
  );

  expect(first.sessionState.dialogAction.type).toBe('ElicitIntent');
  expect(second.sessionState.dialogAction.type).toBe('Close');
  expect(second.sessionState.sessionAttributes).toEqual({
    contactId: 'call-failing',
    failedTurns: '2',
    nextAction: 'agent',
  });
  expect(spokenText(second)).toBe(botDefinition.messages.troubleTransfer);
  expect(botDefinition.maxFailedTurns).toBe(2);
});

test('a missing CALL_MEMORY_TABLE hands the call to a person at once (retrying cannot help), not a crash at import', async () => {
  const handler = createHandler({ env: { ...world.env, CALL_MEMORY_TABLE: '' } });
  const result = await handler(lexEvent({ contactId: 'call-unconfigured', transcript: 'Hello?' }), lambdaContext());
  expect(result.sessionState.dialogAction.type).toBe('Close');
  expect(result.sessionState.sessionAttributes).toMatchObject({ nextAction: 'agent', failedTurns: '1' });
  expect(spokenText(result)).toBe(botDefinition.messages.troubleTransfer);
});

describe('settings', () => {
  test('defaults: one day of memory, the default model, offline when there is neither key nor base URL', () => {
    const settings = readSettings({ CALL_MEMORY_TABLE: 'calls' });
    expect(settings.memoryExpirySeconds).toBe(24 * 3600);
    expect(settings.model).toBeUndefined();
    // Phone-sized: a failing model gives up in 5 s, a turn ends within 8 s, an answer is under a minute of speech.
    expect(settings).toMatchObject({ turnDeadlineMs: 8_000, maxSpokenChars: 600 });
    expect(readSettings({ CALL_MEMORY_TABLE: 'calls', OPENAI_API_KEY: 'k' }).model?.requestTimeoutMs).toBe(5_000);
    expect(readSettings({ CALL_MEMORY_TABLE: 'calls', OPENAI_API_KEY: 'k' }).model).toMatchObject({
      primary: { provider: 'openai', model: 'gpt-4o-mini' },
      maxRetries: 1,
    });
  });

  test('every bad value is named in one clear error', () => {
    const read = () =>
      readSettings({
        OPENAI_BASE_URL: 'not a url',
        OPENAI_API_KEY: 'k',
        MODEL_MAX_RETRIES: '6',
        CALL_MEMORY_EXPIRY_SECONDS: 'soon',
        MAX_SPOKEN_CHARS: '5000',
      });
    expect(read).toThrow(SettingsError);
    try {
      read();
    } catch (error) {
      const { problems } = error as SettingsError;
      expect(problems).toHaveLength(5);
      expect(problems.join('\n')).toMatch(/CALL_MEMORY_TABLE is required/);
      expect(problems.join('\n')).toMatch(/MODEL_MAX_RETRIES must be a whole number from 0 to 1, got "6"/);
      expect(problems.join('\n')).toMatch(/MAX_SPOKEN_CHARS must be a whole number from 40 to 1024/);
    }
  });
});
