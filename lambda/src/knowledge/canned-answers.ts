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

export interface CannedAnswer {
  /** The FAQ entry's id. */
  readonly id: string;
  readonly answer: string;
}

/** Words that carry no meaning in a spoken question; dropped on both sides. */
const IGNORED_WORDS = new Set([
  'a',
  'an',
  'the',
  'um',
  'uh',
  'umm',
  'uhm',
  'er',
  'erm',
  'hmm',
  'so',
  'well',
  'please',
  'hi',
  'hello',
  'hey',
  'ok',
  'okay',
  'just',
  'like',
  'tell',
  'me',
  'could',
  'would',
  'to',
  'now',
  'today',
  'right',
  'actually',
  'really',
  'exactly',
  'again',
  'also',
  'thanks',
  'thank',
]);

/**
 * Question words, pronouns and other small words. They must match where a sample has them ("your name" is not
 * "my name"), but a caller saying one more of them does not change the question the way a content word does.
 */
const FUNCTION_WORDS = new Set([
  'what',
  'who',
  'whom',
  'whose',
  'how',
  'when',
  'where',
  'why',
  'which',
  'is',
  'are',
  'am',
  'was',
  'were',
  'be',
  'being',
  'been',
  'do',
  'does',
  'did',
  'can',
  'will',
  'shall',
  'should',
  'may',
  'might',
  'must',
  'have',
  'has',
  'had',
  'i',
  'you',
  'we',
  'they',
  'he',
  'she',
  'it',
  'my',
  'your',
  'yours',
  'our',
  'their',
  'his',
  'her',
  'its',
  'this',
  'that',
  'these',
  'those',
  'there',
  'here',
  'of',
  'for',
  'in',
  'on',
  'at',
  'with',
  'about',
  'from',
  'by',
  'and',
  'or',
  'if',
  'any',
  'some',
  'not',
  'kind',
]);

/** Spoken contractions, written out so "what's your name" has the words of "what is your name". */
const CONTRACTIONS: [RegExp, string][] = [
  [/\b(what|who|how|where|when|why|it|that|there|here|he|she)'s\b/g, '$1 is'],
  [/\bcan't\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/n't\b/g, ' not'],
  [/\bi'm\b/g, 'i am'],
  [/'re\b/g, ' are'],
  [/'ll\b/g, ' will'],
  [/'ve\b/g, ' have'],
  [/'d\b/g, ' would'],
];

interface Words {
  /** Every meaningful word, plurals folded. */
  readonly all: Set<string>;
  /** The content words among them. */
  readonly content: Set<string>;
}

/** Lower case, contractions written out, no punctuation, no filler; simple plural folding. */
export function words(text: string): Words {
  let normalized = text.toLowerCase().normalize('NFKD').replace(/’/g, "'");
  for (const [pattern, replacement] of CONTRACTIONS) normalized = normalized.replace(pattern, replacement);
  const said = normalized
    .replace(/'/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !IGNORED_WORDS.has(word));
  const fold = (word: string) =>
    word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
  return {
    all: new Set(said.map(fold)),
    content: new Set(said.filter((word) => !FUNCTION_WORDS.has(word)).map(fold)),
  };
}

export class CannedAnswers {
  private readonly entries: readonly { entry: FaqEntry; questions: readonly Set<string>[] }[];

  constructor(entries: readonly FaqEntry[]) {
    this.entries = entries.map((entry) => ({
      entry,
      questions: entry.questions.map((question) => words(question).all),
    }));
  }

  /** The answer of the most specific FAQ question the caller asked, or undefined when none matches. */
  answer(question: string): CannedAnswer | undefined {
    const said = words(question);
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
