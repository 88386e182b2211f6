/**
 * Holds a local call in a test: the repo's inbound flow (or another), a scripted caller and a function, with
 * every event collected and the transcript as the terminal would print it.
 */
import type { LexV2Event, LexV2Result } from 'aws-lambda';
import { type BotDefinition, botDefinition, SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import { type FlowContent, INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import type { CallEnd, CallEvent } from '../../local/call-events';
import { scriptedCaller } from '../../local/caller';
import type { LocalContactCenter } from '../../local/flow-actions';
import { runFlow } from '../../local/flow-engine';
import type { ContactChannel } from '../../local/flow-references';
import type { FulfillmentFunction } from '../../local/fulfillment-function';
import { LexBotEmulator } from '../../local/lex-emulator';
import { resolveLocalFlow } from '../../local/local-resources';
import { formatEvent } from '../../local/terminal';

export interface TestCall {
  readonly end: CallEnd;
  readonly events: CallEvent[];
  /** The printed lines, without latencies (they vary). */
  readonly transcript: string[];
  readonly lexEvents: LexV2Event[];
}

export interface TestCallOptions {
  readonly lines: readonly string[];
  readonly fulfill: FulfillmentFunction;
  readonly flow?: FlowContent;
  readonly contactId?: string;
  readonly contactCenter?: LocalContactCenter;
  readonly definition?: BotDefinition;
  readonly functionTimeoutMs?: number;
  readonly localeOverride?: string;
  /** A phone call unless said otherwise. */
  readonly channel?: ContactChannel;
}

export function inboundFlow(): FlowContent {
  return resolveLocalFlow(readFlowFile(INBOUND_FLOW_FILE));
}

export async function holdTestCall(options: TestCallOptions): Promise<TestCall> {
  const events: CallEvent[] = [];
  const listener = (event: CallEvent) => events.push(event);
  const bot = new LexBotEmulator({
    fulfill: options.fulfill,
    caller: scriptedCaller(options.lines),
    listener,
    definition: options.definition,
    functionTimeoutMs: options.functionTimeoutMs,
  });
  const end = await runFlow(options.flow ?? inboundFlow(), {
    contactId: options.contactId ?? 'contact-under-test',
    bot,
    listener,
    contactCenter: options.contactCenter,
    localeOverride: options.localeOverride,
    channel: options.channel,
  });
  return { end, events, transcript: transcriptOf(events), lexEvents: lexEventsOf(events) };
}

export function transcriptOf(events: readonly CallEvent[]): string[] {
  return events
    .map((event) => formatEvent(event, { echoCaller: true, showEvents: false }))
    .filter((line): line is string => line !== undefined)
    .map((line) => line.replace(/ {2}\(\d+ ms\)$/, ''));
}

function lexEventsOf(events: readonly CallEvent[]): LexV2Event[] {
  return events.flatMap((event) => (event.kind === 'lex-event' ? [event.event] : []));
}

/** A Lex V2 answer, as the function builds one. */
export function answer(
  event: LexV2Event,
  type: 'ElicitIntent' | 'Close',
  content: string | undefined,
  sessionAttributes: Record<string, string> = event.sessionState.sessionAttributes ?? {},
): LexV2Result {
  return {
    sessionState: {
      sessionAttributes,
      dialogAction: { type },
      intent: { name: event.sessionState.intent.name, state: type === 'Close' ? 'Fulfilled' : 'InProgress' },
    },
    messages: content === undefined ? undefined : [{ contentType: 'PlainText', content }],
  };
}

/** A test double with the function's contract: echo questions, count silent turns, close after too many. */
export const echoingFunction: FulfillmentFunction = async (event) => {
  const attributes = { ...(event.sessionState.sessionAttributes ?? {}) };
  if (event.inputTranscript === '') {
    const silentTurns = Number(attributes[SESSION_ATTRIBUTES.silentTurns] ?? '0') + 1;
    if (silentTurns >= botDefinition.maxSilentTurns) {
      return answer(event, 'Close', botDefinition.messages.silentGoodbye, {
        ...attributes,
        [SESSION_ATTRIBUTES.silentTurns]: String(silentTurns),
        [SESSION_ATTRIBUTES.nextAction]: 'hangup',
      });
    }
    return answer(event, 'ElicitIntent', botDefinition.messages.reprompt, {
      ...attributes,
      [SESSION_ATTRIBUTES.silentTurns]: String(silentTurns),
    });
  }
  return answer(event, 'ElicitIntent', `You asked: ${event.inputTranscript}`, { ...attributes, [SESSION_ATTRIBUTES.silentTurns]: '0' });
};
