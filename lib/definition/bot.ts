/**
 * The bot as callers meet it, in every language it speaks: per locale the voice, the intents' sample
 * utterances, the fillers, every line the bot itself speaks and the lines of the contact flow. The Lex stack, the
 * fulfillment function, the contact flow and the local call all read this one module, so a changed utterance or
 * message reaches a deployment and a laptop call alike.
 *
 * The words live in `locales/` (one file per language); what does not depend on the language (intent names,
 * timings, thresholds) lives here. Adding a language is a new file in `locales/` and one line in LOCALES.
 *
 * Pure data: no AWS CDK, no SDK imports. The function's bundle includes it.
 */
import { deDE } from './locales/de-DE';
import { enUS } from './locales/en-US';
import { esUS } from './locales/es-US';

/**
 * What the flow does when the bot hands the call back. Sent as session attribute `nextAction`:
 * `language:<localeId>` re-enters the bot in that locale.
 */
export type NextAction = 'hangup' | 'agent' | `language:${string}`;

export const FALLBACK_INTENT = 'FallbackIntent';
export const GOODBYE_INTENT = 'Goodbye';
export const AGENT_INTENT = 'TalkToAgent';
/** The caller asks for another language; the function hands the call back with `nextAction=language:<localeId>`. */
export const SWITCH_LANGUAGE_INTENT = 'SwitchLanguage';

/** The intents a caller reaches by what they say; each locale gives their sample utterances. */
export type SpokenIntentName = typeof GOODBYE_INTENT | typeof AGENT_INTENT;

export interface IntentDefinition {
  /** Lex intent name; the contact flow branches on it. */
  readonly name: string;
  readonly description: string;
  /** Built-in parent, e.g. AMAZON.FallbackIntent. Absent for ordinary intents. */
  readonly parentIntentSignature?: string;
  readonly sampleUtterances: readonly string[];
  /** True when Lex calls the fulfillment function for this intent. */
  readonly fulfillmentCodeHook: boolean;
  /**
   * Where the call goes when this intent ends the conversation with the bot. The flow branches on the intent
   * name; the function, if it ever receives this intent, answers `Close` with this `nextAction`.
   */
  readonly nextAction?: NextAction;
}

export interface FulfillmentUpdates {
  /** Seconds of waiting before Lex speaks the first filler. Lex takes whole seconds, at least 1. */
  readonly startDelaySeconds: number;
  readonly startMessages: readonly string[];
  /** Seconds between later fillers while the function still works. */
  readonly updateFrequencySeconds: number;
  readonly updateMessages: readonly string[];
  /** Lex gives up on the function after this many seconds and speaks `timeoutMessage`. */
  readonly timeoutSeconds: number;
  readonly timeoutMessage: string;
}

/** Lines the function speaks itself. */
export interface BotMessages {
  /** After a silent turn (empty transcript). */
  readonly reprompt: string;
  /** After too many silent turns in a row, before hanging up. */
  readonly silentGoodbye: string;
  /** When the goodbye intent reaches the function (the flow then hangs up without a line of its own). */
  readonly goodbye: string;
  /** The model failed or ran out of time. */
  readonly modelUnavailable: string;
  /** No model is configured and the business's documents say nothing that fits the question. */
  readonly dontKnow: string;
  /**
   * No model is configured, and the business's documents (written in the default locale's language) have an
   * answer the caller would not understand; ends with the offer of a person.
   */
  readonly onlyInDefaultLanguage: string;
  /** The event could not be understood, or the turn failed; the caller may try again. */
  readonly malformedEvent: string;
  /**
   * Turns keep failing (or the function is misconfigured): the call goes to the agent queue, whose flow says
   * whether anyone is there.
   */
  readonly troubleTransfer: string;
  /** What look_up_order says by itself (no model, or no time left for one). `{digits}`: the id, digit by digit. */
  readonly orders: OrderLines;
}

