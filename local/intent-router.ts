/**
 * Which intent Lex would pick for a caller's line. The local call does not imitate Lex's NLU: a line goes to
 * an intent only when it equals one of that intent's sample utterances once both are normalized; anything
 * else (and silence) goes to the fallback intent, and so to the function.
 */
import { type BotDefinition, FALLBACK_INTENT, type IntentDefinition } from '../lib/definition/bot';

/** Case, punctuation, apostrophes and spacing do not change what a caller said. */
export function normalizeUtterance(text: string): string {
  return text
    .toLowerCase()
    .replace(/['\u2018\u2019]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface RoutedLine {
  readonly intent: IntentDefinition;
  /** True when a sample utterance matched; false when Lex fell back. */
  readonly matched: boolean;
}

export function routeUtterance(line: string, definition: BotDefinition): RoutedLine {
  const said = normalizeUtterance(line);
  if (said !== '') {
    for (const intent of definition.intents) {
      if (intent.sampleUtterances.some((utterance) => normalizeUtterance(utterance) === said)) {
        return { intent, matched: true };
      }
    }
  }
  const fallback = definition.intents.find(
    (intent) => intent.name === FALLBACK_INTENT || intent.parentIntentSignature === 'AMAZON.FallbackIntent',
  );
  if (!fallback) throw new Error(`The bot definition has no fallback intent (${FALLBACK_INTENT})`);
  return { intent: fallback, matched: false };
}
