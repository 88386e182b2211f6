/**
 * Numbers as callers say them, turned into the digits they mean. Lex transcribes "four seven one one" as words,
 * "4 7 1 1" as separate numerals, and "forty-seven eleven" as tens and teens; a caller reading an order number
 * means the same digits each time. Digits are read in order (so "oh one two" keeps its leading zero); a number
 * said with "hundred" or "thousand" is read as a quantity ("forty-seven hundred" is 4700).
 */

const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  oh: 0,
  o: 0,
  nought: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
};
const TEENS: Readonly<Record<string, number>> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Readonly<Record<string, number>> = { hundred: 100, thousand: 1000 };
/** "double seven" is 77, "triple five" 555. */
const REPEATS: Readonly<Record<string, number>> = { double: 2, triple: 3 };
/** "Oh" is also what callers say before a question; it is a zero only beside other number words. */
const ZERO_ONLY_BESIDE_NUMBERS = new Set(['oh', 'o']);

/** A hesitation inside a number ("four seven, um, one one") does not end it. */
const HESITATIONS = new Set(['um', 'umm', 'uh', 'uhm', 'er', 'erm', 'ah', 'hmm']);

const isNumeral = (token: string) => /^\d+$/.test(token);
const isNumberWord = (token: string) => token in UNITS || token in TEENS || token in TENS || token in SCALES;

/** Lower-case words and numerals; hyphens, commas and other marks split ("forty-seven", "#4711"). */
function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The runs of number words and numerals in what was said, each as the tokens said. */
function numberRuns(said: string[]): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  const endRun = () => {
    // A run made only of "oh"s and "double"s is not a number.
    if (run.some((token) => isNumeral(token) || (isNumberWord(token) && !ZERO_ONLY_BESIDE_NUMBERS.has(token))))
      runs.push(run);
    run = [];
  };
  said.forEach((token, index) => {
    const next = said[index + 1];
    const nextIsNumber = next !== undefined && (isNumeral(next) || isNumberWord(next));
    const joinsQuantity = token === 'and' && run.some((word) => word in SCALES) && nextIsNumber;
    if (isNumeral(token) || isNumberWord(token) || (token in REPEATS && nextIsNumber) || joinsQuantity) run.push(token);
    else if (!(HESITATIONS.has(token) && run.length > 0 && nextIsNumber)) endRun();
  });
  endRun();
  return runs;
}

/** "four thousand seven hundred and eleven": a quantity. */
function quantity(run: string[]): string {
  let total = 0;
  let current = 0;
  for (const token of run) {
    if (token === 'and') continue;
    if (token === 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
    } else if (token === 'hundred') {
      current = (current || 1) * 100;
    } else {
      current += isNumeral(token) ? Number(token) : (UNITS[token] ?? TEENS[token] ?? TENS[token] ?? 0);
    }
  }
  return String(total + current);
}

/** "forty seven eleven", "oh one two", "double seven": digits in the order said. */
function digitSequence(run: string[]): string {
  let digits = '';
  for (let index = 0; index < run.length; index++) {
    const token = run[index];
    const next = run[index + 1];
    if (isNumeral(token)) digits += token;
    else if (token in TEENS) digits += String(TEENS[token]);
    else if (token in TENS) {
      // "forty seven" is 47; "forty" alone, or before "oh", is 40.
      if (next !== undefined && next in UNITS && UNITS[next] > 0) {
        digits += String(TENS[token] + UNITS[next]);
        index++;
      } else digits += String(TENS[token]);
    } else if (token in UNITS) digits += String(UNITS[token]);
    else if (token in REPEATS && next !== undefined) {
      const repeated = isNumeral(next) ? next : next in UNITS ? String(UNITS[next]) : '';
      if (repeated !== '') {
        digits += repeated.repeat(REPEATS[token]);
        index++;
      }
    }
  }
  return digits;
}

/** Every number in what was said, as digits, in the order said. */
export function spokenNumbers(text: string): string[] {
  return numberRuns(tokens(text)).map((run) =>
    run.some((token) => token in SCALES) ? quantity(run) : digitSequence(run),
  );
}

/** The number a caller most likely means as an order number: the longest one said (the last, on a tie). */
export function longestSpokenNumber(text: string): string | undefined {
  return spokenNumbers(text).reduce<string | undefined>(
    (best, digits) => (best === undefined || digits.length >= best.length ? digits : best),
    undefined,
  );
}

/**
 * An order id as the model passed it, in the form the business stores: spoken digits become digits ("four seven
 * one one" and "4 7 1 1" are 4711), letters are upper-cased, spaces and dashes go. An id that is already
 * written ("A-1042", "AB1042") keeps its letters; other words ("order number 4711") are dropped.
 */
export function normalizeOrderId(raw: string): string {
  const said = tokens(raw);
  let id = '';
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) id += spokenNumbers(run.join(' ')).join('');
    run = [];
  };
  for (const token of said) {
    if (isNumeral(token) || isNumberWord(token) || token in REPEATS || token === 'and') run.push(token);
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
