/**
 * The function's own CloudWatch metrics (EMF, under FUNCTION_METRICS_NAMESPACE with the `service` dimension):
 * the function emits them, and the alarms and dashboards read them. Named here once so none of them can drift.
 *
 * Pure data: no AWS CDK, no SDK imports. The function's bundle includes it.
 */
export const METRIC = {
  /** Event in to answer out, milliseconds. */
  turnLatency: 'TurnLatency',
  /** One model call, milliseconds (successful or not). */
  modelLatency: 'ModelLatency',
  /** The model failed or ran out of time; the caller heard the fallback. */
  modelFallback: 'ModelFallback',
  /** The primary model failed and the fallback model (FALLBACK_MODEL_PROVIDER) answered. */
  fallbackModelAnswer: 'FallbackModelAnswer',
  /** The caller said nothing (or only "um"). */
  silentTurn: 'SilentTurn',
  /** Lex sent an event the function could not read. */
  malformedEvent: 'MalformedEvent',
  /** A call-memory read or write failed; the caller was answered without it. */
  memoryFailure: 'MemoryFailure',
  /** A tool call failed (order system down or slow, unknown tool, bad arguments); the caller heard why. */
  toolFailure: 'ToolFailure',
  /** The caller was answered from the FAQ, without the model. */
  cannedAnswer: 'CannedAnswer',
  /** The model answered with passages of the business's documents in its prompt. */
  groundedAnswer: 'GroundedAnswer',
  /** Without the model (none configured, or it failed), a passage of the business's documents was the answer. */
  documentAnswer: 'DocumentAnswer',
  /** A tool ran (an order lookup), asked for by the model or run directly without it. */
  toolCall: 'ToolCall',
  /** A turn failed: the caller heard an apology, or was handed to a person after too many. */
  failedTurn: 'FailedTurn',
  /** The bot handed the caller to a person: they asked for one, or turns kept failing. */
  handOver: 'HandOver',
  /** The bot ended the call: the caller said goodbye, or stayed silent. */
  hangUp: 'HangUp',
  /**
   * A call ended and its transcript was archived (the archiver, once per call), with the `ending` dimension:
   * hang-up, transfer, silence or error (lib/definition/transcripts.ts CALL_ENDINGS).
   */
  callEnded: 'CallEnded',
} as const;

/** The dimension of METRIC.callEnded that says how the call ended. */
export const CALL_ENDING_DIMENSION = 'ending';
