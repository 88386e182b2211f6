/**
 * How the model is told to answer from the business's documents: the standing instructions (part of the system
 * prompt, which never changes between turns so providers can cache it) and the passages found for this turn,
 * given with the caller's question.
 */
import type { Hit } from './search-index';

/** Appended to the phone system prompt; the same bytes every turn. */
export const KNOWLEDGE_INSTRUCTIONS = [
  "Before the caller's question come passages from the business's own documents, each with its heading.",
  'Answer questions about the business, its products, prices, times and policies only from those passages.',
  'When the passages do not cover such a question, say in one sentence that you do not know, and offer to get',
  'the caller a person.',
  'Never invent prices, times, dates or policies.',
].join(' ');

/** Passages go in the question's message up to this share of the prompt budget; history gets the rest. */
const PASSAGE_SHARE_OF_BUDGET = 0.5;
/** At most this many passages: a phone answer is one to three sentences. */
export const MAX_PASSAGES = 3;

/** About four characters a token, as the prompt's budget counts them (model.ts estimateTokens). */
const CHARS_PER_TOKEN = 4;

/** The passages worth showing the model, best first, within their share of the token budget. */
export function passagesForPrompt(hits: readonly Hit[], tokenBudget: number): Hit[] {
  let chars = PASSAGE_SHARE_OF_BUDGET * tokenBudget * CHARS_PER_TOKEN;
  const kept: Hit[] = [];
  for (const hit of hits.slice(0, MAX_PASSAGES)) {
    const size = passageLine(hit, kept.length).length;
    if (size > chars) break;
    chars -= size;
    kept.push(hit);
  }
  return kept;
}

/**
 * The context that goes with the question. With no passage found it still says so, so the model knows the
 * documents hold nothing on this and answers as the instructions say.
 */
export function passagesContext(hits: readonly Hit[]): string {
  if (hits.length === 0) return 'Passages from the business documents: none match this question.';
  return ['Passages from the business documents:', ...hits.map((hit, index) => passageLine(hit, index))].join('\n');
}

function passageLine(hit: Hit, index: number): string {
  return `[${index + 1}] ${hit.passage.heading}: ${hit.passage.text}`;
}
