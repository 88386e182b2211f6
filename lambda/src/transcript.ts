/**
 * A call's transcript: who said what and when, how each turn was answered (intent, tools), and how the call
 * ended. Built from the call item (its messages and turn records) and what is known about the end of the call:
 * Connect's DISCONNECTED contact event when deployed, the flow's end in the local call. The archiver writes it
 * to S3, the local call to `.chalkbot/transcripts/`, and `npm run calls` reads it back.
 */
import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { CALL_ENDINGS } from '../../lib/definition/transcripts';
import type { StoredCall } from './call-memory';
import type { TurnNext, TurnRecord, TurnRoute } from './turn-record';

/** How the call ended, as the people who run the line ask it. */
export type CallEnding = (typeof CALL_ENDINGS)[number];

export interface TranscriptTool {
  readonly name: string;
  readonly args?: unknown;
  /** What the tool returned to the model. */
  readonly result?: string;
}

export interface TranscriptTurn {
  /** When the caller's words reached the bot (ISO 8601); unknown for messages stored without a turn record. */
  readonly at?: string;
  /** What the caller said; absent on silence. */
  readonly caller?: string;
  /** What the bot said; absent when it said nothing (a transfer). */
  readonly bot?: string;
  /** When the answer was ready (ISO 8601). */
  readonly answeredAt?: string;
  readonly latencyMs?: number;
  /** The Lex intent. */
  readonly intent?: string;
  /** How the turn was answered (the model, the knowledge file, a fallback, ...). */
  readonly route?: TurnRoute;
  readonly tools: TranscriptTool[];
  /** What the bot did next: keep listening, hang up, or hand over to a person. */
  readonly next?: TurnNext;
}

export interface Transcript {
  readonly version: 1;
  readonly contactId: string;
  readonly channel?: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly ending: CallEnding;
  /** Connect's reason, when it gave one (CUSTOMER_DISCONNECT, CONTACT_FLOW_DISCONNECT, ...). */
  readonly disconnectReason?: string;
  /** Digit runs (card, phone, order numbers) were masked. */
  readonly redacted: boolean;
  /** False when the call item was gone or empty: the call left no turns with the bot. */
  readonly memoryFound: boolean;
  readonly turns: TranscriptTurn[];
}

/** What is known about the end of the call besides its item. */
export interface CallEndFacts {
  readonly contactId: string;
  readonly endedAt: Date;
  readonly startedAt?: Date;
  readonly channel?: string;
  /** The contact went to a queue (Connect's queueInfo, or the local flow's transfer). */
  readonly queued: boolean;
  readonly disconnectReason?: string;
}

/** Connect's disconnect reasons that mean the line itself failed. */
const ERROR_DISCONNECT_REASONS = new Set(['TELECOM_PROBLEM']);

/** Runs of four or more digits, with the spaces, dots, dashes and brackets people put in card and phone numbers. */
const DIGIT_RUN = /\d(?:[\s.\-/()]{0,2}\d){3,}/g;

/** Masks digit runs: "card 4111 1111 1111 1111" becomes "card **** **** **** ****". */
export function maskDigits(text: string): string {
  return text.replace(DIGIT_RUN, (run) => run.replace(/\d/g, '*'));
}

export function buildTranscript(
  call: StoredCall | undefined,
  end: CallEndFacts,
  options: { redact: boolean },
): Transcript {
  const turns = call ? alignTurns(call) : [];
  const shown = options.redact ? turns.map(redactTurn) : turns;
  const firstTime = turns.find((turn) => turn.at !== undefined)?.at;
  const startedAt = end.startedAt ?? (firstTime ? new Date(firstTime) : end.endedAt);
  return {
    version: 1,
    contactId: end.contactId,
    ...(end.channel ? { channel: end.channel } : {}),
    startedAt: startedAt.toISOString(),
    endedAt: end.endedAt.toISOString(),
    durationSeconds: Math.max(0, Math.round((end.endedAt.getTime() - startedAt.getTime()) / 1000)),
    ending: classifyEnding(call?.turns.at(-1), end),
    ...(end.disconnectReason ? { disconnectReason: end.disconnectReason } : {}),
    redacted: options.redact,
    memoryFound: call !== undefined && (call.turns.length > 0 || call.messages.length > 0),
    turns: shown,
  };
}

