/**
 * The caller's language on a local call, through the real inbound flow: the keypad menu's branches (no key, 1, 2,
 * 3, a key the menu does not offer), the number's default language, a switch mid-call, and whole Spanish and
 * German calls with the real function.
 */
import {
  AGENT_INTENT,
  GOODBYE_INTENT,
  localeDefinition,
  SESSION_ATTRIBUTES,
  SWITCH_LANGUAGE_INTENT,
} from '../../lib/definition/bot';
import type { CallEvent } from '../../local/call-events';
import { type CallOptions, DEFAULT_KNOWLEDGE_DIR } from '../../local/call-options';
import { scriptedCaller } from '../../local/caller';
import type { FulfillmentFunction } from '../../local/fulfillment-function';
import { holdLocalCall } from '../../local/local-call';
import {
  answer,
  echoingFunction,
  flowLine,
  holdTestCall,
  phoneGreeting,
  transcriptOf,
  cliCallOptions,
} from './call-harness';

/** The first sample utterance of an intent in a locale. */
function say(localeId: string, intentName: string): string {
  return localeDefinition(localeId).intents.find((intent) => intent.name === intentName)!.sampleUtterances[0];
}

describe('the language menu', () => {
  test.each([
    ['no key (the menu times out)', [], 'en_US'],
    ['1', ['#1'], 'en_US'],
    ['2', ['#2'], 'es_US'],
    ['3', ['#3'], 'de_DE'],
    ['a key the menu does not offer', ['#9'], 'en_US'],
  ])('%s: the bot and the flow speak %s', async (_branch, keys, localeId) => {
    const bye = say(localeId, GOODBYE_INTENT);
    const call = await holdTestCall({ lines: [...keys, 'Hello', bye], fulfill: echoingFunction });
    expect(call.transcript).toEqual([
      flowLine('greet'),
      flowLine('language-menu'),
      ...keys.map((key) => `[caller] ${key}`),
      flowLine('talk-to-bot', localeId),
      '[caller] Hello',
      '[bot] You asked: Hello',
      `[caller] ${bye}`,
      flowLine('say-goodbye', localeId),
      '[hang up]',
    ]);
    expect(call.lexEvents.map((event) => event.bot.localeId)).toEqual([localeId]);
  });

  test('the menu offers every language in its own words, and a spoken line at the menu is not a key', async () => {
    expect(flowLine('language-menu')).toBe(
      '[flow] For English, press one. Para español, oprima dos. Für Deutsch, drücken Sie drei.',
    );
    // The caller talks over the menu: the keypad hears nothing, the menu times out, the bot hears the words.
    const call = await holdTestCall({ lines: ['dos'], fulfill: echoingFunction });
    expect(call.transcript).toEqual([
      ...phoneGreeting(),
      '[caller] dos',
      '[bot] You asked: dos',
      '[hang up] the caller hung up',
    ]);
  });

  test("the number's default language: a caller who presses nothing speaks it; a key still picks another", async () => {
    const german = await holdTestCall({ lines: ['Hallo'], fulfill: echoingFunction, defaultLocale: 'de_DE' });
    expect(german.transcript.slice(0, 4)).toEqual([...phoneGreeting('de_DE'), '[caller] Hallo']);
    expect(german.lexEvents[0].bot.localeId).toBe('de_DE');

    const english = await holdTestCall({ lines: ['#1', 'Hello'], fulfill: echoingFunction, defaultLocale: 'de_DE' });
    expect(english.lexEvents[0].bot.localeId).toBe('en_US');
  });

  test("the transfer line, queue checks and apology are in the caller's language", async () => {
    const call = await holdTestCall({ lines: ['#2', say('es_US', AGENT_INTENT)], fulfill: echoingFunction });
    expect(call.transcript.slice(-2)).toEqual([
      flowLine('say-transfer', 'es_US'),
      '[transfer] queue "Chalkbot support"',
    ]);
    const closed = await holdTestCall({
      lines: ['#3', say('de_DE', AGENT_INTENT)],
      fulfill: echoingFunction,
      contactCenter: { hoursOpen: false, agentsStaffed: 1 },
    });
    expect(closed.transcript.slice(-2)).toEqual([flowLine('queue-closed', 'de_DE'), '[hang up]']);
  });
});

describe('switching language mid-call', () => {
  /** A function that switches to German when asked, and otherwise says which locale it answered in. */
  const switching: FulfillmentFunction = async (event) =>
    event.sessionState.intent.name === SWITCH_LANGUAGE_INTENT
      ? answer(event, 'Close', undefined, {
          ...event.sessionState.sessionAttributes,
          [SESSION_ATTRIBUTES.nextAction]: 'language:de_DE',
        })
      : answer(
          event,
          'ElicitIntent',
          `(${event.bot.localeId}) ${event.inputTranscript}`,
          event.sessionState.sessionAttributes ?? {},
        );

  test('the bot closes with nextAction=language:de_DE; the flow sets German and hands the caller back, same contact', async () => {
    const call = await holdTestCall({ lines: ['Hello', 'can we speak german', 'Wie geht es?'], fulfill: switching });
    expect(call.transcript).toEqual([
      ...phoneGreeting(),
      '[caller] Hello',
      '[bot] (en_US) Hello',
      '[caller] can we speak german',
      flowLine('talk-to-bot', 'de_DE'),
      '[caller] Wie geht es?',
      '[bot] (de_DE) Wie geht es?',
      '[hang up] the caller hung up',
    ]);
    // The same contact id keys the memory before and after the switch.
    const contactIds = new Set(
      call.lexEvents.map((event) => event.sessionState.sessionAttributes?.[SESSION_ATTRIBUTES.contactId]),
    );
    expect(contactIds).toEqual(new Set(['contact-under-test']));
  });
});

