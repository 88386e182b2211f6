/**
 * Canned answers: the FAQ's answer, at once and without a model, when the caller clearly asked one of its
 * questions. This is the fast path of a turn.
 *
 * A wrong canned answer is worse than none (the turn then goes on to the documents and the model), so the
 * caller's question matches an FAQ question only when both hold:
 * - every word of the FAQ question (fillers aside) was said: "what is my name" does not match "what is your
 *   name", and "how does billing work" does not match "how does this work";
 * - every content word the caller said (not a question word, pronoun or other small word) is in the FAQ
 *   question: "what do you sell" does not match "what do you do", nor does "what can you do about my broken
 *   printer".
 */
import type { FaqEntry } from './documents';
import { words } from './question-words';
import type { KeywordLanguage } from './keyword-index';

export interface CannedAnswer {
  /** The FAQ entry's id. */
  readonly id: string;
  readonly answer: string;
}

export class CannedAnswers {
  private readonly entries: readonly { entry: FaqEntry; questions: readonly Set<string>[] }[];

  constructor(
    entries: readonly FaqEntry[],
    private readonly language: KeywordLanguage = 'en',
  ) {
    this.entries = entries.map((entry) => ({
      entry,
      questions: entry.questions.map((question) => words(question, language).all),
    }));
  }

  /** The answer of the most specific FAQ question the caller asked, or undefined when none matches. */
  answer(question: string): CannedAnswer | undefined {
    const said = words(question, this.language);
    if (said.all.size === 0) return undefined;
    let best: { entry: FaqEntry; sampleWords: number } | undefined;
    for (const { entry, questions } of this.entries) {
      for (const sample of questions) {
        if (sample.size === 0) continue;
        const everySampleWordSaid = [...sample].every((word) => said.all.has(word));
        const everyContentWordInSample = [...said.content].every((word) => sample.has(word));
        if (!everySampleWordSaid || !everyContentWordInSample) continue;
        if (!best || sample.size > best.sampleWords) best = { entry, sampleWords: sample.size };
      }
    }
    return best && { id: best.entry.id, answer: best.entry.answer };
  }
}
