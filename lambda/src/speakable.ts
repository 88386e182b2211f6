/**
 * Text for the ear. Models write for screens: markdown, bullet lists, links, emoji. A voice reads all of that
 * aloud ("asterisk asterisk") or stumbles over it, so before Lex speaks an answer it is rewritten as plain
 * sentences and cut, at a sentence boundary, to fit the message limit.
 *
 * The output is plain text (Lex `PlainText`), not SSML: nothing needs escaping. Characters that would break SSML
 * or that a voice reads badly (& < > and stray markup) are still removed or spelled out, so the same text stays
 * safe if it is ever wrapped in <speak>.
 */

import type { SpokenSymbols } from '../../lib/definition/bot';

const CODE_FENCE = /^\s*(```|~~~).*$/gm;
const IMAGE = /!\[([^\]]*)\]\([^)]*\)/g;
/** A markdown link; its address may hold one level of parentheses (Wikipedia's do). */
const LINK = /\[([^\]]+)\]\((?:[^()\s]|\([^()\s]*\))*\)/g;
/**
 * HTML a model may write: line breaks and block ends become line breaks; other tags go and their text stays.
 * Only tags HTML has, so "<works>" in a sentence is still read as a word.
 */
const HTML_BREAK = /<(?:br\s*\/?|\/(?:p|div|li|h[1-6]|tr))>/gi;
const HTML_TAG =
  /<\/?(?:a|abbr|b|blockquote|br|code|del|div|em|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|s|small|span|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul)(?:\s[^<>]*)?\/?>/gi;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()]+/gi;
const HEADING = /^\s{0,3}#{1,6}\s+/gm;
const BLOCKQUOTE = /^\s*>+\s?/gm;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/gm;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/gm;
/**
 * Emphasis marks that wrap words: not glued to a letter or digit on the outside, so `5*3 and 2*4` stays arithmetic.
 */
const EMPHASIS = /(?<![\p{L}\p{N}])(\*\*|__|\*|~~|`)(?=\S)([^]*?\S)\1(?![\p{L}\p{N}])/gu;
/** An asterisk between numbers is a multiplication, said as such. */
const TIMES = /(\d)\s*\*\s*(?=\d)/g;
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u200D\uFE0E\uFE0F\u20E3]/gu;
/** A sentence end, then closing quotes or brackets of any of our languages ("", „“, «»). */
const SENTENCE_END = /[.!?…]["'»”“’)\]]*$/;

/** The language of the answer: how its symbols are said, and where its sentences end. */
export interface SpeakableLanguage {
  /** BCP 47, e.g. de-DE: the sentence segmenter's locale (German "3. Oktober" does not end a sentence). */
  readonly languageCode: string;
  readonly symbols: SpokenSymbols;
}

const ENGLISH: SpeakableLanguage = { languageCode: 'en-US', symbols: { and: 'and', times: 'times' } };

/** Rewrites a model's answer as plain spoken sentences of at most `maxChars` characters. */
export function makeSpeakable(text: string, maxChars: number, language: SpeakableLanguage = ENGLISH): string {
  return cutAtSentence(toPlainSentences(text, language), maxChars, language.languageCode);
}

/** Markdown, HTML tags, lists, links and emoji out; one line of sentences in. May be empty. */
export function toPlainSentences(text: string, language: SpeakableLanguage = ENGLISH): string {
  const { symbols } = language;
  const withoutMarkup = text
    .replace(/\r\n?/g, '\n')
    .replace(CODE_FENCE, '')
    .replace(HTML_BREAK, '\n')
    .replace(HTML_TAG, '')
    .replace(IMAGE, '$1')
    .replace(LINK, '$1')
    .replace(URL, '')
    .replace(HEADING, '')
    .replace(BLOCKQUOTE, '')
    .replace(RULE, '')
    .replace(TABLE_DIVIDER, '')
    .replace(EMPHASIS, '$2')
    .replace(TIMES, `$1 ${symbols.times} `)
    .replace(EMOJI, '');

  // Every line (a list item, a heading, a table row, a paragraph) becomes its own sentence.
  const sentences = withoutMarkup
    .split('\n')
    .map((line) => spellOutSymbols(line.replace(LIST_ITEM, '').replace(/\|/g, ', '), symbols))
    .map((line) => line.replace(/^[\s,;:]+|[\s,;:]+$/g, ''))
    .filter((line) => /[\p{L}\p{N}]/u.test(line))
    .map((line) => (SENTENCE_END.test(line) ? line : `${line}.`));

  return sentences.join(' ').replace(/\s+/g, ' ').replace(/\s+([,.!?;:])/g, '$1').trim();
}

/** Symbols a voice reads badly, or that SSML would choke on. */
function spellOutSymbols(line: string, symbols: SpokenSymbols): string {
  return line
    .replace(/\s*&\s*/g, ` ${symbols.and} `)
    .replace(/[<>{}[\]\\^`*#~]/g, ' ')
    .replace(/(^|\s)_+|_+(\s|$)/g, '$1$2')
    .replace(/\(\s*\)/g, '');
}

/**
 * Keeps whole sentences up to `maxChars`. A first sentence that alone is too long is cut at a word boundary,
 * so the caller still hears something that ends cleanly.
 */
export function cutAtSentence(text: string, maxChars: number, languageCode = 'en'): string {
  if (text.length <= maxChars) return text;
  const segmenter = new Intl.Segmenter(languageCode, { granularity: 'sentence' });
  let kept = '';
  for (const { segment } of segmenter.segment(text)) {
    if ((kept + segment).trimEnd().length > maxChars) break;
    kept += segment;
  }
  if (kept.trim() !== '') return kept.trim();

  const words = text.slice(0, maxChars - 1);
  const lastSpace = words.lastIndexOf(' ');
  const head = (lastSpace > 0 ? words.slice(0, lastSpace) : words).replace(/[\s,;:]+$/, '');
  return `${head}.`;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The longest start of `text` of at most `maxChars` UTF-16 units that ends between two graphemes: never half a
 * surrogate pair, an emoji sequence or a letter with its accents.
 */
export function cutAtGrapheme(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // A boundary depends only on what precedes it and the next character, so one character past the cut suffices.
  let end = 0;
  for (const { index } of graphemes.segment(text.slice(0, maxChars + 1))) end = index;
  return text.slice(0, end);
}
