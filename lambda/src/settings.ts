/**
 * The function's settings, read from the environment once and checked, so a bad value is one clear error at the
 * first turn instead of a strange failure in the middle of a call.
 */
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';
import { FUNCTION_ENV, LEX_MAX_MESSAGE_CHARS } from '../../lib/definition/function-settings';
import { ORDER_ID_PLACEHOLDER } from '../../lib/definition/orders';
import { type ModelSettings, readModelSettings } from './model-settings';

export type { ModelSettings } from './model-settings';

/** Where look_up_order reads orders; absent when neither a table nor an API is configured (no order tool). */
export type OrderSettings =
  | { readonly kind: 'table'; readonly tableName: string }
  | {
      readonly kind: 'api';
      readonly urlTemplate: string;
      /** The bearer token itself: local use only. */
      readonly token?: string;
      /** Deployed: a Secrets Manager secret holding the token. */
      readonly tokenSecretArn?: string;
    };

export interface Settings {
  readonly callMemoryTable: string;
  /** How long a call's memory is kept after its last turn. */
  readonly memoryExpirySeconds: number;
  /** Each DynamoDB request gives up after this long, so a broken table never costs the caller the answer. */
  readonly memoryTimeoutMs: number;
  /** Messages kept per call, oldest dropped first, so a long call never reaches DynamoDB's 400 KB item limit. */
  readonly maxStoredMessages: number;
  /** Which model answers (and which when it fails); absent when none is configured. */
  readonly model?: ModelSettings;
  /** The longest a turn may take, end to end. */
  readonly turnDeadlineMs: number;
  /** Kept free before Lambda's own timeout, to return the answer and flush logs. */
  readonly lambdaSafetyMarginMs: number;
  /** Spoken answers are cut at a sentence boundary within this many characters (Lex accepts 1024). */
  readonly maxSpokenChars: number;
  readonly orders?: OrderSettings;
  /** One tool call (an order lookup) gives up after this long; the caller hears that it could not be done. */
  readonly toolTimeoutMs: number;
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid function settings: ${problems.join('; ')}`);
    this.name = 'SettingsError';
  }
}

/**
 * Phone-sized defaults. Every second of a turn is silence on the line: a failing model is given up after
 * MODEL_TIMEOUT_MS (the apology follows at once), a turn never takes longer than TURN_DEADLINE_MS, and an answer
 * is at most about forty seconds of speech (600 characters at ~15 characters a second).
 */
export const DEFAULT_TURN_DEADLINE_MS = 8_000;
export const DEFAULT_MAX_SPOKEN_CHARS = 600;

/** An order lookup is one read; if it takes longer than this, the order system is in trouble. */
export const DEFAULT_TOOL_TIMEOUT_MS = 2_000;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The business's API, when ORDER_LOOKUP_URL is set (it must be HTTPS, except on loopback for a local server, and
 * name `{orderId}`); else the stack's table, when ORDERS_TABLE is set.
 */
function readOrderSettings(text: (name: string) => string | undefined, problems: string[]): OrderSettings | undefined {
  const urlTemplate = text(FUNCTION_ENV.orderLookupUrl);
  if (urlTemplate !== undefined) {
    const secure =
      /^https:\/\/[^\s]+$/.test(urlTemplate) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/[^\s]*$/.test(urlTemplate);
    if (!secure) problems.push(`${FUNCTION_ENV.orderLookupUrl} must be an https URL, got "${urlTemplate}"`);
    if (!urlTemplate.includes(ORDER_ID_PLACEHOLDER)) {
      problems.push(`${FUNCTION_ENV.orderLookupUrl} must contain ${ORDER_ID_PLACEHOLDER} where the order id goes`);
    }
    const tokenSecretArn = text(FUNCTION_ENV.orderLookupTokenSecretArn);
    if (tokenSecretArn !== undefined && !tokenSecretArn.startsWith('arn:')) {
      problems.push(`${FUNCTION_ENV.orderLookupTokenSecretArn} must be a Secrets Manager ARN, got "${tokenSecretArn}"`);
    }
    return { kind: 'api', urlTemplate, token: text(FUNCTION_ENV.orderLookupToken), tokenSecretArn };
  }
  const tableName = text(FUNCTION_ENV.ordersTable);
  return tableName === undefined ? undefined : { kind: 'table', tableName };
}

/** Reads and checks every setting; throws one SettingsError naming every bad value. */
export function readSettings(env: Env): Settings {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const callMemoryTable = text(FUNCTION_ENV.callMemoryTable);
  if (!callMemoryTable)
    problems.push(`${FUNCTION_ENV.callMemoryTable} is required (the call-memory DynamoDB table name)`);

  const orders = readOrderSettings(text, problems);

  const model = readModelSettings(env, { text, integer, problem: (message) => problems.push(message) });

  const settings: Settings = {
    callMemoryTable: callMemoryTable ?? '',
    memoryExpirySeconds: integer(
      FUNCTION_ENV.callMemoryExpirySeconds,
      CALL_MEMORY_TABLE.defaultExpirySeconds,
      60,
      366 * 24 * 3600,
    ),
    memoryTimeoutMs: integer(FUNCTION_ENV.memoryTimeoutMs, 1_500, 50, 30_000),
    // Lex sends at most 1024 characters and speaks at most 1024: 300 messages of that size still fit in 400 KB.
    maxStoredMessages: integer(FUNCTION_ENV.maxStoredMessages, 200, 2, 300),
    model,
    turnDeadlineMs: integer(FUNCTION_ENV.turnDeadlineMs, DEFAULT_TURN_DEADLINE_MS, 500, 900_000),
    lambdaSafetyMarginMs: integer(FUNCTION_ENV.lambdaSafetyMarginMs, 750, 0, 60_000),
    maxSpokenChars: integer(FUNCTION_ENV.maxSpokenChars, DEFAULT_MAX_SPOKEN_CHARS, 40, LEX_MAX_MESSAGE_CHARS),
    orders,
    toolTimeoutMs: integer(FUNCTION_ENV.toolTimeoutMs, DEFAULT_TOOL_TIMEOUT_MS, 50, 30_000),
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
