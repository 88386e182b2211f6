/**
 * The shape of the call-memory table, read by the stack that creates it, the function that uses it and the
 * local call that creates it on dynalite. One item per call.
 */
export const CALL_MEMORY_TABLE = {
  /** Partition key: the Connect contact id (or the Lex session id when no contact id was passed). */
  partitionKey: 'contactId',
  /** Epoch seconds; the table's TTL attribute. */
  ttlAttribute: 'expiresAt',
  /** How long a call's memory is kept unless configured otherwise. */
  defaultExpirySeconds: 24 * 60 * 60,
} as const;
