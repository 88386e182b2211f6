/**
 * The Lambda entry point around a turn: it reads the event, works out the turn's deadline from the time Lambda
 * has left, puts the call id on every log line, records the turn's metrics, and turns anything unexpected
 * into a spoken apology. It never throws: a throwing code hook makes Lex drop the caller's turn.
 *
 * Settings and clients are made once per handler (so once per Lambda process for `handler`), at the first
 * turn rather than at import, so a missing setting is a logged error and a hand-over to a person, not a crash.
 * The business's knowledge is the exception: its index and embedding model start loading when the handler is
 * made (for `handler`, in Lambda's init phase, which is not billed as turn time), in a promise that never rejects.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { FALLBACK_INTENT } from '../../lib/definition/bot';
import { newSecretsManagerClient } from './api-key';
import { DynamoDBCallHistory } from './call-memory';
import { keepFailedTurn } from './failed-turn-record';
import { countFailedTurn } from './failed-turns';
import { warmUpFetch } from './fetch-warm-up';
import { warmUpTable } from './table-warm-up';
import { rehearseTurn } from './turn-rehearsal';
import { collectYoungGeneration } from './young-generation';
import { openAiEmbeddingsOptions } from './knowledge/embeddings-key';
import { builtKnowledgeDir, type KnowledgeBase, loadBuiltKnowledge } from './knowledge/knowledge';
import { turnLocale } from './language';
import { close, elicitIntent, type LexV2Event, type LexV2Result, localeIdOf, parseLexEvent } from './lex';
import { createModelSource, type ModelSourceClients } from './model-source';
import { createObservability, METRIC, MetricUnit, type Observability } from './observability';
import { readSettings, type Settings, SettingsError } from './settings';
import { createToolbox } from './tools/toolset';
import { takeTurn, type TurnDependencies } from './turn';
import { countTurnOutcome } from './turn-outcome';

/** The part of the Lambda context a turn uses; the local call and the tests pass just this. */
export type TurnContext = Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>;

export type TurnHandler = (event: LexV2Event, context: TurnContext) => Promise<LexV2Result>;

/** A handler as createHandler makes it: with what it started when it was made. */
export type StartedHandler = TurnHandler & {
  /**
   * Settles (never rejects) when the work the handler started when it was made has ended: the knowledge's load
   * and, with `warmUp`, the key read, the warm-ups and the rehearsed turn. Lambda's entry (lambda/init.mjs) waits
   * for it, so that work is done in the init phase rather than in the first caller's turn.
   */
  readonly initialized: Promise<void>;
};

export interface HandlerOverrides {
  /** Laid over process.env when the settings are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clients to use instead of the ones built from the environment (tests count or fail requests this way). */
  readonly dynamoDBClient?: DynamoDBClient;
  readonly secretsManagerClient?: SecretsManagerClient;
  /** Credentials for Bedrock instead of the default chain (the local call's fake ones for a loopback server). */
  readonly bedrockCredentials?: ModelSourceClients['bedrockCredentials'];
  /** Logger and metrics to use instead of new ones. */
  readonly observability?: Observability;
  /**
   * Start now, rather than at the first turn, what the first caller would otherwise wait for: the settings, the
   * clients, the model's key secret and the model, and the compiling of the turn's code (a rehearsed turn). Lambda's
   * entry point sets it, so the work runs in the init phase; the local call and the tests, which set their
   * environment after importing, do not.
   */
  readonly warmUp?: boolean;
  /**
   * The business's knowledge, or its loading; default: the index `npm run build` wrote beside the bundle (or in
   * KNOWLEDGE_DIR), loading from the moment the handler is made.
   */
  readonly knowledge?: KnowledgeBase | Promise<KnowledgeBase>;
}

/** A key read started at init may take this long; the first turn still gets its own bounded wait. */
const WARM_UP_KEY_TIMEOUT_MS = 5_000;

