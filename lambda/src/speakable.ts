/**
 * Text for the ear. Models write for screens: markdown, bullet lists, links, emoji. A voice reads all of that
 * aloud ("asterisk asterisk") or stumbles over it, so before Lex speaks an answer it is rewritten as plain
 * sentences and cut, at a sentence boundary, to fit the message limit.
 *
 * The output is plain text (Lex `PlainText`), not SSML: nothing needs escaping. Characters that would break SSML
 * or that a voice reads badly (& < > and stray markup) are still removed or spelled out, so the same text stays
 * safe if it is ever wrapped in <speak>. SSML a model writes itself (<speak>, <break time="10s"/>) is removed,
 * not read out, and so are control characters and broken UTF-16.
 *
 * The model's answer is hostile input: a server may ignore max_tokens and send a megabyte of `![[[[`. The answer
 * is cut to MAX_ANSWER_CHARS first, and every pattern below is linear in its input: a class that scans toward a
 * closing mark excludes the opening mark too (so a failed try stops at the next opening), `\s` never spans lines
 * where a `^` pattern could restart on every line, and no pattern looks for the end of a run it is inside of.
 */

import type { SpokenSymbols } from '../../lib/definition/bot';

/**
 * The most of a model's answer that is cleaned up: what a model writes at the largest MAX_ANSWER_TOKENS (4,000
 * tokens, about 16,000 characters). Anything longer came from a server that ignored max_tokens.
 */
export const MAX_ANSWER_CHARS = 16_000;

/** ANSI terminal sequences (ESC [ ... letter): their printable tail would be read out after ESC goes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC is the point of this pattern.
const ANSI_ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
/** C0 and C1 control characters, DEL, and tab, but not line ends: a voice cannot say them, and NUL breaks logs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this pattern.
const CONTROL = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Half of a surrogate pair, alone: not a character at all (an answer cut mid-emoji by a server). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A model's answer made safe to work on: at most MAX_ANSWER_CHARS (never cut inside a grapheme), without control
 * characters, terminal escapes or lone surrogates. Tabs become spaces.
 */
export function boundAnswer(text: string): string {
  return cutAtGrapheme(text, MAX_ANSWER_CHARS)
    .replace(ANSI_ESCAPE, '')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '')
    .replace(LONE_SURROGATE, '');
}

/**
 * SSML and other XML a model may write, which a voice would read as words: SSML's own elements (and Polly's
 * amazon: ones), any namespaced or self-closing tag, any tag with an attribute, and any closing tag. A lone
 * "<works>" in a sentence has none of these, and stays a word.
 */
export const MARKUP_TAG =
  /<\/?(?:speak|break|prosody|say-as|phoneme|emphasis|lang|mark|audio|voice|sub|w|s|p|par|seq|media|desc)(?:\s[^<>]*)?\/?>|<\/?[A-Za-z][\w.-]*:[\w.:-]+(?:\s[^<>]*)?\/?>|<[A-Za-z][\w.:-]*(?:\s[^<>]*)?\/>|<[A-Za-z][\w.:-]*\s+[\w.:-]+\s*=[^<>]*>|<\/[A-Za-z][\w.:-]*\s*>/gi;

/** A markdown image or link address: one level of parentheses allowed (Wikipedia's), no spaces. */
const ADDRESS = String.raw`\((?:[^()\s]|\([^()\s]*\))*\)`;
/** Link text excludes `[` as well as `]`, so a run of `[[[[` fails at once at each bracket instead of scanning on. */
const IMAGE = new RegExp(String.raw`!\[([^[\]]*)\]` + ADDRESS, 'g');
const LINK = new RegExp(String.raw`\[([^[\]]+)\]` + ADDRESS, 'g');
const CODE_FENCE = /^[ \t]*(```|~~~).*$/gm;
/**
 * HTML a model may write: line breaks and block ends become line breaks; other tags go and their text stays.
 * Only tags HTML has, so "<works>" in a sentence is still read as a word.
 */
const HTML_BREAK = /<(?:br\s*\/?|\/(?:p|div|li|h[1-6]|tr))>/gi;
const HTML_TAG =
  /<\/?(?:a|abbr|b|blockquote|br|code|del|div|em|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|s|small|span|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul)(?:\s[^<>]*)?\/?>/gi;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()]+/gi;
const HEADING = /^[ \t]{0,3}#{1,6}[ \t]+/gm;
const BLOCKQUOTE = /^[ \t]*>+[ \t]?/gm;
const RULE = /^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm;
const LIST_ITEM = /^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+/;
/** Each run of spaces belongs to one cell or one pipe: two optional runs side by side split a line n² ways. */
const TABLE_DIVIDER = /^[ \t]*(?:\|[ \t]*)?:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*(?:\|[ \t]*)?$/gm;
/**
 * Emphasis marks that wrap words on one line: not glued to a letter or digit on the outside, so `5*3 and 2*4`
 * stays arithmetic. The text between the marks holds no mark, so a failed try stops at the next one.
 */
const EMPHASIS_MARKS = {
  double: [
    String.raw`\*\*(?=\S)([^*\n]*[^*\s])\*\*`,
    String.raw`__(?=\S)([^_\n]*[^_\s])__`,
    String.raw`~~(?=\S)([^~\n]*[^~\s])~~`,
  ],
  single: [String.raw`\*(?=\S)([^*\n]*[^*\s])\*`, '`(?=\\S)([^`\\n]*[^`\\s])`'],
};
const emphasis = (marks: readonly string[]) =>
  new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${marks.join('|')})(?![\p{L}\p{N}])`, 'gu');
