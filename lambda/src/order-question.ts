/**
 * "Where is my order four seven one one?" without a model: a question that names an order, package or delivery
 * in the caller's language and carries a number is an order lookup. The turn calls look_up_order directly and
 * speaks what it found, so a caller gets an answer with no key configured, and when the model fails.
 */
import type { BotDefinition } from '../../lib/definition/bot';
import { foldedWords, longestSpokenNumber } from './spoken-digits';

/** The order number asked about, as digits; undefined when this is not an order question. */
export function orderNumberAskedAbout(question: string, locale: BotDefinition): string | undefined {
  const said = new Set(foldedWords(question));
  const namesAnOrder = locale.orderWords.some((word) => foldedWords(word).every((part) => said.has(part)));
  return namesAnOrder ? longestSpokenNumber(question, locale) : undefined;
}