/** Builds a turn handler configured from the environment (and optional overrides). */
export function createHandler(overrides: HandlerOverrides = {}): StartedHandler {
  // Read at the first turn, not here: the local call may set its environment after importing this module.
  const env = () => ({ ...process.env, ...overrides.env });
  let observability: Observability | undefined;
  let dependencies: Omit<TurnDependencies, 'knowledge'> | undefined;
  // One Secrets Manager client for the handler, made at the first secret read (a deployment with no secret never
  // loads its code): the embeddings key, the tools and the model share it.
  let secretsManager: SecretsManagerClient | Promise<SecretsManagerClient> | undefined = overrides.secretsManagerClient;
  const secrets = () => (secretsManager ??= newSecretsManagerClient());
  // An index built with OpenAI's embeddings embeds each question with the function's OpenAI key.
  const embeddingsKey = openAiEmbeddingsOptions(env(), secrets);
  const knowledge = Promise.resolve(overrides.knowledge ?? loadBuiltKnowledge(builtKnowledgeDir(env()), embeddingsKey));
  let knowledgeReported = false;
  const initWork: Promise<unknown>[] = [knowledge];

  if (overrides.warmUp) {
    // Never throws at import: what fails here is met again, and reported, by the first turn (a bad setting then
    // hands the caller to a person). A model's key read in flight is shared with the turn that asks for it.
    try {
      observability = overrides.observability ?? createObservability(env());
      const settings = readSettings(env());
      const dynamoDB = overrides.dynamoDBClient ?? createDynamoDBClient(settings);
      dependencies = prepare(settings, dynamoDB, overrides, observability, secrets);
      for (const choice of dependencies.model?.choices ?? [])
        initWork.push(choice.model(WARM_UP_KEY_TIMEOUT_MS).catch(() => undefined));
      if (dependencies.model) initWork.push(warmUpFetch());
      initWork.push(warmUpTable(dynamoDB, settings.callMemoryTable));
      // A turn played in process, so the first caller finds the turn's code compiled (turn-rehearsal.ts); once
      // the knowledge has loaded, a look-up in it, for the search's code; then the collection the first turn would
      // otherwise make of all the init phase left (young-generation.ts).
      initWork.push(
        rehearseTurn(settings, observability.logger)
          .then(() => knowledge)
          .then((loaded) => loaded.warmUp?.())
          .then(() => collectYoungGeneration()),
      );
    } catch {
      dependencies = undefined;
    }
  }

  const initialized = Promise.allSettled(initWork).then(() => undefined);

  async function handleTurn(event: LexV2Event, context: TurnContext): Promise<LexV2Result> {
    const started = Date.now();
    observability ??= overrides.observability ?? createObservability(env());
    const { logger, metrics } = observability;
    const parsed = parseLexEvent(event);
    let turnLogger = logger;
    try {
      if (!parsed.ok) {
        metrics.addMetric(METRIC.malformedEvent, MetricUnit.Count, 1);
        logger.error('Malformed Lex event; answering with an apology', { reason: parsed.reason });
        // No call to keep a record in: the event did not say which call it belongs to.
        return failedTurn(event, parsed.sessionAttributes, { retryCanHelp: true }, observability).result;
      }
      // The call id on every line of this turn. A child logger rather than appendKeys on the shared one: the
      // local call and the benchmark run many turns at once in one process, and their keys must not mix.
      turnLogger = logger.createChild({
        persistentKeys: { contactId: parsed.turn.callId, requestId: context.awsRequestId },
      });

      if (!dependencies) {
        const settings = readSettings(env());
        dependencies = prepare(
          settings,
          overrides.dynamoDBClient ?? createDynamoDBClient(settings),
          overrides,
          observability,
          secrets,
        );
      }
      const deadline = started + turnBudget(dependencies.settings, context);
      const knows = await knowledge;
      if (!knowledgeReported) {
        knowledgeReported = true;
        if (knows.problem)
          turnLogger.error('The business knowledge is incomplete; answering without it', { reason: knows.problem });
        else turnLogger.info('Business knowledge loaded', knows.size);
      }
      return await takeTurn(parsed.turn, { ...dependencies, knowledge: knows, logger: turnLogger }, deadline);
    } catch (error) {
      turnLogger.error('The turn failed; answering with an apology', { error: error as Error });
      // A bad setting fails every turn the same way: asking the caller to repeat would trap them.
      const retryCanHelp = !(error instanceof SettingsError);
      const attributes = parsed.ok ? parsed.turn.sessionAttributes : parsed.sessionAttributes;
      const failed = failedTurn(event, attributes, { retryCanHelp }, { logger: turnLogger, metrics });
      // The transcript shows the failed turn. Without settings there is no table to keep it in.
      if (parsed.ok && dependencies) {
        const memory = dependencies.memoryFor(parsed.turn.callId);
        await keepFailedTurn(memory, parsed.turn, { started, ...failed }, { logger: turnLogger, metrics });
      }
      return failed.result;
    } finally {
      metrics.addMetric(METRIC.turnLatency, MetricUnit.Milliseconds, Date.now() - started);
      metrics.publishStoredMetrics();
    }
  }
  return Object.assign(handleTurn, { initialized });
}

