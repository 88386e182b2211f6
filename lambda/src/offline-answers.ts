/**
 * Answers without a language model: the bot's common questions from a small knowledge file shipped inside the
 * bundle (imported, so esbuild inlines it and the image still holds one file). Used when no model is configured
 * and as the fallback when the model fails.
 *
 * Matching is normalized keyword overlap: the caller's words must cover most of one of an entry's sample
 * questions, and that question must be a fair part of what the caller said (so "what can you do about my
 * broken printer" does not get the "what can you do" answer).
 */
import knowledge from './knowledge.json';

export interface KnowledgeEntry {
  readonly id: string;
  readonly questions: readonly string[];
  readonly answer: string;
}

export interface OfflineAnswer {
  readonly id: string;
  readonly answer: string;
}

/** Share of a sample question's words the caller must have said. */
const MIN_QUESTION_COVERAGE = 0.75;
/** Share of the caller's words the sample question must account for. */
const MIN_CALLER_COVERAGE = 0.6;

/** Words that carry no meaning in a spoken question. Question words (who, what, how) stay: they do. */
const IGNORED_WORDS = new Set([
  'a', 'an', 'the', 'um', 'uh', 'umm', 'uhm', 'er', 'erm', 'hmm', 'so', 'well', 'please', 'hi', 'hello', 'hey',
  'ok', 'okay', 'just', 'like', 'tell', 'me', 'could', 'would', 'to',
]);

/** Lower case, no punctuation or apostrophes, no filler; simple plural folding. */
export function keywords(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !IGNORED_WORDS.has(word))
    .map((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));
  return new Set(words);
}

export class OfflineAnswerer {
  private readonly entries: readonly { entry: KnowledgeEntry; questions: readonly Set<string>[] }[];

  constructor(entries: readonly KnowledgeEntry[] = knowledge.entries) {
    this.entries = entries.map((entry) => ({ entry, questions: entry.questions.map(keywords) }));
  }

  /** The best-matching entry's answer, or undefined when nothing matches well enough. */
  answer(question: string): OfflineAnswer | undefined {
    const said = keywords(question);
    if (said.size === 0) return undefined;
    let best: { entry: KnowledgeEntry; score: number } | undefined;
    for (const { entry, questions } of this.entries) {
      for (const sample of questions) {
        if (sample.size === 0) continue;
        const shared = [...sample].filter((word) => said.has(word)).length;
        const questionCoverage = shared / sample.size;
        const callerCoverage = shared / said.size;
        if (questionCoverage < MIN_QUESTION_COVERAGE || callerCoverage < MIN_CALLER_COVERAGE) continue;
        const score = questionCoverage + callerCoverage;
        if (!best || score > best.score) best = { entry, score };
      }
    }
    return best && { id: best.entry.id, answer: best.entry.answer };
  }
}
