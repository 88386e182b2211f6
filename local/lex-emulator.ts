/**
 * A stand-in for the Lex V2 bot during one Amazon Connect voice call: it holds the Lex session, routes each
 * caller line to an intent, calls the fulfillment function as Lex does (with fulfillment updates while it
 * waits and a deadline), speaks what it answers, and tells the flow how the conversation with the bot ended.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { LexV2Event } from 'aws-lambda';
import { type BotDefinition, botLocales } from '../lib/definition/bot';
import type { CallListener } from './call-events';
import type { Caller } from './caller';
import { createLambdaContext, DEFAULT_FUNCTION_TIMEOUT_MS, type FulfillmentFunction } from './fulfillment-function';
import { routeUtterance } from './intent-router';
import { buildFulfillmentEvent, type FulfillmentAnswer, readFulfillmentResult } from './lex-events';
import { LOCAL_BOT } from './local-resources';

export interface LexEmulatorOptions {
  readonly fulfill: FulfillmentFunction;
  readonly caller: Caller;
  readonly listener: CallListener;
  /**
   * The bot's intents, fillers and timeouts of one locale, in place of the shared definition's (a test shortens
   * them this way); the other locales stay as defined.
   */
  readonly definition?: BotDefinition;
  /** The function's own Lambda timeout. */
  readonly functionTimeoutMs?: number;
}

/** One hand-over from the flow's Lex block. */
export interface HandOver {
  /** Connect uses the contact id as the Lex session id. */
  readonly sessionId: string;
  /** Speech on a phone call, Text on a chat. */
  readonly inputMode: 'Speech' | 'Text';
  /** The Lex locale Connect picked from the contact's language. */
  readonly localeId: string;
  /** The Lex block's `LexSessionAttributes`, references resolved; they replace the session's attributes. */
  readonly sessionAttributes: Readonly<Record<string, string>>;
}

/** How the conversation with the bot ended, which is what the flow branches on. */
export type HandOverOutcome =
  | {
      readonly kind: 'closed';
      readonly intentName: string;
      readonly sessionAttributes: Readonly<Record<string, string>>;
    }
  /** The bot could not go on (the function failed, timed out or answered something Lex refuses). */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'caller-hung-up' };

type TurnOutcome =
  | { readonly kind: 'answered'; readonly answer: FulfillmentAnswer }
  | { readonly kind: 'failed'; readonly reason: string };

export class LexBotEmulator {
  /** Every locale the bot has, as the deployed bot has them (lib/definition/bot.ts). */
  private readonly locales: readonly BotDefinition[];
  /** The locale of the current hand-over: Connect picks it from the contact's language. */
  private definition: BotDefinition;
  private readonly functionTimeoutMs: number;
  private sessionAttributes: Record<string, string> = {};
  /** Turns fulfilled so far; picks the filler variation, as Lex rotates through them. */
  private fulfilledTurns = 0;

  constructor(private readonly options: LexEmulatorOptions) {
    const override = options.definition;
    this.locales = botLocales.map((locale) => (override && locale.localeId === override.localeId ? override : locale));
    this.definition = this.locales[0];
    this.functionTimeoutMs = options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  }

  /** Holds the conversation until the bot closes, fails, or the caller hangs up. */
  async converse(handOver: HandOver): Promise<HandOverOutcome> {
    const locale = this.locales.find((candidate) => candidate.localeId === handOver.localeId);
    if (!locale) {
      const known = this.locales.map((candidate) => candidate.localeId).join(', ');
      return { kind: 'failed', reason: `the bot has no locale ${handOver.localeId} (it has ${known})` };
    }
    // Intents, utterances and fillers are the locale's: a Spanish caller's "adiós" is the goodbye intent.
    this.definition = locale;
    this.sessionAttributes = { ...handOver.sessionAttributes };
    const bot = { ...LOCAL_BOT, localeId: handOver.localeId };

    for (;;) {
      const line = await this.options.caller.nextLine();
      if (line === undefined) return { kind: 'caller-hung-up' };
      const transcript = line.trim();
      this.options.listener({ kind: 'caller', text: transcript });

      const { intent, matched } = routeUtterance(transcript, this.definition);
      if (!intent.fulfillmentCodeHook) {
        // Nothing to fulfill: Lex closes the intent and hands the caller back to the flow.
        return { kind: 'closed', intentName: intent.name, sessionAttributes: { ...this.sessionAttributes } };
      }

      const event = buildFulfillmentEvent({
        bot,
        sessionId: handOver.sessionId,
        inputMode: handOver.inputMode,
        transcript,
        intent,
        matched,
        sessionAttributes: this.sessionAttributes,
        requestId: randomUUID(),
      });
      const turn = await this.fulfill(event, intent.name);
      if (turn.kind === 'failed') return turn;

      const { answer } = turn;
      if (answer.sessionAttributes) this.sessionAttributes = answer.sessionAttributes;
      if (answer.kind === 'close') {
        return { kind: 'closed', intentName: answer.intentName, sessionAttributes: { ...this.sessionAttributes } };
      }
    }
  }

