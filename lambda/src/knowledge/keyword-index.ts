/**
 * Keyword search over a business's passages: BM25 over stemmed words, per language, from an inverted index we keep
 * ourselves in typed arrays.
 *
 * Why not Orama's search, which this replaced: at 10,000 passages it took 2 to 3 ms a search at the median and
 * about 30 ms at the 99th percentile, against 5 ms for the whole retrieval. For each word of the question it walks
 * its radix tree for every indexed word that begins with it, keeps a Map entry and a Map of matched properties for
 * every passage that matches, and sorts every match to return 20; those Maps are garbage by the next search, and the
 * collector's pauses made the p99 (`exact: true` was slower still: it checks each hit's text again with a regular
 * expression). Its saved index was also most of the index file, parsed into objects at every cold start.
 * Here a search adds each matching word's weight into one reused accumulator, and keeps the best few by a bounded
 * selection: no Map, no sort, a few small arrays of garbage.
 *
 * The ranking is Orama's (3.1.18), so the eval figures measured with it hold: each field (heading, text) is scored
 * on its own and the two added; a question word matches every indexed word it begins ("deliver" finds "delivery",
 * "return" finds "returns" where the stemmer left them apart); a passage's words are counted once per field, so its
 * term frequency is 1 / its field's count of distinct words; BM25 with k = 1.2, b = 0.75 and Orama's d = 0.5
 * (BM25+, so a long passage that has the word still scores above one that lacks it). With the term frequency a
 * function of the passage alone, a passage's weight per field is computed once, at load, and a search multiplies
 * it by each matched word's idf.
 *
 * Words are Orama's tokenizer's (`@orama/orama/components`, the only part of Orama still used): its splitting per
 * language, lower case, stemmer and diacritics, the same for the documents at build and for the question.
 */
import { tokenizer as oramaTokenizer } from '@orama/orama/components';
import { stemmer as germanStemmer } from '@orama/stemmers/german';
import { stemmer as spanishStemmer } from '@orama/stemmers/spanish';

/**
 * The languages keyword search knows, by ISO 639-1 code: Orama's tokenizer language (how words are split) and
 * stemmer ("bicicletas" and "bicicleta" are one word). Orama ships only the English stemmer; the others are
 * @orama/stemmers' (Snowball's algorithms, pure JS). A knowledge locale in another language needs a line here.
 */
export type KeywordLanguage = 'en' | 'es' | 'de';
const KEYWORD_LANGUAGES: Readonly<
  Record<KeywordLanguage, { readonly language: 'english' | 'spanish' | 'german'; readonly stemmer?: Stemmer }>
> = {
  en: { language: 'english' },
  es: { language: 'spanish', stemmer: spanishStemmer },
  de: { language: 'german', stemmer: germanStemmer },
};
type Stemmer = (word: string) => string;

/** The keyword language of a BCP 47 language code ("es-US" is "es"), or undefined when search has no stemmer for it. */
export function keywordLanguage(languageCode: string): KeywordLanguage | undefined {
  const code = languageCode.split(/[-_]/)[0].toLowerCase();
  return isKeywordLanguage(code) ? code : undefined;
}

export function isKeywordLanguage(code: string): code is KeywordLanguage {
  return Object.hasOwn(KEYWORD_LANGUAGES, code);
}

/** A word as the language's stemmer leaves it; English words as they are (English folds its plurals itself). */
export function stemWord(language: KeywordLanguage, word: string): string {
  const { stemmer } = KEYWORD_LANGUAGES[language];
  return stemmer ? stemmer(word) : word;
}

/** Orama's BM25 parameters (its defaults): term frequency saturation, length normalisation, BM25+'s floor. */
const K = 1.2;
const B = 0.75;
const D = 0.5;

/** The fields of a passage searched, each scored on its own. */
const FIELDS = ['heading', 'text'] as const;

