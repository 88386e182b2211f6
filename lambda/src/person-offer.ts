/**
 * The bot offers a person ("I don't know that; shall I get you a person?") and the caller answers "yes" or
 * "no". Lex hears neither as an intent, so the turn asks this module first: a yes hands the call over exactly as
 * the agent intent does (nextAction=agent), a no goes on with the call. Anything else is a new question.
 *
 * What counts as an offer, a yes and a no is the locale's (`personOffer` in the bot definition): a line offers a
 * person when it ends with the locale's offer question, which every canned offer line does and the model is
 * told to ask with.
 */
import type { BaseMessage } from '@langchain/core/messages';
import type { BotDefinition } from '../../lib/definition/bot';
import { foldedWords } from './spoken-digits';

/** How the caller answered the bot's offer of a person. */
export type OfferAnswer = 'accept' | 'decline';

/** True when `line` ends with the locale's offer of a person. */
export function offersPerson(line: string, locale: BotDefinition): boolean {
  const said = foldedWords(line);
  const offer = foldedWords(locale.personOffer.question);
  return said.length >= offer.length && offer.every((word, at) => said[said.length - offer.length + at] === word);
}

/**
 * The caller's answer to an offer of a person the bot made in its last answer; undefined when the bot made none,
 * or when the caller said something other than one of the locale's yes or no phrases.
 */
export function answerToOffer(
  question: string,
  history: readonly BaseMessage[],
  locale: BotDefinition,
): OfferAnswer | undefined {
  const lastAnswer = history.at(-1);
  if (lastAnswer?.type !== 'ai' || !offersPerson(lastAnswer.text, locale)) return undefined;
  const said = phrase(question, locale);
  if (said === '') return undefined;
  const { accept, decline } = locale.personOffer;
  if (accept.some((yes) => phrase(yes, locale) === said)) return 'accept';
  if (decline.some((no) => phrase(no, locale) === said)) return 'decline';
  return undefined;
}

/** The words said, without hesitations, a word said twice in a row once ("yes, yes please" is "yes please"). */
function phrase(text: string, locale: BotDefinition): string {
  const hesitations = new Set(locale.silenceWords.flatMap(foldedWords));
  return foldedWords(text)
    .filter((word) => !hesitations.has(word))
    .filter((word, at, words) => word !== words[at - 1])
    .join(' ');
}
