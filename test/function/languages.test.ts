/**
 * The function answers in the turn's locale (Lex's bot.localeId): the system prompt names the language, the canned
 * lines are the locale's, silence and goodbye words are the locale's, speakable cleanup says symbols in it, and a
 * caller who asks for another language is handed back to the flow with nextAction=language:<locale>, keeping the
 * call's memory.
 */
import { localeDefinition, SWITCH_LANGUAGE_INTENT } from '../../lib/definition/bot';
import { createHandler, type TurnHandler } from '../../lambda/src/handler';
import { isSilence, requestedExit, saidGoodbye } from '../../lambda/src/language';
import { phoneSystemPrompt } from '../../lambda/src/model';
import { makeSpeakable } from '../../lambda/src/speakable';
import { lastUserMessage } from '../../local/openai-server';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const spanish = localeDefinition('es_US');
const german = localeDefinition('de_DE');
const english = localeDefinition('en_US');

const world = useFunctionWorld();
let handler: TurnHandler;
beforeAll(async () => {
  handler = createHandler({ env: world.env });
});
beforeEach(() => {
  world.openai.clearRequests();
  world.openai.setBehaviour({});
});

test("the system prompt tells the model the caller's language and the words to leave the bot in it", async () => {
  world.openai.setBehaviour({ reply: 'Abrimos a las nueve.' });
  const result = await handler(
    lexEvent({ contactId: 'call-es-prompt', localeId: 'es_US', transcript: '¿A qué hora abren?' }),
    lambdaContext(),
  );
  expect(spokenText(result)).toBe('Abrimos a las nueve.');
  const system = world.openai.requests[0].body.messages[0];
  expect(system).toEqual({ role: 'system', content: phoneSystemPrompt(spanish) });
  expect(system.content).toContain('The caller speaks Spanish. Always answer in Spanish');
  expect(system.content).toContain('"hablar con una persona" or "adiós"');
  expect(phoneSystemPrompt(german)).toContain('Always answer in German');
  expect(phoneSystemPrompt(english)).toContain('"talk to a person" or "goodbye"');
  // One prompt per language, the same every turn, so providers can cache it.
  expect(phoneSystemPrompt(spanish)).toBe(phoneSystemPrompt(spanish));
});

test.each([
  ['es_US', spanish],
  ['de_DE', german],
])("%s: silence, reprompt and the silent goodbye are the locale's lines", async (localeId, locale) => {
  let attributes: Record<string, string> = { contactId: `call-silent-${localeId}` };
  const spoken: string[] = [];
  let last: Awaited<ReturnType<typeof handler>> | undefined;
  for (let turn = 0; turn < locale.maxSilentTurns; turn += 1) {
    last = await handler(
      lexEvent({ localeId, transcript: locale.silenceWords[0], sessionAttributes: attributes }),
      lambdaContext(),
    );
    attributes = last.sessionState.sessionAttributes ?? {};
    spoken.push(spokenText(last));
  }
  expect(spoken).toEqual([locale.messages.reprompt, locale.messages.reprompt, locale.messages.silentGoodbye]);
  expect(last?.sessionState.sessionAttributes?.nextAction).toBe('hangup');
  expect(world.openai.requests).toHaveLength(0);
});

test("without a model the apology is in the caller's language; an unknown locale hears English", async () => {
  const noModel = createHandler({ env: { CALL_MEMORY_TABLE: world.env.CALL_MEMORY_TABLE } });
  const german = await noModel(
    lexEvent({ contactId: 'call-de-nomodel', localeId: 'de_DE', transcript: 'Wie spät ist es?' }),
    lambdaContext(),
  );
  expect(spokenText(german)).toBe(localeDefinition('de_DE').messages.dontKnow);
  const unknown = await noModel(
    lexEvent({ contactId: 'call-fr', localeId: 'fr_FR', transcript: 'Quelle heure est-il?' }),
    lambdaContext(),
  );
  expect(spokenText(unknown)).toBe(english.messages.dontKnow);
});

test("a failing model and a malformed event apologize in the caller's language", async () => {
  world.openai.setBehaviour({ status: 500 });
  const failed = await handler(
    lexEvent({ contactId: 'call-es-fail', localeId: 'es_US', transcript: 'Hola' }),
    lambdaContext(),
  );
  expect(spokenText(failed)).toBe(spanish.messages.modelUnavailable);

  const malformed = { ...lexEvent({ localeId: 'de_DE' }), sessionState: { sessionAttributes: {} } };
  const apology = await handler(malformed as never, lambdaContext());
  expect(spokenText(apology)).toBe(german.messages.malformedEvent);
});