/** One field's inverted index: its words in code-unit order, and for each the passages that have it. */
interface FieldIndex {
  readonly words: readonly string[];
  /** The passages having `words[w]` are `passages[starts[w]]` to `passages[starts[w + 1] - 1]`, ascending. */
  readonly starts: Int32Array;
  readonly passages: Int32Array;
  /** Each passage's count of distinct words in this field. */
  readonly lengths: Int32Array;
  /** Each passage's BM25 weight in this field, which times a word's idf is its score for that word. */
  readonly weights: Float64Array;
}

/**
 * The keyword index as saved inside the index file: per field, its words, and its integer arrays as base64 of
 * little-endian int32 (as compact as decimal JSON, and read without parsing a number at a time).
 */
export interface SavedKeywords {
  readonly fields: readonly SavedField[];
}
interface SavedField {
  readonly words: readonly string[];
  readonly starts: string;
  readonly passages: string;
  readonly lengths: string;
}

export interface KeywordHit {
  readonly position: number;
  /** BM25, on Orama's scale. */
  readonly score: number;
}

export class KeywordIndex {
  private readonly tokenizer: ReturnType<typeof tokenizerFor>;
  /** Each passage's score in the search under way; zero again once it returns. */
  private readonly scores: Float64Array;
  /** The passages the search under way has scored, in the order first scored. */
  private readonly touched: Int32Array;

  private constructor(
    private readonly fields: readonly FieldIndex[],
    private readonly count: number,
    readonly language: KeywordLanguage,
  ) {
    this.tokenizer = tokenizerFor(language);
    this.scores = new Float64Array(count);
    this.touched = new Int32Array(count);
  }

  /** Indexes each passage's heading and text. */
  static build(
    passages: readonly { readonly heading: string; readonly text: string }[],
    language: KeywordLanguage,
  ): KeywordIndex {
    const tokenizer = tokenizerFor(language);
    const fields = FIELDS.map((field) => {
      const lists = new Map<string, number[]>();
      const lengths = new Int32Array(passages.length);
      passages.forEach((passage, position) => {
        // Distinct words only (the tokenizer drops repeats), as Orama counts them.
        const words = tokenizer.tokenize(passage[field], undefined, field);
        lengths[position] = words.length;
        for (const word of words) {
          const list = lists.get(word);
          if (list) list.push(position);
          else lists.set(word, [position]);
        }
      });
      const words = [...lists.keys()].sort();
      const starts = new Int32Array(words.length + 1);
      words.forEach((word, at) => {
        starts[at + 1] = starts[at] + (lists.get(word)?.length ?? 0);
      });
      const postings = new Int32Array(starts[words.length]);
      words.forEach((word, at) => {
        postings.set(lists.get(word) ?? [], starts[at]);
      });
      return withWeights(words, starts, postings, lengths);
    });
    return new KeywordIndex(fields, passages.length, language);
  }

  /** The index saved by `save`, for `count` passages; throws an Error saying what does not fit. */
  static load(saved: SavedKeywords, count: number, language: KeywordLanguage): KeywordIndex {
    if (!Array.isArray(saved?.fields) || saved.fields.length !== FIELDS.length) {
      throw new Error(`expected ${FIELDS.length} fields (${FIELDS.join(', ')})`);
    }
    const fields = saved.fields.map((field, at) => {
      const name = FIELDS[at];
      const { words } = field;
      if (
        !Array.isArray(words) ||
        words.some((word, w) => typeof word !== 'string' || (w > 0 && words[w - 1] >= word))
      ) {
        throw new Error(`the ${name} words are not distinct strings in order`);
      }
      const starts = int32s(field.starts, `${name} starts`);
      const passages = int32s(field.passages, `${name} passages`);
      const lengths = int32s(field.lengths, `${name} lengths`);
      if (starts.length !== words.length + 1 || starts[0] !== 0 || starts[words.length] !== passages.length) {
        throw new Error(`the ${name} starts do not span its passages`);
      }
      for (let w = 0; w < words.length; w++) {
        if (starts[w + 1] <= starts[w]) throw new Error(`the ${name} word "${words[w]}" has no passages`);
      }
      if (passages.some((position) => position < 0 || position >= count)) {
        throw new Error(`a ${name} passage is outside the ${count} passages`);
      }
      if (lengths.length !== count || lengths.some((length) => length < 0)) {
        throw new Error(`the ${name} lengths are not one count per passage`);
      }
      return withWeights(words, starts, passages, lengths);
    });
    return new KeywordIndex(fields, count, language);
  }