describe('whole calls with the real function', () => {
  async function hold(lines: readonly string[], overrides: Partial<CallOptions> = {}) {
    const events: CallEvent[] = [];
    const end = await holdLocalCall(cliCallOptions(overrides), {
      caller: scriptedCaller(lines),
      listener: (event) => events.push(event),
      functionOverrides: {
        env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      },
    });
    return { end, transcript: transcriptOf(events).filter((line) => !line.startsWith('[local]')) };
  }

  test('--locale es_US: a Spanish call end to end (greeting, answer, silence, goodbye)', async () => {
    const spanish = localeDefinition('es_US');
    const call = await hold(['¿Qué tiempo hace?', '', say('es_US', GOODBYE_INTENT)], { localeId: 'es_US' });
    expect(call.transcript).toEqual([
      ...phoneGreeting('es_US'),
      '[caller] ¿Qué tiempo hace?',
      `[bot] ${spanish.messages.dontKnow}`,
      '[caller] (silence)',
      `[bot] ${spanish.messages.reprompt}`,
      `[caller] ${say('es_US', GOODBYE_INTENT)}`,
      flowLine('say-goodbye', 'es_US'),
      '[hang up]',
    ]);
  });

  test('--locale es_US --knowledge knowledge/: answered from the Spanish FAQ (knowledge/es_US/), with no key', async () => {
    const question = '¿A qué hora abren?';
    const embeddings = process.env.EMBEDDINGS;
    process.env.EMBEDDINGS = 'none'; // keywords only: the English index's embedding model is not this test's business
    try {
      const call = await hold([question], { localeId: 'es_US', knowledgeDir: DEFAULT_KNOWLEDGE_DIR });
      const answer = call.transcript[call.transcript.indexOf(`[caller] ${question}`) + 1];
      expect(answer).toMatch(/^\[bot\] La tienda abre de martes a sábado/);
    } finally {
      if (embeddings === undefined) delete process.env.EMBEDDINGS;
      else process.env.EMBEDDINGS = embeddings;
    }
  });

  test('a Spanish caller asks for order cuarenta y siete once with no key: looked up, said in Spanish', async () => {
    const spanish = localeDefinition('es_US');
    const question = '¿Dónde está mi pedido cuarenta y siete once?';
    const call = await hold([question, say('es_US', GOODBYE_INTENT)], { localeId: 'es_US' });
    const answer = call.transcript[call.transcript.indexOf(`[caller] ${question}`) + 1];
    expect(answer).toMatch(/^\[bot\] Estado del pedido 4 7 1 1: enviado\. La empresa de transporte es UPS\. /);
    expect(answer).toMatch(/diciembre/);
    expect(answer).not.toContain(spanish.messages.dontKnow);
  });

  test('"sí" after the offer of a person transfers the call; "no" goes on with it', async () => {
    const spanish = localeDefinition('es_US');
    const yes = await hold(['¿Qué tiempo hace?', 'sí'], { localeId: 'es_US' });
    expect(yes.transcript.slice(-5)).toEqual([
      '[caller] ¿Qué tiempo hace?',
      `[bot] ${spanish.messages.dontKnow}`,
      '[caller] sí',
      flowLine('say-transfer', 'es_US'),
      '[transfer] queue "Chalkbot support"',
    ]);
    expect(yes.end).toMatchObject({ kind: 'transferred' });

    const english = localeDefinition('en_US');
    const no = await hold(['What is the weather like?', 'no', 'goodbye']);
    expect(no.transcript.slice(-7)).toEqual([
      '[caller] What is the weather like?',
      `[bot] ${english.messages.dontKnow}`,
      '[caller] no',
      `[bot] ${english.personOffer.declined}`,
      '[caller] goodbye',
      flowLine('say-goodbye'),
      '[hang up]',
    ]);
  });

  test('a German call by keypad: the answer, the switch back to English, then a transfer line in English', async () => {
    const german = localeDefinition('de_DE');
    const call = await hold(['#3', 'Wie spät ist es?', 'sprechen Sie englisch', 'talk to a person']);
    expect(call.transcript).toEqual([
      flowLine('greet'),
      flowLine('language-menu'),
      '[caller] #3',
      flowLine('talk-to-bot', 'de_DE'),
      '[caller] Wie spät ist es?',
      `[bot] ${german.messages.dontKnow}`,
      '[caller] sprechen Sie englisch',
      flowLine('talk-to-bot', 'en_US'),
      '[caller] talk to a person',
      flowLine('say-transfer', 'en_US'),
      '[transfer] queue "Chalkbot support"',
    ]);
    expect(call.end).toMatchObject({ kind: 'transferred' });
  });

  test('--locale de_DE with a transfer: the German transfer line', async () => {
    const call = await hold([say('de_DE', AGENT_INTENT)], { localeId: 'de_DE' });
    expect(call.transcript.slice(-2)).toEqual([
      flowLine('say-transfer', 'de_DE'),
      '[transfer] queue "Chalkbot support"',
    ]);
  });
});
