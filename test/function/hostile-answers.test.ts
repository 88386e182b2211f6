/**
 * A model's answer is hostile input: a server may ignore max_tokens, send control characters, SSML or broken
 * UTF-16. Cleanup stays linear, and what Lex gets is clean text, never cut inside a character. The 1 MB figure
 * (< 50 ms) is measured in the bench (npm run bench, "speech cleanup"); here linearity is checked by sizes.
 */
import { toChatText } from '../../lambda/src/channel';
import {
  boundAnswer,
  cutAtGrapheme,
  cutAtSentence,
  MAX_ANSWER_CHARS,
  makeSpeakable,
  toPlainSentences,
} from '../../lambda/src/speakable';

/** Control characters (C0 but tab/newline/CR, DEL, C1) and lone surrogates: nothing Lex should speak or show. */
const UNSPEAKABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point of this pattern.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function millisecondsFor(work: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('cleanup is linear in the answer', () => {
  // Each of these took seconds at 100 KB with the old patterns (quadratic: ten times the input, a hundred times
  // the time). Linear cleanup of ten times the input takes about ten times as long; allow thirty, and a floor
  // of 20 ms for a busy machine (at 5 ms a loaded run once took 150 ms for the larger input). The quadratic
  // patterns took seconds, far above it.
  const adversarial = ['![', '[', ' *a', '**a ', '~~a ', '\n', ' ', '   x', '| ', '_', '&', '[a](', '<a x='];

  test.each(adversarial)('spoken cleanup of %j repeated', (unit) => {
    const small = millisecondsFor(() => toPlainSentences(unit.repeat(5_000)));
    const large = millisecondsFor(() => toPlainSentences(unit.repeat(50_000)));
    expect(large).toBeLessThan(30 * Math.max(small, 20));
  });

  test.each(adversarial)('chat cleanup of %j repeated', (unit) => {
    const small = millisecondsFor(() => toChatText(unit.repeat(1_000)));
    const large = millisecondsFor(() => toChatText(unit.repeat(10_000)));
    expect(large).toBeLessThan(30 * Math.max(small, 20));
  });

  test('an answer past MAX_ANSWER_CHARS is cut before any cleanup', () => {
    const huge = `${'Fine. '.repeat(200_000)}`;
    expect(boundAnswer(huge).length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
    expect(makeSpeakable(huge, 600).length).toBeLessThanOrEqual(600);
    expect(toChatText(huge).length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
  });
});

describe('output hygiene', () => {
  test('control characters and terminal escapes are never spoken', () => {
    const spoken = makeSpeakable(
      'Ring\u0007 the bell.\u0000 It is \u001b[31mred\u001b[0m today.\u009b Done\u007f.',
      600,
    );
    expect(spoken).toBe('Ring the bell. It is red today. Done.');
    expect(spoken).not.toMatch(UNSPEAKABLE);
    expect(toChatText('Chat\u0000 text\u001b[1m here')).toBe('Chat text here');
  });

  test('a lone surrogate is dropped, and a long astral-plane word is never cut inside a surrogate pair', () => {
    expect(makeSpeakable('A broken \uD83D emoji and \uDE00 half.', 600)).toBe('A broken emoji and half.');
    // Mathematical bold letters: one long "word" of surrogate pairs, cut at an odd limit.
    const bold = '\u{1D400}'.repeat(2_000);
    for (const limit of [599, 600, 601]) {
      const spoken = makeSpeakable(bold, limit);
      expect(spoken.length).toBeLessThanOrEqual(limit);
      expect(spoken).not.toMatch(UNSPEAKABLE);
      expect(spoken.endsWith('.')).toBe(true);
    }
  });

  test('a cut never splits a grapheme: accents stay with their letter, emoji sequences stay whole', () => {
    expect(cutAtGrapheme('cafe\u0301s', 4)).toBe('caf');
    expect(cutAtGrapheme('ok 👨‍👩‍👧 family', 6)).toBe('ok ');
    expect(cutAtGrapheme('🇩🇪🇫🇷🇮🇹', 6)).toBe('🇩🇪');
    expect(cutAtSentence(`${'e\u0301'.repeat(700)}`, 600).replace(/\.$/, '')).toMatch(/^(?:e\u0301)+$/);
  });

  test('SSML and XML the model writes are removed, not read out; a lone <word> stays a word', () => {
    expect(makeSpeakable('<speak>Hello <break time="10s"/>there.</speak>', 600)).toBe('Hello there.');
    expect(
      makeSpeakable(
        '<amazon:effect name="whispered">Quiet</amazon:effect> <prosody rate="x-slow">please</prosody>',
        600,
      ),
    ).toBe('Quiet please.');
    expect(makeSpeakable('Call <say-as interpret-as="telephone">555 0100</say-as> now.', 600)).toBe(
      'Call 555 0100 now.',
    );
    expect(makeSpeakable('A <custom attr="1">tagged</custom> word and <foo/> too.', 600)).toBe(
      'A tagged word and too.',
    );
    expect(makeSpeakable('Q&A <works> best', 600)).toBe('Q and A works best.');
    expect(toChatText('<speak>Hi <break time="2s"/>there</speak>')).toBe('Hi there');
  });
});