  /** One call of the function, with Lex's fillers while it works and Lex's deadline. */
  private async fulfill(event: LexV2Event, intentName: string): Promise<TurnOutcome> {
    const { listener } = this.options;
    listener({ kind: 'lex-event', event });
    const stopFillers = this.startFillers();
    const deadline = this.deadline();
    const started = performance.now();
    let result: unknown;
    try {
      result = await raceDeadline(
        Promise.resolve().then(() => this.options.fulfill(event, createLambdaContext(this.functionTimeoutMs))),
        deadline,
      );
    } catch (error) {
      if (!(error instanceof DeadlineExceeded))
        return { kind: 'failed', reason: `the function failed: ${describeError(error)}` };
      // The bot's post-fulfillment timeout response: Lex says it when it stops waiting (not when Lambda fails).
      if (deadline.spokenOnTimeout) {
        listener({ kind: 'bot', text: deadline.spokenOnTimeout, latencyMs: Math.round(performance.now() - started) });
      }
      return { kind: 'failed', reason: error.message };
    } finally {
      stopFillers();
    }
    const latencyMs = Math.round(performance.now() - started);
    listener({ kind: 'lex-result', result });

    let answer: FulfillmentAnswer;
    try {
      answer = readFulfillmentResult(result, intentName);
    } catch (error) {
      return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
    this.fulfilledTurns += 1;
    if (answer.messages.length > 0) listener({ kind: 'bot', text: answer.messages.join(' '), latencyMs });
    return { kind: 'answered', answer };
  }

  /** Lex's fulfillment updates: a start message after the delay, then an update every so often. */
  private startFillers(): () => void {
    const updates = this.definition.fulfillmentUpdates;
    const say = (messages: readonly string[], index: number) => {
      if (messages.length > 0) this.options.listener({ kind: 'filler', text: messages[index % messages.length] });
    };
    let updatesSpoken = 0;
    let every: NodeJS.Timeout | undefined;
    const start = setTimeout(() => {
      say(updates.startMessages, this.fulfilledTurns);
      every = setInterval(() => say(updates.updateMessages, updatesSpoken++), updates.updateFrequencySeconds * 1000);
    }, updates.startDelaySeconds * 1000);
    return () => {
      clearTimeout(start);
      clearInterval(every);
    };
  }

  /** Whichever gives up first: Lambda (the function's timeout) or Lex (the fulfillment timeout). */
  private deadline(): { readonly ms: number; readonly reason: string; readonly spokenOnTimeout?: string } {
    const { timeoutSeconds, timeoutMessage } = this.definition.fulfillmentUpdates;
    const lexMs = timeoutSeconds * 1000;
    return this.functionTimeoutMs < lexMs
      ? {
          ms: this.functionTimeoutMs,
          reason: `the function timed out after ${this.functionTimeoutMs} ms (its Lambda timeout)`,
        }
      : {
          ms: lexMs,
          reason: `Lex stopped waiting for the function after ${lexMs} ms (the fulfillment timeout)`,
          spokenOnTimeout: timeoutMessage,
        };
  }
}

class DeadlineExceeded extends Error {}

/** The promise's value, unless the deadline passes first. The function may still finish; its answer is dropped. */
async function raceDeadline<T>(work: Promise<T>, deadline: { ms: number; reason: string }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(deadline.reason)), deadline.ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
