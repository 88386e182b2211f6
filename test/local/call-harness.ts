/**
 * Holds a local call in a test: the repo's inbound flow (or another), a scripted caller and a function, with
 * every event collected and the transcript as the terminal would print it.
 */
import type { LexV2Event, LexV2Result } from 'aws-lambda';
import { type BotDefinition, botDefinition, SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import { type FlowContent, INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import type { CallEnd, CallEvent } from '../../local/call-events';
import { type CallOptions, DEFAULT_ORDERS_FILE } from '../../local/call-options';
import { scriptedCaller, withKeypad } from '../../local/caller';
import { DEFAULT_CONTACT_CENTER, type LocalContactCenter } from '../../local/flow-actions';
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
  /** The number's default language (the flow's DEFAULT_LOCALE); en_US unless said otherwise. */
  readonly defaultLocale?: string;
}

export function inboundFlow(defaultLocale?: string): FlowContent {
  return resolveLocalFlow(readFlowFile(INBOUND_FLOW_FILE), undefined, defaultLocale);
}

/**
 * What the inbound flow says in the action with this Identifier, as printed: its text, or the line it names by
 * attribute (`$.Attributes.lineGoodbye`) as the flow's branch for `localeId` sets it.
 */
export function flowLine(identifier: string, localeId = 'en_US'): string {
  const actions = inboundFlow().Actions;
  const text = actions.find((candidate) => candidate.Identifier === identifier)?.Parameters.Text;
  if (typeof text !== 'string') throw new Error(`The inbound flow has no spoken action ${identifier}`);
  const attribute = /^\$\.Attributes\.(\w+)$/.exec(text)?.[1];
  if (attribute === undefined) return `[flow] ${text}`;
  const branch = actions.find((candidate) => candidate.Identifier === `use-${localeId}`);
  return `[flow] ${(branch?.Parameters.Attributes as Record<string, string> | undefined)?.[attribute]}`;
}

/** What a phone caller hears before the bot listens: the greeting, the language menu, the bot's prompt. */
export function phoneGreeting(localeId = 'en_US'): string[] {
  return [flowLine('greet'), flowLine('language-menu'), flowLine('talk-to-bot', localeId)];
}

export async function holdTestCall(options: TestCallOptions): Promise<TestCall> {
  const events: CallEvent[] = [];
  const listener = (event: CallEvent) => events.push(event);
  // A line `#2` is a key pressed at the flow's language menu; every other line is speech for the bot.
  const caller = withKeypad(scriptedCaller(options.lines));
  const bot = new LexBotEmulator({
    fulfill: options.fulfill,
    caller,
    listener,
    definition: options.definition,
    functionTimeoutMs: options.functionTimeoutMs,
  });
  const end = await runFlow(options.flow ?? inboundFlow(options.defaultLocale), {
    contactId: options.contactId ?? 'contact-under-test',
    bot,
    listener,
    keypad: caller,
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
  return answer(event, 'ElicitIntent', `You asked: ${event.inputTranscript}`, {
    ...attributes,
    [SESSION_ATTRIBUTES.silentTurns]: '0',
  });
};

/**
 * Options for a call through `npm start`'s code in a test: the repo's inbound flow and sample orders, memory kept in
 * memory, no knowledge folder unless given, events not shown.
 */
export function cliCallOptions(overrides: Partial<CallOptions> = {}): CallOptions {
  return {
    showEvents: false,
    flowFile: INBOUND_FLOW_FILE,
    dataDir: undefined,
    contactCenter: DEFAULT_CONTACT_CENTER,
    ordersFile: DEFAULT_ORDERS_FILE,
    ...overrides,
  };
}
