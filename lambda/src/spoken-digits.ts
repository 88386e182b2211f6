/**
 * Numbers as callers say them, turned into the digits they mean. Lex transcribes "four seven one one" as words,
 * "4 7 1 1" as separate numerals, and "forty-seven eleven" as tens and teens; a caller reading an order number
 * means the same digits each time. Digits are read in order (so "oh one two" keeps its leading zero); a number
 * said with "hundred" or "thousand" is read as a quantity ("forty-seven hundred" is 4700).
 *
 * The words are the caller's language's, from the bot definition (`numbers` of each locale): "cuatro siete uno
 * uno" and "cuarenta y siete once" in Spanish, "vier sieben eins eins" and "siebenundvierzig elf" in German.
 * This module knows only how numbers are put together, so a new language is a definition change.
 */
import { botDefinition, type NumberWords } from '../../lib/definition/bot';

/** One language's number words, folded as `tokens` folds what was said, for lookups by word. */
interface Grammar {
  readonly units: ReadonlyMap<string, number>;
  readonly teens: ReadonlyMap<string, number>;
  readonly tens: ReadonlyMap<string, number>;
  readonly scales: ReadonlyMap<string, number>;
  readonly repeats: ReadonlyMap<string, number>;
  readonly zeroBesideNumbers: ReadonlySet<string>;
  readonly and: ReadonlySet<string>;
  /** Hesitations: a hesitation inside a number ("four seven, um, one one") does not end it. */
  readonly hesitations: ReadonlySet<string>;
}

const grammars = new WeakMap<NumberWords, Grammar>();

/** Lower case, accents gone ("dieciséis" and "dieciseis" are one word); ß and other letters stay. */
function fold(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}

const folded = (words: Readonly<Record<string, number>>) =>
  new Map(Object.entries(words).map(([word, value]) => [fold(word), value]));

function grammarOf(numbers: NumberWords, silenceWords: readonly string[]): Grammar {
  let grammar = grammars.get(numbers);
  if (grammar) return grammar;
  const teens = folded(numbers.teens);
  const compound = numbers.unitFirstTens;
  if (compound) {
    // German writes 21 to 99 as one word, unit first: "siebenundvierzig". Each is a two-digit word like a teen.
    const units = new Map([...folded(numbers.units), ...folded(compound.unitForms)]);
    for (const [unit, unitValue] of units) {
      if (unitValue === 0) continue;
      for (const [ten, tenValue] of folded(numbers.tens))
        teens.set(`${unit}${fold(compound.joiner)}${ten}`, tenValue + unitValue);
    }
  }
  grammar = {
    units: folded(numbers.units),
    teens,
    tens: folded(numbers.tens),
    scales: folded(numbers.scales),
    repeats: folded(numbers.repeats),
    zeroBesideNumbers: new Set((numbers.zeroBesideNumbers ?? []).map(fold)),
    and: new Set(numbers.and.map(fold)),
    hesitations: new Set(silenceWords.map(fold)),
  };
  grammars.set(numbers, grammar);
  return grammar;
}

/** What a number is said with: the language's number words and its hesitation sounds. */
interface NumberLanguage {
  readonly numbers: NumberWords;
  readonly silenceWords: readonly string[];
}

const isNumeral = (token: string) => /^\d+$/.test(token);

function isNumberWord(grammar: Grammar, token: string): boolean {
  return grammar.units.has(token) || grammar.teens.has(token) || grammar.tens.has(token) || grammar.scales.has(token);
}

/** Folded words and numerals; hyphens, commas and other marks split ("forty-seven", "#4711"). */
function tokens(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The runs of number words and numerals in what was said, each as the tokens said. */
function numberRuns(grammar: Grammar, said: string[]): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  const isNumber = (token: string | undefined) =>
    token !== undefined && (isNumeral(token) || isNumberWord(grammar, token));
  const endRun = () => {
    // A run made only of "oh"s and "double"s is not a number.
    if (
      run.some((token) => isNumeral(token) || (isNumberWord(grammar, token) && !grammar.zeroBesideNumbers.has(token)))
    )
      runs.push(run);
    run = [];
  };
  said.forEach((token, index) => {
    const next = said[index + 1];
    const previous = run.at(-1);
    // "and" joins a quantity's parts ("four hundred and eleven") and, in Spanish, tens and a unit ("cuarenta y
    // siete"); elsewhere it is just a word.
    const joins =
      grammar.and.has(token) &&
      isNumber(next) &&
      (run.some((word) => grammar.scales.has(word)) ||
        (previous !== undefined && grammar.tens.has(previous) && next !== undefined && grammar.units.has(next)));
    if (isNumber(token) || (grammar.repeats.has(token) && isNumber(next)) || joins) run.push(token);
    else if (!(grammar.hesitations.has(token) && run.length > 0 && isNumber(next))) endRun();
  });
  endRun();
  return runs;
}

