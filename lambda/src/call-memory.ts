/**
 * What we remember of a call: its messages, as one DynamoDB item keyed by the call id, with an expiry.
 *
 * Why our own class and not @langchain/community's DynamoDBChatMessageHistory: that package is unmaintained
 * upstream and not installed here; it writes no TTL attribute (that would cost a second write per turn), builds
 * a client per instance and has a sort-key bug. This class is the small part we need, on the LangChain history
 * interface and its stored-message mappers:
 * - one strongly consistent GetItem per turn (the next turn always sees the previous one);
 * - one UpdateItem per turn that appends the question and answer with `list_append` (atomic on the server, so
 *   a write never loses an earlier turn, even if the read failed or two writes race) and sets `expiresAt`;
 * - a cap on what is kept, in messages and in UTF-8 bytes: a DynamoDB item stops at 400 KB, and past it every
 *   write fails. When the history read this turn plus the new messages would pass either cap, the same single
 *   write sets the newest messages that fit instead (starting on a caller's message), on condition that no write
 *   came between (a `writes` counter every write adds to; else it appends, so a racing turn is never
 *   overwritten);
 * - the last answered turn (its number, question and answer), written by the same write, so a turn that Lex
 *   delivers again is answered from here, and a second write of the same turn is refused by a condition.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import { type BaseMessage, type StoredMessage, mapStoredMessagesToChatMessages } from '@langchain/core/messages';
import type { NextAction } from '../../lib/definition/bot';
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';
import { fromItemMessage, toItemMessages } from './stored-message';
import { fromItemRecord, type TurnRecord, toItemRecord } from './turn-record';

/** The item attribute holding the messages, oldest first. */
const MESSAGES_ATTRIBUTE = 'messages';
/** How many writes the item has had: tells a trimming write whether the list changed since its read. */
const WRITES_ATTRIBUTE = 'writes';
/** The last turn stored: a map of its number, question and answer (see AnsweredTurn). */
const LAST_TURN_ATTRIBUTE = 'lastTurn';
/**
 * The turn records, oldest first, one per turn (silent turns included): time, intent, how it was answered
 * (lambda/src/turn-record.ts), for the transcript archived when the call ends. Capped like the messages.
 */
const TURNS_ATTRIBUTE = 'turns';

/**
 * A turn as it was answered: enough to answer it again, word for word, when Lex delivers it twice. `turn`
 * numbers the caller's questions within the Lex session (see turn-identity.ts); `failed` says the answer was an
 * apology; `leave` that the call left the bot after it (empty `answer`: silently).
 */
export interface AnsweredTurn {
  readonly turn: number;
  readonly question: string;
  readonly answer: string;
  readonly failed: boolean;
  readonly leave?: NextAction;
}

/** What the turn needs from the call's memory. */
export interface CallMemory {
  /** The call's messages so far, oldest first; the one read of the turn. */
  getMessages(): Promise<BaseMessage[]>;
  /** The last turn stored, as the read found it; undefined before a read or for a new call. */
  lastAnsweredTurn(): AnsweredTurn | undefined;
  /**
   * Stores a turn's messages and `answered` in the turn's one write. Resolves `false` when the same turn (same
   * number and question) was already stored, by a delivery of it running at the same time: nothing is written.
   */
  addTurn(messages: BaseMessage[], answered: AnsweredTurn, record?: TurnRecord): Promise<boolean>;
  /** Stores the record of a turn that keeps no messages (silence, leaving the bot) in the turn's one write. */
  addRecord(record: TurnRecord): Promise<void>;
}

export interface CallHistoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly callId: string;
  /** The item expires this long after the last write. */
  readonly expirySeconds: number;
  /** Each request is abandoned after this long (the caller must not wait on a broken table). */
  readonly requestTimeoutMs: number;
  /** The most messages kept; the oldest go first. */
  readonly maxStoredMessages: number;
  /** The most bytes of messages kept (DynamoDB's size of the list); default CALL_MEMORY_TABLE.maxMessageBytes. */
  readonly maxStoredBytes?: number;
  /** Epoch milliseconds now; a parameter so tests can check the expiry exactly. */
  readonly now?: () => number;
}

function toItemTurn(answered: AnsweredTurn): AttributeValue {
  return {
    M: {
      turn: { N: String(answered.turn) },
      question: { S: answered.question },
      answer: { S: answered.answer },
      failed: { BOOL: answered.failed },
      ...(answered.leave === undefined ? {} : { leave: { S: answered.leave } }),
    },
  };
}

function fromItemTurn(value: AttributeValue | undefined): AnsweredTurn | undefined {
  const turn = Number(value?.M?.turn?.N);
  const question = value?.M?.question?.S;
  const answer = value?.M?.answer?.S;
  if (!Number.isInteger(turn) || question === undefined || answer === undefined) return undefined;
  const leave = value?.M?.leave?.S;
  return {
    turn,
    question,
    answer,
    failed: value?.M?.failed?.BOOL === true,
    ...(leave === 'hangup' || leave === 'agent' ? { leave } : {}),
  };
}