test("the locale's goodbye words end the call even when Lex sent them to the fallback intent", async () => {
  const result = await handler(
    lexEvent({ contactId: 'call-de-bye', localeId: 'de_DE', transcript: 'Tschüss!' }),
    lambdaContext(),
  );
  expect(result.sessionState.dialogAction.type).toBe('Close');
  expect(result.sessionState.sessionAttributes?.nextAction).toBe('hangup');
  expect(spokenText(result)).toBe(german.messages.goodbye);
  expect(world.openai.requests).toHaveLength(0);
  // English goodbye words are not German ones; a sentence that merely contains one is a question.
  expect(saidGoodbye('bye', german)).toBe(false);
  expect(saidGoodbye('Adiós, gracias.', spanish)).toBe(true);
  expect(saidGoodbye('how do I say goodbye in French', english)).toBe(false);
  expect(isSilence('äh, ähm', german)).toBe(true);
  expect(isSilence('eh, este', spanish)).toBe(true);
  expect(isSilence('äh', english)).toBe(false);
});

test('asking for another language hands the call back with nextAction=language:<locale>; memory carries over', async () => {
  world.openai.setBehaviour((request) => ({ reply: `Reply to: ${lastUserMessage(request)}` }));
  const first = await handler(
    lexEvent({ contactId: 'call-switch', transcript: 'My order number is 42.' }),
    lambdaContext(),
  );
  const switched = await handler(
    lexEvent({
      contactId: 'call-switch',
      intent: SWITCH_LANGUAGE_INTENT,
      transcript: 'Can we speak Spanish?',
      sessionAttributes: first.sessionState.sessionAttributes,
    }),
    lambdaContext(),
  );
  expect(switched.sessionState.dialogAction.type).toBe('Close');
  expect(switched.sessionState.sessionAttributes?.nextAction).toBe('language:es_US');
  // Silent: the flow greets the caller again in the new voice.
  expect(switched.messages).toBeUndefined();

  // The flow hands the caller to the same bot in es_US with the same contact id: the model sees the English turn.
  const after = await handler(
    lexEvent({ contactId: 'call-switch', localeId: 'es_US', transcript: '¿Cuál es mi número de pedido?' }),
    lambdaContext(),
  );
  expect(spokenText(after)).toBe('Reply to: ¿Cuál es mi número de pedido?');
  const prompt = world.openai.requests.at(-1)!.body.messages;
  expect(prompt[0].content).toContain('Always answer in Spanish');
  expect(prompt.map((m) => m.content)).toContain('My order number is 42.');
  expect(storedMessages(await world.readItem('call-switch'))).toHaveLength(4);
});

test('the switch intent without a language other than the current one is answered as a question', () => {
  expect(requestedExit(SWITCH_LANGUAGE_INTENT, 'sprechen Sie Englisch', german)).toBe('language:en_US');
  expect(requestedExit(SWITCH_LANGUAGE_INTENT, 'habla alemán', spanish)).toBe('language:de_DE');
  expect(requestedExit(SWITCH_LANGUAGE_INTENT, 'in English please', english)).toBeUndefined();
  expect(requestedExit(SWITCH_LANGUAGE_INTENT, 'another language', english)).toBeUndefined();
});

test("speakable cleanup says symbols in the answer's language and keeps its punctuation", () => {
  expect(makeSpeakable('Q&A: 5*3', 600, spanish)).toBe('Q y A: 5 por 3.');
  expect(makeSpeakable('Öffnungszeiten & Preise: 2*4 Euro', 600, german)).toBe(
    'Öffnungszeiten und Preise: 2 mal 4 Euro.',
  );
  expect(makeSpeakable('**¡Hola!** ¿Cómo está?', 600, spanish)).toBe('¡Hola! ¿Cómo está?');
  expect(makeSpeakable('Er sagte „Danke.“', 600, german)).toBe('Er sagte „Danke.“');
  // German ordinals ("3. Oktober") and decimal commas are not sentence ends.
  const long = `Wir öffnen am 3. Oktober wieder. Der Eintritt kostet 3,50 Euro. ${'Mehr Informationen folgen bald. '.repeat(3)}`;
  expect(makeSpeakable(long, 70, german)).toBe('Wir öffnen am 3. Oktober wieder. Der Eintritt kostet 3,50 Euro.');
});