/** "four thousand seven hundred and eleven": a quantity. */
function quantity(grammar: Grammar, run: string[]): string {
  let total = 0;
  let current = 0;
  for (const token of run) {
    if (grammar.and.has(token)) continue;
    const scale = grammar.scales.get(token);
    if (scale !== undefined && scale >= 1000) {
      total += (current || 1) * scale;
      current = 0;
    } else if (scale !== undefined) {
      current = (current || 1) * scale;
    } else {
      current += isNumeral(token)
        ? Number(token)
        : (grammar.units.get(token) ?? grammar.teens.get(token) ?? grammar.tens.get(token) ?? 0);
    }
  }
  return String(total + current);
}

/** "forty seven eleven", "oh one two", "double seven": digits in the order said. */
function digitSequence(grammar: Grammar, run: string[]): string {
  let digits = '';
  for (let index = 0; index < run.length; index++) {
    const token = run[index];
    let next = run[index + 1];
    // "cuarenta y siete": the joining word is skipped, the unit joins the tens.
    const joined = next !== undefined && grammar.and.has(next);
    if (joined) next = run[index + 2];
    const unit = next === undefined ? undefined : grammar.units.get(next);
    const ten = grammar.tens.get(token);
    if (isNumeral(token)) digits += token;
    else if (grammar.teens.has(token)) digits += String(grammar.teens.get(token));
    else if (ten !== undefined) {
      // "forty seven" is 47; "forty" alone, or before "oh", is 40.
      if (unit !== undefined && unit > 0) {
        digits += String(ten + unit);
        index += joined ? 2 : 1;
      } else digits += String(ten);
    } else if (grammar.units.has(token)) digits += String(grammar.units.get(token));
    else if (grammar.repeats.has(token) && next !== undefined && !joined) {
      const repeated = isNumeral(next) ? next : unit !== undefined ? String(unit) : '';
      if (repeated !== '') {
        digits += repeated.repeat(grammar.repeats.get(token) ?? 1);
        index++;
      }
    }
  }
  return digits;
}

/** Every number in what was said, as digits, in the order said. */
export function spokenNumbers(text: string, language: NumberLanguage = botDefinition): string[] {
  const grammar = grammarOf(language.numbers, language.silenceWords);
  return numberRuns(grammar, tokens(text)).map((run) =>
    run.some((token) => grammar.scales.has(token)) ? quantity(grammar, run) : digitSequence(grammar, run),
  );
}

/** The number a caller most likely means as an order number: the longest one said (the last, on a tie). */
export function longestSpokenNumber(text: string, language: NumberLanguage = botDefinition): string | undefined {
  return spokenNumbers(text, language).reduce<string | undefined>(
    (best, digits) => (best === undefined || digits.length >= best.length ? digits : best),
    undefined,
  );
}

/** The words of what was said as `spokenNumbers` reads them: lower case, accents gone. */
export function foldedWords(text: string): string[] {
  return tokens(text);
}

/**
 * An order id as the model passed it, in the form the business stores: spoken digits become digits ("four seven
 * one one" and "4 7 1 1" are 4711), letters are upper-cased, spaces and dashes go. An id that is already
 * written ("A-1042", "AB1042") keeps its letters; other words ("order number 4711") are dropped.
 */
export function normalizeOrderId(raw: string, language: NumberLanguage = botDefinition): string {
  const grammar = grammarOf(language.numbers, language.silenceWords);
  const said = tokens(raw);
  let id = '';
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) id += spokenNumbers(run.join(' '), language).join('');
    run = [];
  };
  for (const token of said) {
    if (isNumeral(token) || isNumberWord(grammar, token) || grammar.repeats.has(token) || grammar.and.has(token))
      run.push(token);
    else {
      flush();
      const partOfId = token.length === 1 || /\d/.test(token);
      if (partOfId) id += token.toUpperCase();
    }
  }
  flush();
  return id;
}

/** "4711" as a voice should read it back: "4 7 1 1", one character at a time. */
export function digitByDigit(id: string): string {
  return [...id].join(' ');
}
