/**
 * "Where is my order four seven one one?" without a model: a question that names an order, package or delivery
 * and carries a number is an order lookup. The turn calls look_up_order directly and speaks what it found, so a
 * caller gets an answer with no key configured, and when the model fails.
 */
import { longestSpokenNumber } from './spoken-digits';

const ORDER_WORDS = /\b(orders?|packages?|parcels?|deliver(y|ies)|shipments?)\b/i;

/** The order number asked about, as digits; undefined when this is not an order question. */
export function orderNumberAskedAbout(question: string): string | undefined {
  return ORDER_WORDS.test(question) ? longestSpokenNumber(question) : undefined;
}
