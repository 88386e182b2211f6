/**
 * Which channel a turn came in on, and the answer written for it. The same flow, bot and function serve the phone
 * and the web chat (both through Connect); only the last step differs. A voice needs plain spoken sentences, so
 * links, lists and emoji go (speakable.ts). A chat window shows text, so a link stays a link and a list stays a
 * list: rewriting them for the ear would make the answer worse to read.
 */
import { SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import { LEX_MAX_MESSAGE_CHARS } from '../../lib/definition/function-settings';
import {
  boundAnswer,
  cutAtSentence,
  makeSpeakable,
  MARKUP_TAG,
  type SpeakableLanguage,
  unwrapEmphasis,
} from './speakable';

export type Channel = 'voice' | 'chat';

/**
 * The channel of a turn. The Connect channel the flow passes (`$.Channel`: VOICE, CHAT) wins; without it (a Lex
 * client talking to the bot directly), Lex's `inputMode`: `Text` is typed, `Speech` and `DTMF` are a phone.
 */
export function channelOf(inputMode: unknown, sessionAttributes: Readonly<Record<string, string>>): Channel {
  const connectChannel = sessionAttributes[SESSION_ATTRIBUTES.channel]?.toUpperCase();
  if (connectChannel === 'CHAT') return 'chat';
  if (connectChannel === 'VOICE') return 'voice';
  return inputMode === 'Text' ? 'chat' : 'voice';
}

/**
 * The answer as this channel shows it: spoken within `maxSpokenChars`, or as chat text within Lex's message limit
 * (a reader skims; a listener has to sit through every word). May be empty when nothing in it can be shown.
 */
export function presentAnswer(
  text: string,
  channel: Channel,
  maxSpokenChars: number,
  language?: SpeakableLanguage,
): string {
  return channel === 'chat'
    ? cutAtSentence(toChatText(text), LEX_MAX_MESSAGE_CHARS, language?.languageCode)
    : makeSpeakable(text, maxSpokenChars, language);
}

// Linear on any input, as in speakable.ts: no `\s` across lines under `^`, link text that excludes `[` too.
const CODE_FENCE = /^[ \t]*(```|~~~).*$/gm;
/** A markdown link; its address may hold one level of parentheses. The page turns bare addresses into links. */
const LINK = /\[([^[\]]+)\]\(((?:[^()\s]|\([^()\s]*\))*)\)/g;
const IMAGE = /!\[([^[\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)\)/g;
const HTML_BREAK = /<(?:br\s*\/?|\/(?:p|div|li|h[1-6]|tr))>/gi;
const HTML_TAG = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi;
const HEADING = /^[ \t]{0,3}#{1,6}[ \t]+/gm;
const LIST_BULLET = /^([ \t]*)[-*+][ \t]+/gm;

/**
 * Markdown made readable as plain text (Lex sends chat messages as text/plain): a link becomes "text (address)",
 * bullets become •, emphasis marks and tags go; lines, numbers, addresses and emoji stay.
 */
export function toChatText(text: string): string {
  const withoutTags = boundAnswer(text)
    .replace(/\r\n?/g, '\n')
    .replace(CODE_FENCE, '')
    .replace(HTML_BREAK, '\n')
    .replace(MARKUP_TAG, '')
    .replace(HTML_TAG, '')
    .replace(IMAGE, (_match, alt: string, url: string) => (alt ? `${alt} (${url})` : url))
    .replace(LINK, (_match, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(HEADING, '');
  return (
    unwrapEmphasis(withoutTags, { singleAsterisk: false })
      .replace(LIST_BULLET, '$1• ')
      // Not /[ \t]+$/gm: that scans a run of spaces to its end from each of its positions.
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
