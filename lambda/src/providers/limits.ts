/** What every provider's chat model is built with, whatever the provider. */
export interface ModelLimits {
  /** The timeout of one request. */
  readonly requestTimeoutMs: number;
  /** Bounds the answer's length and so the time spent generating it. */
  readonly maxAnswerTokens: number;
}