/**
 * The time this turn may take: the configured budget, but never past Lambda's own timeout less a margin to
 * return the answer.
 */
function turnBudget(settings: Settings, context: TurnContext): number {
  const lambdaLeft = context.getRemainingTimeInMillis() - settings.lambdaSafetyMarginMs;
  return Math.max(0, Math.min(settings.turnDeadlineMs, lambdaLeft));
}

/** Few attempts and short timeouts: a slow table must not eat the caller's turn. */
function createDynamoDBClient(settings: Settings): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: settings.memoryTimeoutMs },
  });
}

/** The clients and the model for the settings, built once. */
function prepare(
  settings: Settings,
  dynamoDB: DynamoDBClient,
  overrides: HandlerOverrides,
  observability: Observability,
  secrets: () => SecretsManagerClient | Promise<SecretsManagerClient>,
): Omit<TurnDependencies, 'knowledge'> {
  return {
    ...observability,
    settings,
    tools: createToolbox(settings, { dynamoDB, secretsManager: secrets }),
    memoryFor: (callId) =>
      new DynamoDBCallHistory({
        client: dynamoDB,
        tableName: settings.callMemoryTable,
        callId,
        expirySeconds: settings.memoryExpirySeconds,
        requestTimeoutMs: settings.memoryTimeoutMs,
        maxStoredMessages: settings.maxStoredMessages,
      }),
    model:
      settings.model &&
      createModelSource(settings.model, { secretsManager: secrets, bedrockCredentials: overrides.bedrockCredentials }),
  };
}

/**
 * The answer to a turn that failed; usable even for an event we could not read. A first failure is a spoken
 * apology that keeps the call in the bot. Failures are counted in a session attribute, and after
 * `maxFailedTurns` in a row (or at once, when trying again cannot help) the call is handed to a person, so a
 * caller is never stuck in a loop of apologies.
 */
function failedTurn(
  event: unknown,
  sessionAttributes: Readonly<Record<string, string>>,
  { retryCanHelp }: { readonly retryCanHelp: boolean },
  { logger, metrics }: Observability,
): { result: LexV2Result; answer: string; handOver: boolean } {
  const eventIntent = (event as { sessionState?: { intent?: { name?: unknown } } } | null)?.sessionState?.intent?.name;
  const intentName = typeof eventIntent === 'string' && eventIntent !== '' ? eventIntent : FALLBACK_INTENT;
  const locale = turnLocale(localeIdOf(event));
  const { attributes, failedTurns, handOver } = countFailedTurn(sessionAttributes, { retryCanHelp, locale });

  countTurnOutcome({ route: 'failed', next: handOver ? 'agent' : 'listen' }, metrics);
  if (handOver) {
    logger.warn('Handing the call to a person after failed turns', { failedTurns, retryCanHelp });
    const answer = locale.messages.troubleTransfer;
    return { result: close(answer, intentName, 'agent', attributes), answer, handOver };
  }
  const answer = locale.messages.malformedEvent;
  return { result: elicitIntent(answer, intentName, attributes), answer, handOver };
}
