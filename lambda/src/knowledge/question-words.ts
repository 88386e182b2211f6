/**
 * The words of a spoken question, in the language of the knowledge it is asked of: which are filler, which are
 * question words and other small words, and which carry its meaning. Canned answers match on them, keyword search
 * leaves the small ones out, and a follow-up ("and how much is that?") is told by them.
 *
 * Written without accents: a word is compared with its accents taken off, so "cuál" and "cual" (a transcript
 * may have either) are one word.
 */
import { type KeywordLanguage, stemWord } from './keyword-index';

interface LanguageWords {
  /** Words that carry no meaning in a spoken question; dropped on both sides. */
  readonly ignored: string;
  /**
   * Question words, pronouns and other small words. They must match where a sample has them ("your name" is not
   * "my name"), but a caller saying one more of them does not change the question the way a content word does.
   */
  readonly small: string;
  /** Words that point back at an earlier question ("that", "it"). */
  readonly pointing: string;
  /** How a follow-up that leans on the earlier question starts ("and ...", "what about ..."). */
  readonly followUp: RegExp;
  /** Spoken contractions, written out so "what's your name" has the words of "what is your name". */
  readonly contractions: readonly [RegExp, string][];
}

const LANGUAGE_WORDS: Readonly<Record<KeywordLanguage, LanguageWords>> = {
  en: {
    ignored:
      'a an the um uh umm uhm er erm hmm so well please hi hello hey ok okay just like tell me could would to now ' +
      'today right actually really exactly again also thanks thank',
    small:
      'what who whom whose how when where why which is are am was were be being been do does did can will shall ' +
      'should may might must have has had i you we they he she it my your yours our their his her its this that ' +
      'these those there here of for in on at with about from by and or if any some not kind',
    pointing: 'that it this those these them they one',
    followUp: /^\s*(and|what about|how about)\b/i,
    contractions: [
      [/\b(what|who|how|where|when|why|it|that|there|here|he|she)'s\b/g, '$1 is'],
      [/\bcan't\b/g, 'can not'],
      [/\bwon't\b/g, 'will not'],
      [/n't\b/g, ' not'],
      [/\bi'm\b/g, 'i am'],
      [/'re\b/g, ' are'],
      [/'ll\b/g, ' will'],
      [/'ve\b/g, ' have'],
      [/'d\b/g, ' would'],
    ],
  },
  es: {
    ignored:
      'el la los las un una unos unas eh em este mmm pues bueno vale oiga mire disculpe perdon hola por favor ' +
      'gracias ahora hoy me digame dime decir podria quisiera saber',
    small:
      'que quien quienes como cuando donde cual cuales cuanto cuanta cuantos cuantas es son esta estan era ser ' +
      'estar hay tiene tienen tengo hace hacen puedo puede pueden debo yo usted ustedes nosotros mi mis su sus ' +
      'nuestro nuestra de del en a al con para sobre y o si no algo alguien lo le les se esto eso ese esa',
    pointing: 'eso esto ese esa esos esas ello',
    followUp: /^\s*[¿¡]?\s*(y|que tal|qué tal)\b/i,
    contractions: [],
  },
  de: {
    ignored:
      'der die den dem des ein eine einen einem einer eines ah ahm aha also bitte hallo ja mal denn doch ' +
      'gerne danke jetzt heute mir sagen gern nun',
    small:
      'was wer wen wem wessen wie wann wo woher wohin warum welche welcher welches wieviel ist sind war waren sein das ' +
      'gibt hat haben habe kann konnen muss soll ich sie wir er es du mein meine meinen ihr ihre ihren ihrem unser ' +
      'unsere von vom fur in im am an auf mit zu zum zur uber bei und oder wenn nicht kein keine etwas jemand man ' +
      'machen macht dies dieses diese dieser',
    pointing: 'das dies dieses diese dieser es',
    followUp: /^\s*(und|was ist mit|wie ist es mit)\b/i,
    contractions: [],
  },
};

interface CompiledWords {
  readonly ignored: ReadonlySet<string>;
  readonly small: ReadonlySet<string>;
  readonly pointing: ReadonlySet<string>;
  readonly followUp: RegExp;
  readonly contractions: readonly [RegExp, string][];
}

const COMPILED = new Map<KeywordLanguage, CompiledWords>();

function wordsOf(language: KeywordLanguage): CompiledWords {
  let compiled = COMPILED.get(language);
  if (!compiled) {
    const { ignored, small, pointing, ...rest } = LANGUAGE_WORDS[language];
    const set = (list: string) => new Set(list.split(' '));
    compiled = { ignored: set(ignored), small: set(small), pointing: set(pointing), ...rest };
    COMPILED.set(language, compiled);
  }
  return compiled;
}

export interface Words {
  /** Every meaningful word, plurals folded. */
  readonly all: Set<string>;
  /** The content words among them. */
  readonly content: Set<string>;
}

/**
 * Lower case, accents off, contractions written out, no punctuation, no filler; plurals folded (English: a
 * trailing s; other languages: their stemmer, since "Öffnungszeiten" and "tiendas" are not plurals by an s).
 */
export function words(text: string, language: KeywordLanguage = 'en'): Words {
  const { ignored, small, contractions } = wordsOf(language);
  let normalized = withoutAccents(text.toLowerCase()).replace(/’/g, "'");
  for (const [pattern, replacement] of contractions) normalized = normalized.replace(pattern, replacement);
  const said = normalized
    .replace(/'/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !ignored.has(word));
  const fold =
    language === 'en'
      ? (word: string) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word)
      : (word: string) => stemWord(language, word);
  return {
    all: new Set(said.map(fold)),
    content: new Set(said.filter((word) => !small.has(word)).map(fold)),
  };
}

/** Says whether a short question leans on the one before ("and how long does that take?"). */
export function pointsBack(question: string, language: KeywordLanguage = 'en'): boolean {
  const { pointing, followUp } = wordsOf(language);
  // Compared as words() leaves them, plurals folded, as the question's words are.
  const folded = words([...pointing].join(' '), language).all;
  return [...words(question, language).all].some((word) => folded.has(word)) || followUp.test(question);
}

function withoutAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}