  save(): SavedKeywords {
    const base64 = (values: Int32Array) =>
      Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
    return {
      fields: this.fields.map((field) => ({
        words: field.words,
        starts: base64(field.starts),
        passages: base64(field.passages),
        lengths: base64(field.lengths),
      })),
    };
  }

  /**
   * The `limit` passages that score highest for the words of `terms`, best first; passages that score alike keep
   * the order they were first matched in, as Orama's stable sort kept them.
   */
  search(terms: string, limit: number): KeywordHit[] {
    // Not cached: a long-lived function would otherwise keep every word a caller ever said.
    const tokens = this.tokenizer.tokenize(terms, undefined, undefined, false);
    const { scores, touched, count } = this;
    let reached = 0;
    for (const field of this.fields) {
      const { words, starts, passages, weights } = field;
      for (const token of tokens) {
        for (let word = firstAtOrAfter(words, token); word < words.length && words[word].startsWith(token); word++) {
          const from = starts[word];
          const to = starts[word + 1];
          const matching = to - from;
          const idf = Math.log(1 + (count - matching + 0.5) / (matching + 0.5));
          for (let at = from; at < to; at++) {
            const position = passages[at];
            // Every score added is above zero (idf and weight both are), so zero means not yet scored.
            if (scores[position] === 0) touched[reached++] = position;
            scores[position] += idf * weights[position];
          }
        }
      }
    }
    const best = bestOf(touched, reached, scores, limit);
    for (let at = 0; at < reached; at++) scores[touched[at]] = 0;
    return best;
  }
}

function tokenizerFor(language: KeywordLanguage) {
  return oramaTokenizer.createTokenizer({ stemming: true, ...KEYWORD_LANGUAGES[language] });
}

function withWeights(words: readonly string[], starts: Int32Array, passages: Int32Array, lengths: Int32Array) {
  let total = 0;
  for (const length of lengths) total += length;
  const average = lengths.length > 0 ? total / lengths.length : 0;
  const weights = new Float64Array(lengths.length);
  lengths.forEach((length, position) => {
    if (length === 0) return;
    const frequency = 1 / length;
    weights[position] = (D + frequency * (K + 1)) / (frequency + K * (1 - B + (B * length) / average));
  });
  return { words, starts, passages, lengths, weights } satisfies FieldIndex;
}

/** The first of the ordered `words` not before `token`: where the words beginning with it start, if any do. */
function firstAtOrAfter(words: readonly string[], token: string): number {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (words[middle] < token) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The `limit` best of the first `reached` positions of `touched` by `scores`, without sorting them all. */
function bestOf(touched: Int32Array, reached: number, scores: Float64Array, limit: number): KeywordHit[] {
  const top: number[] = [];
  for (let at = 0; at < reached; at++) {
    const position = touched[at];
    const score = scores[position];
    if (top.length === limit && score <= scores[top[limit - 1]]) continue;
    let slot = top.length === limit ? limit - 1 : top.length;
    while (slot > 0 && scores[top[slot - 1]] < score) slot--;
    top.splice(slot, 0, position);
    if (top.length > limit) top.pop();
  }
  return top.map((position) => ({ position, score: scores[position] }));
}

/** Little-endian int32s from base64; throws naming `what` when the text is not that. */
function int32s(text: unknown, what: string): Int32Array {
  if (typeof text !== 'string') throw new Error(`${what} are missing`);
  // Buffer.from skips what is not base64 rather than failing, so the text is checked first.
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new Error(`${what} are not base64 int32s`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error(`${what} are not base64 int32s`);
  return int32View(bytes);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes as int32s: a view when they start at a multiple of 4, as an Int32Array needs, else a copy. */
function int32View(bytes: Buffer): Int32Array {
  return bytes.byteOffset % 4 === 0
    ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
    : new Int32Array(new Uint8Array(bytes).buffer);
}