const EMPHASIS = emphasis([...EMPHASIS_MARKS.double, ...EMPHASIS_MARKS.single]);
/** For text a screen shows: `*` alone is more often a bullet or a footnote there. */
const EMPHASIS_BUT_SINGLE_ASTERISK = emphasis([...EMPHASIS_MARKS.double, EMPHASIS_MARKS.single[1]]);

/** The words of emphasized text without their marks (`*` alone too, unless `singleAsterisk` is false). */
export function unwrapEmphasis(text: string, { singleAsterisk = true } = {}): string {
  return text.replace(singleAsterisk ? EMPHASIS : EMPHASIS_BUT_SINGLE_ASTERISK, (_match, ...groups: unknown[]) =>
    String(groups.find((group) => typeof group === 'string')),
  );
}
/** An asterisk between numbers is a multiplication, said as such. */
const TIMES = /(\d)\s*\*\s*(?=\d)/g;
// Alternatives, not one character class: the joiner, selectors and keycap combine with what precedes them.
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}]|\u200D|\uFE0E|\uFE0F|\u20E3/gu;
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
  return cutAtSentence(toPlainSentences(boundAnswer(text), language), maxChars, language.languageCode);
}

/** Markdown, HTML tags, lists, links and emoji out; one line of sentences in. May be empty. */
export function toPlainSentences(text: string, language: SpeakableLanguage = ENGLISH): string {
  const { symbols } = language;
  const withoutTags = text
    .replace(/\r\n?/g, '\n')
    .replace(CODE_FENCE, '')
    .replace(HTML_BREAK, '\n')
    .replace(HTML_TAG, '')
    .replace(MARKUP_TAG, '')
    .replace(IMAGE, '$1')
    .replace(LINK, '$1')
    .replace(URL, '')
    .replace(HEADING, '')
    .replace(BLOCKQUOTE, '')
    .replace(RULE, '')
    .replace(TABLE_DIVIDER, '');
  const withoutMarkup = unwrapEmphasis(withoutTags).replace(TIMES, `$1 ${symbols.times} `).replace(EMOJI, '');

  // Every line (a list item, a heading, a table row, a paragraph) becomes its own sentence.
  const sentences = withoutMarkup
    .split('\n')
    .map((line) => spellOutSymbols(line.replace(LIST_ITEM, '').replace(/\|/g, ', '), symbols))
    .map(trimSeparators)
    .filter((line) => /[\p{L}\p{N}]/u.test(line))
    .map((line) => (SENTENCE_END.test(line) ? line : `${line}.`));

  // Spaces are single after the first replace, so the second never rescans a run.
  return sentences
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([,.!?;:])/g, '$1')
    .trim();
}

const isSeparator = (char: string | undefined) => char !== undefined && /[\s,;:]/.test(char);

/**
 * A line without separators (spaces, commas, semicolons, colons) at either end. A loop, not a regex: "[\s,;:]+$"
 * tries every position of a long run of spaces and scans to its end each time.
 */
function trimSeparators(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && isSeparator(line[start])) start += 1;
  while (end > start && isSeparator(line[end - 1])) end -= 1;
  return line.slice(start, end);
}

/** Symbols a voice reads badly, or that SSML would choke on. */
function spellOutSymbols(line: string, symbols: SpokenSymbols): string {
  return (
    line
      // Spaces around it are collapsed later.
      .replace(/&/g, ` ${symbols.and} `)
      .replace(/[<>{}[\]\\^`*#~]/g, ' ')
      // Underscores go, except inside a word (snake_case stays one word).
      .replace(/_+/g, (run: string, at: number) =>
        isWordEnd(line[at - 1]) && isWordEnd(line[at + run.length]) ? run : '',
      )
      .replace(/\(\s*\)/g, '')
  );
}

const isWordEnd = (char: string | undefined) => char !== undefined && !/\s/.test(char);

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

  const words = cutAtGrapheme(text, maxChars - 1);
  const lastSpace = words.lastIndexOf(' ');
  const head = trimSeparators(lastSpace > 0 ? words.slice(0, lastSpace) : words);
  return `${head}.`;
}

/**
 * Made at the first cut, not at load: only an answer too long to speak whole needs it, and the first segmenter
 * a process makes loads ICU's break rules (about 15 ms of the function's load when it was made here).
 */
let graphemes: Intl.Segmenter | undefined;
/** Grapheme rules look back only within a cluster: the last boundary before a cut lies in this many units. */
const GRAPHEME_WINDOW = 64;
const REGIONAL_INDICATOR = /^\p{Regional_Indicator}/u;

/**
 * The longest start of `text` of at most `maxChars` UTF-16 units that ends between two graphemes: never half a
 * surrogate pair, an emoji sequence or a letter with its accents.
 */
export function cutAtGrapheme(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // Only the last few characters before the cut are segmented (a megabyte answer must not cost a segmentation
  // of everything before it), from a whole character. A boundary depends only on what precedes it and the next
  // character, so one character (two units: it may be a surrogate pair) past the cut suffices.
  let from = Math.max(0, maxChars - GRAPHEME_WINDOW);
  if (/[\uDC00-\uDFFF]/.test(text[from] ?? '')) from -= 1;
  let end = lastBoundary(text, from, maxChars);
  // A cluster longer than the window, or flags (paired from the start of their run): segment from the start.
  if ((end === from && from > 0) || REGIONAL_INDICATOR.test(text.slice(from, from + 2)))
    end = lastBoundary(text, 0, maxChars);
  return text.slice(0, end);
}

/** The last grapheme boundary at or before `at`, segmenting from `from` (itself taken as a boundary). */
function lastBoundary(text: string, from: number, at: number): number {
  let end = from;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { index } of graphemes.segment(text.slice(from, at + 2))) {
    if (from + index > at) break;
    end = from + index;
  }
  return end;
}