/**
 * A value's size as DynamoDB counts it toward the 400 KB item limit: strings in UTF-8 bytes, numbers at most 21
 * bytes, lists and maps 3 bytes plus 1 per element and their names
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html). Any other
 * type is counted as its JSON, which is more than DynamoDB counts.
 */
export function attributeValueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return 21;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return value.L.reduce((total, item) => total + 1 + attributeValueBytes(item), 3);
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (total, [name, item]) => total + 1 + Buffer.byteLength(name, 'utf8') + attributeValueBytes(item),
      3,
    );
  }
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** A stored message the caller said: a kept history starts on one, so the model never sees half an exchange. */
function isCallerMessage(value: AttributeValue): boolean {
  return value.M?.type?.S === 'human';
}

/** An UpdateItem's own part: its SET clause, its condition and their values. */
interface WriteRequest {
  readonly update: string;
  readonly condition?: string;
  readonly values: Record<string, AttributeValue>;
}

export class DynamoDBCallHistory extends BaseListChatMessageHistory implements CallMemory {
  lc_namespace = ['chalkbot', 'call_memory'];
  /** The item as getMessages read it; unknown until a read succeeds (then: append). */
  private lastRead:
    | {
        readonly messages: AttributeValue[];
        readonly turns: AttributeValue[];
        readonly writes: string | undefined;
        readonly lastTurn: AnsweredTurn | undefined;
      }
    | undefined;

  constructor(private readonly options: CallHistoryOptions) {
    super();
  }

  private get key(): Record<string, AttributeValue> {
    return { [CALL_MEMORY_TABLE.partitionKey]: { S: this.options.callId } };
  }

  private get abortSignal(): AbortSignal {
    return AbortSignal.timeout(this.options.requestTimeoutMs);
  }

