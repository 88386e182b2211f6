/**
 * After the bot offers a person ("I don't know that; shall I get you a person?"), the caller's yes hands the call
 * over as the agent intent does, and a no goes on with the call; in every language the bot speaks.
 */
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { botLocales, localeDefinition } from '../../lib/definition/bot';
import { createHandler, type TurnHandler } from '../../lambda/src/handler';
import { emptyKnowledge } from '../../lambda/src/knowledge/knowledge';
import { answerToOffer, offersPerson } from '../../lambda/src/person-offer';
import {
  lambdaContext,
  lexEvent,
  spokenText,
  startWorld,
  storedMessages,
  type World,
} from '../../local/function-world';

const english = localeDefinition('en_US');

test.each(botLocales.map((locale) => [locale.localeId, locale] as const))(
  '%s: every line that offers a person ends with the offer question',
  (_id, locale) => {
    const { dontKnow, onlyInDefaultLanguage, orders } = locale.messages;
    for (const line of [dontKnow, onlyInDefaultLanguage, orders.unavailable]) {
      expect(offersPerson(line, locale)).toBe(true);
    }
    expect(offersPerson(locale.messages.reprompt, locale)).toBe(false);
    expect(offersPerson(locale.personOffer.declined, locale)).toBe(false);
  },
);

test.each([
  ['en_US', 'yes', 'accept'],
  ['en_US', 'Yes please.', 'accept'],
  ['en_US', 'Sure!', 'accept'],
  ['en_US', 'um, yeah', 'accept'],
  ['en_US', 'yes, yes please', 'accept'],
  ['en_US', 'No.', 'decline'],
  ['en_US', 'no thanks', 'decline'],
  ['en_US', "I'm good", 'decline'],
  ['en_US', 'yes what are your opening hours', undefined],
  ['en_US', 'sí', undefined],
  ['es_US', 'sí', 'accept'],
  ['es_US', 'Si, por favor', 'accept'],
  ['es_US', 'claro', 'accept'],
  ['es_US', 'no', 'decline'],
  ['es_US', 'no, gracias', 'decline'],
  ['es_US', 'yes', undefined],
  ['de_DE', 'ja', 'accept'],
  ['de_DE', 'Ja, gerne.', 'accept'],
  ['de_DE', 'äh, ja bitte', 'accept'],
  ['de_DE', 'Nein danke', 'decline'],
  ['de_DE', 'ja wie lange haben Sie offen', undefined],
])('%s: after the offer, "%s" is %s', (localeId, said, answer) => {
  const locale = localeDefinition(localeId);
  const history = [new HumanMessage('Can you fix my spaceship?'), new AIMessage(locale.messages.dontKnow)];
  expect(answerToOffer(said, history, locale)).toBe(answer);
});

test('a yes without an offer before it is only a yes: a new question for the bot', () => {
  const answered = [new HumanMessage('When do you open?'), new AIMessage('We open at nine.')];
  expect(answerToOffer('yes', answered, english)).toBeUndefined();
  expect(answerToOffer('yes', [], english)).toBeUndefined();
  // The offer must be the bot's last word, not an earlier turn's.
  const later = [new AIMessage(english.messages.dontKnow), new HumanMessage('no'), new AIMessage('All right.')];
  expect(answerToOffer('yes', later, english)).toBeUndefined();
});

describe('in a turn', () => {
  let world: World;
  let handler: TurnHandler;
  beforeAll(async () => {
    world = await startWorld();
    handler = createHandler({ env: world.env, knowledge: emptyKnowledge('this test brings no knowledge') });
  });
  afterAll(async () => {
    await world.stop();
  });

  /** The model's answer offers a person in the locale's words; then the caller answers it. */
  async function afterAnOffer(callId: string, localeId: string, reply: string) {
    const locale = localeDefinition(localeId);
    world.openai.setBehaviour({ reply: `I can't help with spaceships. ${locale.personOffer.question}` });
    const first = await handler(
      lexEvent({ contactId: callId, localeId, transcript: 'Can you fix my spaceship?' }),
      lambdaContext(),
    );
    world.openai.clearRequests();
    const sessionAttributes = first.sessionState.sessionAttributes;
    return handler(lexEvent({ contactId: callId, localeId, transcript: reply, sessionAttributes }), lambdaContext());
  }

  test.each([
    ['en_US', 'yes please'],
    ['es_US', 'sí'],
    ['de_DE', 'ja'],
  ])('%s: "%s" hands the call over as the agent intent does, with no model call', async (localeId, reply) => {
    const result = await afterAnOffer(`offer-yes-${localeId}`, localeId, reply);
    expect(result.sessionState.dialogAction).toEqual({ type: 'Close' });
    expect(result.sessionState.sessionAttributes?.nextAction).toBe('agent');
    expect(result.messages).toBeUndefined();
    expect(world.openai.requests).toHaveLength(0);
  });

  test.each([
    ['en_US', 'no thanks'],
    ['es_US', 'no'],
    ['de_DE', 'nein'],
  ])('%s: "%s" goes on with the call, in the caller\'s language', async (localeId, reply) => {
    const callId = `offer-no-${localeId}`;
    const result = await afterAnOffer(callId, localeId, reply);
    expect(result.sessionState.dialogAction).toEqual({ type: 'ElicitIntent' });
    expect(result.sessionState.sessionAttributes?.nextAction).toBeUndefined();
    expect(spokenText(result)).toBe(localeDefinition(localeId).personOffer.declined);
    expect(world.openai.requests).toHaveLength(0);
    expect(storedMessages(await world.readItem(callId)).slice(-2)).toEqual([
      ['human', reply],
      ['ai', localeDefinition(localeId).personOffer.declined],
    ]);
  });

  test('the model is told to offer a person with the words a yes answers', async () => {
    world.openai.clearRequests();
    world.openai.setBehaviour({ reply: 'Vale.' });
    await handler(lexEvent({ contactId: 'offer-prompt', localeId: 'es_US', transcript: 'Hola' }), lambdaContext());
    expect(world.openai.requests[0].body.messages[0].content).toContain(
      `end your answer with "${localeDefinition('es_US').personOffer.question}"`,
    );
  });
});
