/**
 * The turn's language. Lex tells the function which locale the caller is in (`bot.localeId`, chosen by the
 * contact flow from the contact's language); everything the function says or recognizes by word comes from that
 * locale of the bot definition, with English when the locale is missing or unknown.
 *
 * Also where a caller leaves the bot by what they said: the goodbye words of their language, or a request for
 * another language, which hands the call back to the flow with `nextAction=language:<localeId>` so the flow can
 * set the new voice and language and hand the caller to the bot again (Lex cannot change a session's locale).
 */
import {
  type BotDefinition,
  GOODBYE_INTENT,
  localeDefinition,
  type NextAction,
  requestedLocale,
  SWITCH_LANGUAGE_INTENT,
} from '../../lib/definition/bot';

/** The bot definition in the turn's locale. */
export function turnLocale(localeId: string | undefined): BotDefinition {
  return localeDefinition(localeId);
}

/** Lower case words, punctuation and apostrophes gone: "¿Adiós!" and "adiós" are the same words. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['\u2018\u2019]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * An empty transcript is Lex's silence; one made only of the language's filler words ("um", "eh", "äh") is
 * silence too, as QnABot treats it.
 */
export function isSilence(transcript: string, locale: BotDefinition = localeDefinition(undefined)): boolean {
  return words(transcript).every((word) => locale.silenceWords.includes(word));
}

/**
 * The caller said one of their language's goodbye utterances exactly, yet Lex sent the turn to the fallback
 * intent (its confidence was below the threshold). Only whole utterances count: "goodbye" ends the call,
 * "how do I say goodbye in French" does not.
 */
export function saidGoodbye(transcript: string, locale: BotDefinition): boolean {
  const said = words(transcript).join(' ');
  if (said === '') return false;
  const goodbye = locale.intents.find((intent) => intent.name === GOODBYE_INTENT);
  return (goodbye?.sampleUtterances ?? []).some((utterance) => words(utterance).join(' ') === said);
}

/**
 * Where the caller asked to go by what they said, if anywhere: the next action of an intent that ends the bot,
 * another language they named on the switch intent, or a goodbye Lex did not catch. Undefined: answer them.
 */
export function requestedExit(intentName: string, transcript: string, locale: BotDefinition): NextAction | undefined {
  const intent = locale.intents.find((candidate) => candidate.name === intentName);
  if (intent?.nextAction) return intent.nextAction;
  if (intentName === SWITCH_LANGUAGE_INTENT) {
    // "Another language, please" names none: the model answers (it can say which languages there are).
    const target = requestedLocale(transcript, locale.localeId);
    if (target) return `language:${target.localeId}`;
  }
  return saidGoodbye(transcript, locale) ? 'hangup' : undefined;
}

/**
 * The line said as the bot hands the call back: a goodbye before hanging up. A transfer is silent (the flow
 * checks the queue and says what happens), and so is a language switch (the flow greets in the new voice).
 */
export function leavingLine(nextAction: NextAction, locale: BotDefinition): string | undefined {
  return nextAction === 'hangup' ? locale.messages.goodbye : undefined;
}

/**
 * The system prompt's last sentences, in English (models follow English instructions best): the language to
 * answer in, whatever language earlier turns of the call were in, and what to say to leave the bot in it.
 */
export function languageInstructions(locale: BotDefinition): string {
  const firstUtterance = (name: string) => locale.intents.find((intent) => intent.name === name)?.sampleUtterances[0];
  const toPerson = firstUtterance('TalkToAgent');
  const goodbye = firstUtterance(GOODBYE_INTENT);
  return [
    `The caller speaks ${locale.languageName}. Always answer in ${locale.languageName}, even if earlier turns of ` +
      'the call were in another language.',
    `If the caller wants a person or wants to end the call, tell them to say "${toPerson}" or "${goodbye}".`,
    // The same words as the bot's own offer lines, so a "yes" after it hands the call over (person-offer.ts).
    `When you offer to get the caller a person, end your answer with "${locale.personOffer.question}"`,
  ].join(' ');
}
