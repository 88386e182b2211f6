/**
 * The deployed bot alias standing where the Lex emulator stands in a local call: the flow still runs on this
 * machine, but each caller line goes to the live bot through Lex's RecognizeText (tools/deployed-bot.ts), so
 * the deployed intents, function, model and call memory answer it.
 *
 * Text is not speech, so two things a phone caller meets cannot happen here: fulfillment updates ("one
 * moment") are spoken only on streaming conversations, and silence cannot be sent (RecognizeText needs at
 * least one character, and whether Lex takes a lone space as silence is not documented). A silent line is
 * left out with a notice; the bot keeps listening, as it does after a reprompt.
 */
import { performance } from 'node:perf_hooks';
import type { BotTurn, DeployedBot } from '../tools/deployed-bot';
import type { CallListener } from './call-events';
import type { Caller } from './caller';
import type { LexBot } from './flow-actions';
import type { HandOver, HandOverOutcome } from './lex-emulator';

export interface DeployedLexBotOptions {
  readonly bot: DeployedBot;
  readonly caller: Caller;
  readonly listener: CallListener;
}

export const SILENCE_NOT_SENT =
  'silence is not sent to the deployed bot (Lex RecognizeText needs text); it keeps listening';

/** What to check when Lex refuses a turn, by the error's name. */
const LEX_ERROR_HINTS: Readonly<Record<string, string>> = {
  DependencyFailedException: "the fulfillment function failed or timed out; see the function's CloudWatch logs",
  BadGatewayException:
    "the fulfillment function answered something Lex could not use; see the function's CloudWatch logs",
  ThrottlingException: 'Lex is throttling these requests; wait a moment and call again',
  AccessDeniedException: 'these credentials may not call lex:RecognizeText on this bot alias',
  UnrecognizedClientException: 'Lex does not recognise these AWS credentials',
  ExpiredTokenException: 'the AWS credentials have expired; log in again',
  CredentialsProviderError: 'no AWS credentials could be loaded; log in again',
  ResourceNotFoundException: 'the bot, alias or locale is not there; check --region and the deployment',
  ValidationException: 'Lex refused the request itself (session id, text or attributes)',
};

export class DeployedLexBot implements LexBot {
  constructor(private readonly options: DeployedLexBotOptions) {}

  /** Holds the conversation until the bot closes, Lex refuses a turn, or the caller hangs up. */
  async converse(handOver: HandOver): Promise<HandOverOutcome> {
    const { bot, caller, listener } = this.options;
    const { localeId } = bot.target;
    if (handOver.localeId !== localeId) {
      return { kind: 'failed', reason: `the deployed bot alias talks in ${localeId}, not ${handOver.localeId}` };
    }
    // The Lex block's attributes start the session, as Connect passes them; after that, whatever Lex returned.
    let sessionAttributes: Record<string, string> = { ...handOver.sessionAttributes };

    for (;;) {
      const line = await caller.nextLine();
      if (line === undefined) return { kind: 'caller-hung-up' };
      const text = line.trim();
      listener({ kind: 'caller', text });
      if (text === '') {
        listener({ kind: 'notice', text: SILENCE_NOT_SENT });
        continue;
      }

      const started = performance.now();
      let turn: BotTurn;
      try {
        turn = await bot.recognizeText(handOver.sessionId, text, sessionAttributes);
      } catch (error) {
        return { kind: 'failed', reason: describeLexError(error) };
      }
      const latencyMs = Math.round(performance.now() - started);
      sessionAttributes = { ...turn.sessionAttributes };
      // Lex speaks a closing message too (the silent goodbye) before it hands the caller back.
      if (turn.messages.length > 0) listener({ kind: 'bot', text: turn.messages.join(' '), latencyMs });
      if (turn.dialogActionType === 'Close') {
        // No intent name matches no condition, so the flow takes its NoMatchingCondition branch, as Connect would.
        return { kind: 'closed', intentName: turn.intentName ?? '', sessionAttributes };
      }
    }
  }
}

/** One line naming the error Lex (or the SDK) gave, and what to check. */
export function describeLexError(error: unknown): string {
  if (!(error instanceof Error)) return `Lex refused the turn: ${String(error)}`;
  const hint = LEX_ERROR_HINTS[error.name];
  const message = error.message.replace(/\s+/g, ' ').trim();
  return `Lex refused the turn: ${error.name}: ${message}${hint ? ` (${hint})` : ''}`;
}
