/**
 * One turn of a phone call, as a story: who is calling, what they said, what we remember, what the model says,
 * what is spoken, what is kept.
 *
 * The answer comes cheapest first: a canned FAQ answer (no model), else the model given the passages of the
 * business's documents that fit the question, else (no model) the best passage itself or an honest "I don't know".
 *
 * Every step that can fail has a spoken way out: a missing memory means an answer without memory, a failing or
 * slow model means an answer from the documents or a short apology. The caller never hears silence, and a
 * question that was asked is stored.
 */
import { AIMessage, type BaseMessage, HumanMessage } from '@langchain/core/messages';
import { type BotDefinition, type NextAction, SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import { LEX_MAX_INPUT_CHARS } from '../../lib/definition/function-settings';
import { lookUpOrder } from '../../lib/definition/tools';
import type { AnsweredTurn, CallMemory } from './call-memory';
import { countFailedTurn, withoutFailedTurns } from './failed-turns';
import { type CallerTurn, close, elicitIntent, type LexV2Result } from './lex';
import { isSilence, leavingLine, requestedExit, turnLocale } from './language';
import { passagesContext, passagesForPrompt } from './knowledge/grounding';
import type { KnowledgeBase, Lookup } from './knowledge/knowledge';
import { knowledgeInLanguageOf } from './knowledge/knowledge-language';
import { askModels, buildPrompt, describe, ModelFailure, phoneSystemPrompt } from './model';
import type { ModelSource } from './model-source';
import { METRIC, MetricUnit, type Observability } from './observability';
import { orderNumberAskedAbout } from './order-question';
import { answerToOffer } from './person-offer';
import type { Settings } from './settings';
import { type Channel, presentAnswer } from './channel';
import { cutAtGrapheme } from './speakable';
import { answerWithTools } from './tool-loop';
import type { Toolbox } from './tools/toolbox';
import { afterAnswering, redeliveredTurn, turnNumberOf } from './turn-identity';
import { countTurnOutcome } from './turn-outcome';
import type { TurnRecord, TurnRoute } from './turn-record';

export interface TurnDependencies extends Observability {
  readonly settings: Settings;
  /** The call's memory. */
  readonly memoryFor: (callId: string) => CallMemory;
  /** The chat models to ask (the primary, then the fallback); absent when no model is configured. */
  readonly model?: ModelSource;
  /** The business's FAQ and documents. */
  readonly knowledge: KnowledgeBase;
  /** The tools the model may call (and the no-model path's order lookup). */
  readonly tools?: Toolbox;
}

/** What the turn says, what it keeps besides the question and the spoken answer, and whether the call leaves. */
interface Thought {
  /** Empty only when the call leaves silently (a transfer: the flow speaks). */
  readonly spoken: string;
  /** Tool calls and their results, kept between the question and the answer. */
  readonly exchange: readonly BaseMessage[];
  readonly leave?: NextAction;
  /** The caller hears an apology: no model answer, no order found and no knowledge answer. */
  readonly failed: boolean;
  /** How it was answered, for the turn's record. */
  readonly route: TurnRoute;
}

/** Kept here for the tests and callers that imported it from the turn. */
export { isSilence } from './language';

/** Answers one turn. `deadline` is epoch milliseconds: the answer must be ready by then. */
export async function takeTurn(turn: CallerTurn, deps: TurnDependencies, deadline: number): Promise<LexV2Result> {
  const started = Date.now();
  const locale = turnLocale(turn.localeId);
  const exit = requestedExit(turn.intentName, turn.transcript, locale);
  if (exit) return leaveTheBot(turn, exit, locale, deps, started);
  if (isSilence(turn.transcript, locale)) return answerSilence(turn, locale, deps, started);
  return answerQuestion(turn, locale, deps, deadline, started);
}

/**
 * Goodbye or agent intents normally end the bot in Lex; if one reaches us, hand the call back the same way. A
 * transfer is silent here: the flow checks the queue's hours and staffing and says what happens next.
 */
async function leaveTheBot(
  turn: CallerTurn,
  nextAction: NextAction,
  locale: BotDefinition,
  deps: TurnDependencies,
  started: number,
): Promise<LexV2Result> {
  deps.logger.info('Caller leaves the bot', { intent: turn.intentName, nextAction });
  // The words go in the turn's record only: the memory goes on (a language switch comes back to the bot), and
  // a question without an answer in the history would confuse the model.
  const said = cutAtGrapheme(turn.transcript.trim(), LEX_MAX_INPUT_CHARS);
  const line = leavingLine(nextAction, locale);
  const kept = { ...record(turn, 'leave', nextAction, started, 0), said, ...(line ? { answer: line } : {}) };
  await keepRecord(deps.memoryFor(turn.callId), kept, deps);
  return close(line, turn.intentName, nextAction, withSilentTurns(turn, 0));
}

/**
 * Silence: ask again, and after too many silent turns in a row, hang up politely. No messages are stored, only
 * the turn's record, so the transcript shows the silence and why the call ended.
 */
async function answerSilence(
  turn: CallerTurn,
  locale: BotDefinition,
  deps: TurnDependencies,
  started: number,
): Promise<LexV2Result> {
  const silentTurns = turn.silentTurnsBefore + 1;
  deps.metrics.addMetric(METRIC.silentTurn, MetricUnit.Count, 1);
  deps.logger.info('Silent turn', { silentTurns });
  const attributes = withSilentTurns(turn, silentTurns);
  const hangUp = silentTurns >= locale.maxSilentTurns;
  const answer = hangUp ? locale.messages.silentGoodbye : locale.messages.reprompt;
  const kept = { ...record(turn, 'silence', hangUp ? 'hangup' : 'listen', started, 0), answer };
  await keepRecord(deps.memoryFor(turn.callId), kept, deps);
  if (hangUp) return close(answer, turn.intentName, 'hangup', attributes);
  return elicitIntent(answer, turn.intentName, attributes);
}

async function answerQuestion(
  turn: CallerTurn,
  locale: BotDefinition,
  deps: TurnDependencies,
  deadline: number,
  started: number,
): Promise<LexV2Result> {
  // Lex takes at most this much text from a client; a longer "transcript" is not speech and is not kept whole.
  const question = cutAtGrapheme(turn.transcript.trim(), LEX_MAX_INPUT_CHARS);
  const turnNumber = turnNumberOf(turn.sessionAttributes);
  deps.logger.debug('Caller said', { transcript: question });

  const memory = deps.memoryFor(turn.callId);
  const history = await recall(memory, deps);
  const again = redeliveredTurn(memory.lastAnsweredTurn(), turnNumber, question);
  if (again) {
    deps.logger.info('This turn was delivered again; answering as the first time', { turn: turnNumber });
    return reply(turn, locale, again);
  }

  // "Yes" to the bot's offer of a person hands the call over as the agent intent does; "no" goes on with the call.
  const offerAnswer = answerToOffer(question, history, locale);
  if (offerAnswer === 'accept') return leaveTheBot(turn, 'agent', locale, deps, started);
  const { spoken, exchange, leave, failed, route } =
    offerAnswer === 'decline'
      ? declinedOffer(locale)
      : await think(question, history, turn.channel, locale, deps, deadline);
  // A failure that hands the call over is heard (and kept) as the hand-over line.
  const handOver = failed && countFailedTurn(turn.sessionAttributes, { retryCanHelp: true, locale }).handOver;
  const answered: AnsweredTurn = {
    turn: turnNumber,
    question,
    answer: handOver ? locale.messages.troubleTransfer : spoken,
    failed,
    ...(leave ? { leave } : {}),
  };
  const answer = answered.answer === '' ? [] : [new AIMessage(answered.answer)];
  const messages = [new HumanMessage(question), ...exchange, ...answer];
  const next = leave ?? (handOver ? 'agent' : 'listen');
  await keep(memory, messages, answered, record(turn, failed ? 'failed' : route, next, started, messages.length), deps);

  deps.logger.debug('Bot answers', { answer: answered.answer });
  return reply(turn, locale, answered);
}

/**
 * The answer Lex gets for an answered turn; the same for a turn delivered again, since it depends only on the
 * event and what was stored. A failed turn is counted, and hands the call to a person after too many in a row.
 */
function reply(turn: CallerTurn, locale: BotDefinition, answered: AnsweredTurn): LexV2Result {
  const attributes = afterAnswering(
    { ...turn.sessionAttributes, [SESSION_ATTRIBUTES.silentTurns]: '0' },
    answered.turn,
  );
  const message = answered.answer === '' ? undefined : answered.answer;
  if (answered.leave) return close(message, turn.intentName, answered.leave, withoutFailedTurns(attributes));
  if (!answered.failed) return elicitIntent(answered.answer, turn.intentName, withoutFailedTurns(attributes));
  const failure = countFailedTurn(attributes, { retryCanHelp: true, locale });
  if (failure.handOver) return close(message, turn.intentName, 'agent', failure.attributes);
  return elicitIntent(answered.answer, turn.intentName, failure.attributes);
}

/** What we remember of this call; nothing (and a logged error) if the memory cannot be read. */
async function recall(memory: CallMemory, deps: TurnDependencies): Promise<BaseMessage[]> {
  try {
    const history = await memory.getMessages();
    deps.logger.info('Recalled the call', { rememberedMessages: history.length });
    return history;
  } catch (error) {
    deps.metrics.addMetric(METRIC.memoryFailure, MetricUnit.Count, 1);
    deps.logger.error('Could not read the call memory; answering without it', { error: error as Error });
    return [];
  }
}

/**
 * What the caller will hear: a canned FAQ answer; else the model's answer (after any tools it called), given the
 * passages found, made speakable; without a model or when it fails, an order lookup for an order question, else
 * the best passage, else "I don't know" (no model) or a short apology (model failure). An answer with nothing
 * left to say (only a link or emoji) is a failure too: Lex rejects an empty message and the call would drop.
 */
async function think(
  question: string,
  history: BaseMessage[],
  channel: Channel,
  locale: BotDefinition,
  deps: TurnDependencies,
  deadline: number,
): Promise<Thought> {
  const speakable = (text: string) => presentAnswer(text, channel, deps.settings.maxSpokenChars, locale);
  // An order number is the order tool's business, never a canned answer's.
  const asksAboutOrder = orderNumberAskedAbout(question, locale) !== undefined;
  const knowledge = knowledgeInLanguageOf(locale, deps.knowledge);
  const found = await knowledge.lookUp(question, callerQuestions(history), { cannedAnswers: !asksAboutOrder });
  if (found.kind === 'canned') {
    deps.metrics.addMetric(METRIC.cannedAnswer, MetricUnit.Count, 1);
    deps.logger.info('Answered from the FAQ', { faqEntry: found.faqId, matchedBy: found.via });
    return { spoken: speakable(found.answer), exchange: [], failed: false, route: 'faq' };
  }
  if (found.degraded) deps.logger.warn('Searched the documents by keywords only', { reason: found.degraded });
  if (!deps.model || !deps.settings.model) {
    // Not a failure: a bot run without a model (the local call, a demo) answers what it can without one.
    const answer = await answerWithoutModel(question, locale, found, deps, deadline);
    return { spoken: speakable(answer ?? locale.messages.dontKnow), exchange: [], failed: false, route: 'offline' };
  }

  // The write at the end of the turn gets its own time slot before the deadline; the model gets the rest.
  const modelDeadline = deadline - deps.settings.memoryTimeoutMs;
  const timeForModel = modelDeadline - Date.now();
  const started = Date.now();
  try {
    if (timeForModel <= 0) throw new ModelFailure('no time left for the model before the turn deadline');
    const budget = deps.settings.model.historyTokenBudget;
    // A business with no documents at all gets no context: the model then answers as a general assistant.
    const context = knowledge.size.passages > 0 ? passagesContext(passagesForPrompt(found.hits, budget)) : undefined;
    const prompt = buildPrompt(history, question, budget, phoneSystemPrompt(locale), context);
    const { requestTimeoutMs, maxRetries } = deps.settings.model;
    const limits = { deadline: modelDeadline, requestTimeoutMs, maxRetries };
    const asked = await askModels(deps.model, limits, (model, options) =>
      answerWithTools(model, deps.tools, prompt, { ...options, locale }),
    );
    const { answer, exchange, fromTools, leave, toolRuns } = asked.answer;
    if (toolRuns.length > 0) deps.metrics.addMetric(METRIC.toolCall, MetricUnit.Count, toolRuns.length);
    const failedTools = toolRuns.filter((run) => run.failed).length;
    if (failedTools > 0) deps.metrics.addMetric(METRIC.toolFailure, MetricUnit.Count, failedTools);
    if (toolRuns.length > 0) deps.logger.info('Tools ran', { toolRuns, answeredFromTools: fromTools });
    const spoken = speakable(answer);
    if (spoken === '' && !(leave && exchange.length > 0)) {
      throw new ModelFailure('the answer had nothing a voice can say (only links, emoji or markup)');
    }
    if (asked.failures.length > 0) deps.metrics.addMetric(METRIC.fallbackModelAnswer, MetricUnit.Count, 1);
    if (found.hits.length > 0) deps.metrics.addMetric(METRIC.groundedAnswer, MetricUnit.Count, 1);
    deps.logger.info('The model answered', {
      promptMessages: prompt.length,
      passages: found.hits.map((hit) => hit.passage.id),
      answerChars: answer.length,
      answeredBy: asked.answeredBy,
      ...(asked.failures.length > 0 ? { failedModels: asked.failures } : {}),
    });
    return { spoken, exchange, leave, failed: false, route: 'model' };
  } catch (error) {
    deps.metrics.addMetric(METRIC.modelFallback, MetricUnit.Count, 1);
    // A ModelFailure's message names each model's status and error code, never a server's error body (which may
    // echo the caller's words); anything else is described the same way. The whole error only at DEBUG.
    deps.logger.warn('The model gave no answer; speaking the fallback', {
      reason: error instanceof ModelFailure ? error.message : describe(error),
    });
    deps.logger.debug('The model error in full', { error: error as Error });
    // Nothing found without the model either: a failed turn, counted toward handing the call to a person.
    const answer = await answerWithoutModel(question, locale, found, deps, deadline);
    return {
      spoken: speakable(answer ?? locale.messages.modelUnavailable),
      exchange: [],
      failed: answer === undefined,
      route: 'fallback',
    };
  } finally {
    deps.metrics.addMetric(METRIC.modelLatency, MetricUnit.Milliseconds, Date.now() - started);
  }
}

/**
 * Without the model: an order question is looked up directly (look_up_order, within the time left before the
 * memory write); otherwise the best passage found, when it fits well; undefined when neither has one.
 */
async function answerWithoutModel(
  question: string,
  locale: BotDefinition,
  found: Extract<Lookup, { kind: 'passages' }>,
  deps: TurnDependencies,
  deadline: number,
): Promise<string | undefined> {
  const orderId = orderNumberAskedAbout(question, locale);
  if (orderId !== undefined && deps.tools?.has(lookUpOrder.name)) {
    const timeLeft = Math.max(0, deadline - deps.settings.memoryTimeoutMs - Date.now());
    const outcome = await deps.tools.runDirectly(lookUpOrder.name, { orderId }, AbortSignal.timeout(timeLeft), locale);
    if (outcome) deps.metrics.addMetric(METRIC.toolCall, MetricUnit.Count, 1);
    if (outcome?.failed) deps.metrics.addMetric(METRIC.toolFailure, MetricUnit.Count, 1);
    deps.logger.info('Looked up an order without the model', { failed: outcome?.failed === true });
    if (outcome?.spoken) return outcome.spoken;
  }
  deps.logger.info('Answered without a model', {
    passages: found.hits.map((hit) => hit.passage.id),
    extractive: found.extractive !== undefined,
  });
  if (found.extractive !== undefined) deps.metrics.addMetric(METRIC.documentAnswer, MetricUnit.Count, 1);
  return found.extractive;
}

/** The caller said no to a person: the bot says so, and listens for the next question. */
function declinedOffer(locale: BotDefinition): Thought {
  return { spoken: locale.personOffer.declined, exchange: [], failed: false, route: 'offer' };
}

/** What the caller asked earlier in this call, oldest first: a question may lean on the one before. */
function callerQuestions(history: readonly BaseMessage[]): string[] {
  return history.filter((message) => message.type === 'human').map((message) => message.text);
}

/**
 * Keeps the turn's messages (question, tool calls and results, answer) and its record, and counts how the turn
 * ended; a failed write is logged, never spoken.
 */
async function keep(
  memory: CallMemory,
  messages: BaseMessage[],
  answered: AnsweredTurn,
  turnRecord: TurnRecord,
  deps: TurnDependencies,
): Promise<void> {
  countTurnOutcome(turnRecord, deps.metrics);
  try {
    const stored = await memory.addTurn(messages, answered, turnRecord);
    if (!stored) deps.logger.info('This turn was already stored by another delivery of it', { turn: answered.turn });
  } catch (error) {
    deps.metrics.addMetric(METRIC.memoryFailure, MetricUnit.Count, 1);
    deps.logger.error('Could not store the turn in the call memory', { error: error as Error });
  }
}

/** Keeps (and counts) the record of a turn without messages (silence, leaving the bot); a failed write is logged. */
async function keepRecord(memory: CallMemory, turnRecord: TurnRecord, deps: TurnDependencies): Promise<void> {
  countTurnOutcome(turnRecord, deps.metrics);
  try {
    await memory.addRecord(turnRecord);
  } catch (error) {
    deps.metrics.addMetric(METRIC.memoryFailure, MetricUnit.Count, 1);
    deps.logger.error('Could not store the turn in the call memory', { error: error as Error });
  }
}

/** The turn's record for its transcript: when it came, how long it took, how it was answered, what came next. */
function record(
  turn: CallerTurn,
  route: TurnRoute,
  next: TurnRecord['next'],
  started: number,
  messages: number,
): TurnRecord {
  return { at: started, latencyMs: Date.now() - started, intent: turn.intentName, route, next, messages };
}

/** The attributes after a turn that worked: the silent-turn count, and no failed turns any more. */
function withSilentTurns(turn: CallerTurn, silentTurns: number): Record<string, string> {
  const { [SESSION_ATTRIBUTES.failedTurns]: _failedTurns, ...attributes } = turn.sessionAttributes;
  return { ...attributes, [SESSION_ATTRIBUTES.silentTurns]: String(silentTurns) };
}
