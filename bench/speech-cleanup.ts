/**
 * Speech cleanup of a hostile model answer: a server may ignore max_tokens and send a megabyte of runs that make
 * a backtracking pattern quadratic (`[`, `![`, ` *a`: a 100 KB answer of `![` once took 10 s and missed the turn
 * deadline), control characters, or tags. What a turn does with the answer, timed alone: makeSpeakable for a
 * voice call (lambda/src/speakable.ts) and the chat's cleanup (toChatText, lambda/src/channel.ts), each on a 1 MB
 * answer of every pattern. No I/O: the figure is CPU, and a whole turn must not spend a noticeable part of its
 * budget here.
 */
import { toChatText } from '../lambda/src/channel';
import { DEFAULT_MAX_SPOKEN_CHARS } from '../lambda/src/settings';
import { makeSpeakable } from '../lambda/src/speakable';
import { atMost, type Figure, type MeasurementResult, spreadOf } from './figures';

/** The cleanup of a 1 MB answer finishes within this long, in its worst run. */
export const SPEECH_CLEANUP_TARGET_MS = 50;

const ANSWER_CHARS = 1_000_000;

/** Repeated to a megabyte each; the last one mixes them all. */
const PATTERNS: readonly { readonly name: string; readonly unit: string }[] = [
  { name: 'runs of [', unit: '[' },
  { name: 'runs of ![', unit: '![' },
  { name: 'runs of " *a"', unit: ' *a' },
  { name: 'control characters', unit: 'a\u0000b\u0007c\u001b[31m\u009b\u007f ' },
  { name: 'tags', unit: '<speak><break time="10s"/>Hi</speak> <a x=' },
  { name: 'astral characters', unit: '\u{1F600}\u{1F1FA}\u{1F1F8}𝒜' },
  { name: 'all of them', unit: '![[ *a\u0000\u001b[31m<break time="10s"/>\u{1F600}**a ~~a | _&[a](' },
];

function answerOf(unit: string): string {
  return unit.repeat(Math.ceil(ANSWER_CHARS / unit.length)).slice(0, ANSWER_CHARS);
}

export function measureSpeechCleanup(options: { repetitions: number }): MeasurementResult {
  const cleanups = [
    { channel: 'voice', clean: (answer: string) => makeSpeakable(answer, DEFAULT_MAX_SPOKEN_CHARS) },
    { channel: 'chat', clean: toChatText },
  ];
  const figures: Figure[] = [];
  for (const { channel, clean } of cleanups) {
    for (const pattern of PATTERNS) {
      const answer = answerOf(pattern.unit);
      clean(answer); // the first run compiles the patterns
      const times: number[] = [];
      for (let run = 0; run < options.repetitions; run++) {
        const started = performance.now();
        clean(answer);
        times.push(performance.now() - started);
      }
      const spread = spreadOf(times);
      figures.push({
        group: 'speech cleanup',
        name: `1 MB of ${pattern.name}, ${channel}`,
        unit: 'ms',
        spread,
        target: atMost(spread, SPEECH_CLEANUP_TARGET_MS, 'max'),
      });
    }
  }
  return {
    figures,
    method:
      `makeSpeakable (voice, ${DEFAULT_MAX_SPOKEN_CHARS} spoken characters) and toChatText (chat) on answers of ` +
      `${ANSWER_CHARS.toLocaleString('en')} characters of each pattern, ${options.repetitions} timed runs after one ` +
      'untimed; the target holds for the worst run.',
  };
}