export interface OrderLines {
  readonly status: string;
  readonly carrier: string;
  readonly expected: string;
  readonly expectedPast: string;
  /** The order is not there: repeat what was heard so the caller can correct it. */
  readonly notFound: string;
  /** The order system failed or was too slow. */
  readonly unavailable: string;
  /**
   * Order statuses as a business usually writes them (in English, lower case), said in this language; a status
   * not listed is said as written. Empty in English.
   */
  readonly statuses: Readonly<Record<string, string>>;
}

/**
 * How callers of this language say the digits of a number, lower case (lambda/src/spoken-digits.ts reads them;
 * accents are ignored when matching, so "dieciseis" is "dieciséis").
 */
export interface NumberWords {
  /** 0 to 9 said alone: "four", "cuatro", "vier". */
  readonly units: Readonly<Record<string, number>>;
  /** Other numbers below 100 said as one word: "eleven", "once", "veintiuno", "elf". */
  readonly teens: Readonly<Record<string, number>>;
  /** Whole tens: "forty", "cuarenta", "vierzig". */
  readonly tens: Readonly<Record<string, number>>;
  /** Words that make a number a quantity: "forty-seven hundred" is 4700. */
  readonly scales: Readonly<Record<string, number>>;
  /** "double seven" is 77. */
  readonly repeats: Readonly<Record<string, number>>;
  /** Zeros that alone mean something else ("oh"): a zero only beside other number words. */
  readonly zeroBesideNumbers?: readonly string[];
  /** Joins tens and a unit ("cuarenta y siete") or a quantity's parts ("four hundred and eleven"). */
  readonly and: readonly string[];
  /**
   * Tens and a unit in one word, unit first, joined by `joiner`: German "siebenundvierzig" is 47. `unitForms`:
   * how a unit is written there when not as alone ("ein" in "einundzwanzig").
   */
  readonly unitFirstTens?: { readonly joiner: string; readonly unitForms: Readonly<Record<string, number>> };
}

/**
 * The bot offers the caller a person ("I don't know that; shall I get you a person?"); the caller's next words
 * accept or decline it (lambda/src/person-offer.ts).
 */
export interface PersonOffer {
  /** How every line that offers a person ends; the model is told to ask with these words too. */
  readonly question: string;
  /** What a caller says to accept, whole (lower case): "yes", "yes please", "sí". */
  readonly accept: readonly string[];
  /** What a caller says to decline, whole: "no", "no thanks". */
  readonly decline: readonly string[];
  /** What the bot says when the caller declines; the call goes on. */
  readonly declined: string;
}

/** Lines the contact flow speaks once the caller has this language (contact-flows/ names them by key). */
export interface FlowLines {
  /** The Lex block's prompt when the caller is handed to the bot. */
  readonly askQuestion: string;
  /** After the goodbye intent. */
  readonly goodbye: string;
  /** Before the transfer to the agent queue. */
  readonly transfer: string;
  /** The queue's hours are over. */
  readonly queueClosed: string;
  /** Nobody staffs the queue, or the transfer failed. */
  readonly nobodyAvailable: string;
  /** The bot failed twice. */
  readonly apology: string;
}

/** Words the speakable cleanup writes out in this language (a voice reads symbols badly). */
export interface SpokenSymbols {
  /** `&` */
  readonly and: string;
  /** `*` between two numbers. */
  readonly times: string;
}

export interface Voice {
  readonly id: string;
  readonly engine: 'neural' | 'standard' | 'generative' | 'long-form';
}

/**
 * Everything that depends on the language, for one locale. Every key is required, so a locale missing a line
 * does not compile; test/definition/locales.test.ts checks that no line is empty.
 */
