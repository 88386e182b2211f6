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
  /**
   * DynamoDB refuses any write that would make an item larger than 400 KB, counting attribute names and values
   * in UTF-8 bytes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
   */
  maxItemBytes: 400 * 1024,
  /**
   * The stored messages are kept within this many bytes: the rest of the 400 KB is headroom for the key, the
   * expiry, the last answered turn and whatever else the item carries, and for our estimate being off.
   */
  maxMessageBytes: 300 * 1024,
} as const;