/**
 * Hang-up unless something says otherwise: a hand-over to a person (the bot's or the flow's) is a transfer,
 * unless failed turns caused it; the silent goodbye is silence; a failed last turn or a broken line is an error.
 */
export function classifyEnding(last: TurnRecord | undefined, end: CallEndFacts): CallEnding {
  if (last?.route === 'failed') return 'error';
  if (end.disconnectReason !== undefined && ERROR_DISCONNECT_REASONS.has(end.disconnectReason)) return 'error';
  if (end.queued || last?.next === 'agent') return 'transfer';
  if (last?.route === 'silence' && last.next === 'hangup') return 'silence';
  return 'hang-up';
}

/**
 * Lines the turn records up with the messages: each record says how many messages its turn added, and the item
 * keeps the newest messages, so the records are matched from the end. Turns whose messages were trimmed away
 * keep their timing without words; messages stored before turn records existed become turns without timing.
 */
function alignTurns(call: StoredCall): TranscriptTurn[] {
  const turns: TranscriptTurn[] = [];
  let end = call.messages.length;
  for (const record of [...call.turns].reverse()) {
    const start = Math.max(0, end - record.messages);
    turns.push(turnFrom(record, call.messages.slice(start, end)));
    end = start;
  }
  turns.reverse();
  // Messages no record accounts for: pair them up in order, question and answer.
  const untimed = call.messages.slice(0, end);
  const older: TranscriptTurn[] = [];
  let current: BaseMessage[] = [];
  for (const message of untimed) {
    if (message.getType() === 'human' && current.length > 0) {
      older.push(turnFrom(undefined, current));
      current = [];
    }
    current.push(message);
  }
  if (current.length > 0) older.push(turnFrom(undefined, current));
  return [...older, ...turns];
}

function turnFrom(record: TurnRecord | undefined, messages: BaseMessage[]): TranscriptTurn {
  const said = (type: string) =>
    messages
      .filter(
        (message) =>
          message.getType() === type && !(message instanceof AIMessage && (message.tool_calls?.length ?? 0) > 0),
      )
      .map((message) => message.text.trim())
      .filter((text) => text !== '')
      .join(' ');
  const caller = said('human') || record?.said || '';
  const bot = said('ai') || record?.answer || '';
  return {
    ...(record ? { at: new Date(record.at).toISOString() } : {}),
    ...(caller ? { caller } : {}),
    ...(bot ? { bot } : {}),
    ...(record
      ? {
          answeredAt: new Date(record.at + record.latencyMs).toISOString(),
          latencyMs: record.latencyMs,
          intent: record.intent,
          route: record.route,
          next: record.next,
        }
      : {}),
    tools: toolsIn(messages),
  };
}

/** The tools the model called in these messages, with what each returned. */
function toolsIn(messages: BaseMessage[]): TranscriptTool[] {
  const results = new Map<string, string>();
  for (const message of messages) {
    if (message instanceof ToolMessage) results.set(message.tool_call_id, message.text);
  }
  const tools: TranscriptTool[] = [];
  for (const message of messages) {
    if (!(message instanceof AIMessage)) continue;
    for (const call of message.tool_calls ?? []) {
      const result = call.id === undefined ? undefined : results.get(call.id);
      tools.push({ name: call.name, args: call.args, ...(result === undefined ? {} : { result }) });
    }
  }
  return tools;
}

function redactTurn(turn: TranscriptTurn): TranscriptTurn {
  return {
    ...turn,
    ...(turn.caller === undefined ? {} : { caller: maskDigits(turn.caller) }),
    ...(turn.bot === undefined ? {} : { bot: maskDigits(turn.bot) }),
    tools: turn.tools.map((tool) => ({
      name: tool.name,
      ...(tool.args === undefined ? {} : { args: maskValue(tool.args) }),
      ...(tool.result === undefined ? {} : { result: maskDigits(tool.result) }),
    })),
  };
}

/** Masks digit runs in every string and number of a tool's arguments (an order number may be either). */
function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskDigits(value);
  if (typeof value === 'number') return maskDigits(String(value));
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskValue(inner)]));
  }
  return value;
}