export interface LocaleLines {
  /** Lex locale id, e.g. es_US (docs.aws.amazon.com/lexv2/latest/dg/how-languages.html). */
  readonly localeId: string;
  /** The same language as a Connect `LanguageCode` and a BCP 47 tag, e.g. es-US. */
  readonly languageCode: string;
  /** The language's English name, as the system prompt names it. */
  readonly languageName: string;
  /**
   * Polly voice for Lex and the flow; it must speak this language with the engine
   * (docs.aws.amazon.com/polly/latest/dg/available-voices.html).
   */
  readonly voice: Voice;
  /** The keypad language menu: the key that picks this language and the offer, said in this language. */
  readonly menu: { readonly key: string; readonly offer: string };
  /**
   * What a caller calls this language, in any of the bot's languages (lower case): "spanish", "español". The
   * switch intent's utterances are built from them, and the function finds the language the caller asked for.
   */
  readonly names: readonly string[];
  /**
   * How a caller asks for another language in this one; `{language}` stands for each other locale's names
   * ("can we speak {language}"). They become the switch intent's sample utterances in this locale.
   */
  readonly switchPhrases: readonly string[];
  /** Per intent; the first is the one the model tells callers to say ("talk to a person", "goodbye"). */
  readonly sampleUtterances: Readonly<Record<SpokenIntentName, readonly string[]>>;
  /** Lex's fillers while the function works, and its line when the function takes too long. */
  readonly fillers: { readonly start: readonly string[]; readonly update: readonly string[]; readonly timeout: string };
  readonly messages: BotMessages;
  readonly flow: FlowLines;
  /** Words that alone mean the caller has not said anything yet ("um"), lower case. */
  readonly silenceWords: readonly string[];
  /** How callers say numbers: an order number, digit by digit or in tens. */
  readonly numbers: NumberWords;
  /** Words that make a question with a number an order question ("order", "pedido", "Bestellung"), lower case. */
  readonly orderWords: readonly string[];
  readonly personOffer: PersonOffer;
  readonly symbols: SpokenSymbols;
}

/** The bot in one locale: the language's lines and the settings every locale shares. */
export interface BotDefinition extends Omit<LocaleLines, 'sampleUtterances' | 'fillers' | 'switchPhrases'> {
  /** Below this NLU confidence Lex routes speech to the fallback intent (and so to the model). */
  readonly nluConfidenceThreshold: number;
  /** Lex forgets an idle session after this many seconds. */
  readonly idleSessionTtlSeconds: number;
  readonly intents: readonly IntentDefinition[];
  readonly fulfillmentUpdates: FulfillmentUpdates;
  /** Silent turns in a row before the function ends the call. */
  readonly maxSilentTurns: number;
  /** Failed turns in a row before the function hands the call to a person. */
  readonly maxFailedTurns: number;
}

/** Session attribute names shared by the flow, the function and the local call. */
export const SESSION_ATTRIBUTES = {
  /** Set by the contact flow from `$.ContactId`; keys the call's memory. */
  contactId: 'contactId',
  /** Set by the contact flow from `$.Channel` (VOICE, CHAT); the function writes its answer for it. */
  channel: 'channel',
  /** Set by the function when the call leaves the bot; the flow branches on it. */
  nextAction: 'nextAction',
  /** Silent turns in a row, kept by the function between turns. */
  silentTurns: 'silentTurns',
  /** Failed turns in a row (the function's apology), kept by the function; absent after a turn that worked. */
  failedTurns: 'failedTurns',
  /**
   * Questions the function has answered in this Lex session, kept by the function: Lex sends back what the
   * function returned, so a turn delivered twice carries the same count and the next turn a higher one.
   */
  answeredTurns: 'answeredTurns',
} as const;

/** The languages the bot speaks; the first is the default and the fallback. */
export const LOCALES: readonly LocaleLines[] = [enUS, esUS, deDE];

/** What every locale shares: thresholds, timings and the intents' names and purpose. */
const SHARED = {
  nluConfidenceThreshold: 0.6,
  idleSessionTtlSeconds: 300,
  maxSilentTurns: 3,
  maxFailedTurns: 2,
  fillerTiming: { startDelaySeconds: 2, updateFrequencySeconds: 5, timeoutSeconds: 25 },
} as const;

/** The letters beyond a-z that a locale's own words use (é and ñ in Spanish, ä and ß in German, none in English). */
function extraLetters(lines: LocaleLines): Set<string> {
  const text = JSON.stringify([lines.messages, lines.flow, lines.sampleUtterances]).toLowerCase();
  // One match over the text: a test per character made a regular expression per character (bundled, about 4 ms
  // of the function's load, where this runs for each locale).
  return new Set(text.match(/[^\P{L}a-z]/gu));
}