  /** The call's messages so far, oldest first: one strongly consistent read. */
  async getMessages(): Promise<BaseMessage[]> {
    const { Item } = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConsistentRead: true,
        ProjectionExpression: '#messages, #writes, #lastTurn, #turns',
        ExpressionAttributeNames: {
          '#messages': MESSAGES_ATTRIBUTE,
          '#writes': WRITES_ATTRIBUTE,
          '#lastTurn': LAST_TURN_ATTRIBUTE,
          '#turns': TURNS_ATTRIBUTE,
        },
      }),
      { abortSignal: this.abortSignal },
    );
    this.lastRead = {
      messages: Item?.[MESSAGES_ATTRIBUTE]?.L ?? [],
      turns: Item?.[TURNS_ATTRIBUTE]?.L ?? [],
      writes: Item?.[WRITES_ATTRIBUTE]?.N,
      lastTurn: fromItemTurn(Item?.[LAST_TURN_ATTRIBUTE]),
    };
    const stored = this.lastRead.messages
      .map(fromItemMessage)
      .filter((message): message is StoredMessage => message !== undefined);
    return mapStoredMessagesToChatMessages(stored);
  }

  lastAnsweredTurn(): AnsweredTurn | undefined {
    return this.lastRead?.lastTurn;
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  /** LangChain's way in: the messages, without a turn record. */
  async addMessages(messages: BaseMessage[]): Promise<void> {
    await this.write(messages, undefined, undefined);
  }

  async addTurn(messages: BaseMessage[], answered: AnsweredTurn, record?: TurnRecord): Promise<boolean> {
    return this.write(messages, answered, record);
  }

  async addRecord(record: TurnRecord): Promise<void> {
    await this.write([], undefined, record);
  }

  /**
   * Adds the messages and renews the expiry in one write: an atomic append, or, when that would pass a cap, the
   * newest messages that fit in place of the list read this turn. With `answered`, the write also records the
   * turn, and is refused if that very turn is already recorded (then it returns false).
   */
  private async write(
    messages: BaseMessage[],
    answered: AnsweredTurn | undefined,
    record: TurnRecord | undefined,
  ): Promise<boolean> {
    if (messages.length === 0 && record === undefined) return true;
    const added = toItemMessages(messages);
    const { lastRead } = this;
    const kept = lastRead === undefined || messages.length === 0 ? undefined : this.keptTail(lastRead.messages, added);
    if (lastRead !== undefined && kept !== undefined) {
      try {
        // The records are capped alike: at most one per kept message, silent turns aside.
        const keptRecords = [...lastRead.turns, ...(record ? [toItemRecord(record)] : [])].slice(
          -Math.max(1, kept.length),
        );
        await this.send(this.replaceRequest(kept, lastRead.writes, keptRecords), answered);
        return true;
      } catch (error) {
        // Another write changed the item since our read: append instead; the next turn trims.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    try {
      await this.send(this.appendRequest(added, record), answered);
      return true;
    } catch (error) {
      // The only condition on an append is "not this turn again".
      if (answered !== undefined && error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * The newest messages of `read` + `added` within both caps, starting on a caller's message; undefined when
   * all of them fit (an append will do). The new messages are always kept: each is bounded by the turn.
   */
  private keptTail(read: AttributeValue[], added: AttributeValue[]): AttributeValue[] | undefined {
    const all = [...read, ...added];
    const maxBytes = this.options.maxStoredBytes ?? CALL_MEMORY_TABLE.maxMessageBytes;
    let start = all.length;
    let bytes = 3;
    while (start > 0) {
      const size = 1 + attributeValueBytes(all[start - 1]);
      const isNew = start > read.length;
      if (!isNew && (all.length - start + 1 > this.options.maxStoredMessages || bytes + size > maxBytes)) break;
      bytes += size;
      start -= 1;
    }
    if (start === 0) return undefined;
    while (start < read.length && !isCallerMessage(all[start])) start += 1;
    return all.slice(start);
  }

  private appendRequest(added: AttributeValue[], record: TurnRecord | undefined): WriteRequest {
    const appendRecord = record === undefined ? '' : ', #turns = list_append(if_not_exists(#turns, :empty), :record)';
    return {
      update: `SET #messages = list_append(if_not_exists(#messages, :empty), :new), #expiresAt = :expiresAt${appendRecord}`,
      values: {
        ':empty': { L: [] },
        ':new': { L: added },
        ...(record ? { ':record': { L: [toItemRecord(record)] } } : {}),
      },
    };
  }

  /** Sets `kept` as the list (and `records` as the turn records), if no other write came since this turn's read. */
  private replaceRequest(
    kept: AttributeValue[],
    readWrites: string | undefined,
    records: AttributeValue[],
  ): WriteRequest {
    return {
      update: 'SET #messages = :kept, #turns = :records, #expiresAt = :expiresAt',
      condition: readWrites === undefined ? 'attribute_not_exists(#writes)' : '#writes = :readWrites',
      values: {
        ':kept': { L: kept },
        ':records': { L: records },
        ...(readWrites === undefined ? {} : { ':readWrites': { N: readWrites } }),
      },
    };
  }

  /** One UpdateItem: the request, plus the expiry, the write count and (with `answered`) the turn record. */
  private async send(request: WriteRequest, answered: AnsweredTurn | undefined): Promise<void> {
    const names: Record<string, string> = { ...this.attributeNames };
    const values: Record<string, AttributeValue> = {
      ...request.values,
      ':expiresAt': this.expiresAt(),
      ':one': { N: '1' },
    };
    let update = request.update;
    // DynamoDB refuses a name the expressions do not use: the records' only when this write sets them.
    if (update.includes('#turns')) names['#turns'] = TURNS_ATTRIBUTE;
    const conditions = request.condition === undefined ? [] : [`(${request.condition})`];
    if (answered !== undefined) {
      Object.assign(names, { '#lastTurn': LAST_TURN_ATTRIBUTE, '#turn': 'turn', '#question': 'question' });
      Object.assign(values, {
        ':lastTurn': toItemTurn(answered),
        ':turn': { N: String(answered.turn) },
        ':question': { S: answered.question },
      });
      update += ', #lastTurn = :lastTurn';
      // A comparison with a missing attribute is false, so a first turn passes.
      conditions.push('NOT (#lastTurn.#turn = :turn AND #lastTurn.#question = :question)');
    }
    await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: this.key,
        UpdateExpression: `${update} ADD #writes :one`,
        ...(conditions.length === 0 ? {} : { ConditionExpression: conditions.join(' AND ') }),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
      { abortSignal: this.abortSignal },
    );
  }

  private readonly attributeNames = {
    '#messages': MESSAGES_ATTRIBUTE,
    '#expiresAt': CALL_MEMORY_TABLE.ttlAttribute,
    '#writes': WRITES_ATTRIBUTE,
  };

  /** Epoch seconds when the item expires if nothing more is written. */
  private expiresAt(): AttributeValue {
    const now = this.options.now?.() ?? Date.now();
    return { N: String(Math.floor(now / 1000) + this.options.expirySeconds) };
  }

  /** Forgets the call. */
  async clear(): Promise<void> {
    await this.options.client.send(new DeleteItemCommand({ TableName: this.options.tableName, Key: this.key }), {
      abortSignal: this.abortSignal,
    });
  }
}

/** A call item as the transcript reads it: the messages kept and the turn records, oldest first. */
export interface StoredCall {
  readonly messages: BaseMessage[];
  readonly turns: TurnRecord[];
}

/** Reads a call item (from GetItem) with the same mapping the function stores it with. */
export function readStoredCall(item: Record<string, AttributeValue>): StoredCall {
  const stored = (item[MESSAGES_ATTRIBUTE]?.L ?? [])
    .map(fromItemMessage)
    .filter((message): message is StoredMessage => message !== undefined);
  const turns = (item[TURNS_ATTRIBUTE]?.L ?? [])
    .map(fromItemRecord)
    .filter((turn): turn is TurnRecord => turn !== undefined);
  return { messages: mapStoredMessagesToChatMessages(stored), turns };
}