/**
 * The switch intent's utterances in `lines`' language: each phrase with each other language's names, only those
 * written in the letters this language uses ("espanol", not "español", in English): Lex learns a locale's
 * utterances in its own alphabet, and a speech transcript never holds a letter the language does not write.
 */
function switchUtterances(lines: LocaleLines, all: readonly LocaleLines[]): string[] {
  const letters = extraLetters(lines);
  const writable = (name: string) => [...name].every((char) => /[a-z ]/.test(char) || letters.has(char));
  const otherNames = all
    .filter((other) => other.localeId !== lines.localeId)
    .flatMap((other) => other.names)
    .filter(writable);
  const utterances = lines.switchPhrases.flatMap((phrase) =>
    otherNames.map((name) => phrase.replace('{language}', name)),
  );
  return [...new Set(utterances)];
}

function composeLocale(lines: LocaleLines, all: readonly LocaleLines[]): BotDefinition {
  const { sampleUtterances, fillers, switchPhrases: _switchPhrases, ...rest } = lines;
  return {
    ...rest,
    nluConfidenceThreshold: SHARED.nluConfidenceThreshold,
    idleSessionTtlSeconds: SHARED.idleSessionTtlSeconds,
    maxSilentTurns: SHARED.maxSilentTurns,
    maxFailedTurns: SHARED.maxFailedTurns,
    intents: [
      {
        name: FALLBACK_INTENT,
        description: 'Free-form speech: everything that is not an explicit intent goes to the language model.',
        parentIntentSignature: 'AMAZON.FallbackIntent',
        sampleUtterances: [],
        fulfillmentCodeHook: true,
      },
      {
        name: GOODBYE_INTENT,
        description: 'The caller is done.',
        sampleUtterances: sampleUtterances[GOODBYE_INTENT],
        fulfillmentCodeHook: false,
        nextAction: 'hangup',
      },
      {
        name: AGENT_INTENT,
        description: 'The caller wants a person.',
        sampleUtterances: sampleUtterances[AGENT_INTENT],
        fulfillmentCodeHook: false,
        nextAction: 'agent',
      },
      {
        name: SWITCH_LANGUAGE_INTENT,
        description: 'The caller asks for another language; the function says which, the flow re-enters the bot in it.',
        sampleUtterances: switchUtterances(lines, all),
        fulfillmentCodeHook: true,
      },
    ],
    fulfillmentUpdates: {
      ...SHARED.fillerTiming,
      startMessages: fillers.start,
      updateMessages: fillers.update,
      timeoutMessage: fillers.timeout,
    },
  };
}

/** Every locale the bot speaks, composed; the default first. */
export const botLocales: readonly BotDefinition[] = LOCALES.map((lines) => composeLocale(lines, LOCALES));

/** The default locale (US English): what a caller hears before choosing, and when a locale is unknown. */
export const defaultLocale: BotDefinition = botLocales[0];

/**
 * The bot in the default locale. Kept for code that has not learned about locales yet; code that knows the
 * turn's locale asks `localeDefinition(localeId)`.
 * @alias
 */
export const botDefinition: BotDefinition = defaultLocale;

/** The locale with this Lex locale id, if the bot speaks it. */
export function findLocale(localeId: string | undefined): BotDefinition | undefined {
  return botLocales.find((locale) => locale.localeId === localeId);
}

/** The bot in this locale; the default locale (English) when the id is missing or not one the bot speaks. */
export function localeDefinition(localeId: string | undefined): BotDefinition {
  return findLocale(localeId) ?? defaultLocale;
}

/** The locale a caller asked for by name ("español", "German"), other than `current`; undefined if none. */
export function requestedLocale(transcript: string, current: string): BotDefinition | undefined {
  const words = ` ${transcript.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  return botLocales.find(
    (locale) => locale.localeId !== current && locale.names.some((name) => words.includes(` ${name} `)),
  );
}
