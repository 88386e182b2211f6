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
 * - a cap on the messages kept: a DynamoDB item stops at 400 KB, and past it every write fails. When the history
 *   read this turn plus the new messages would pass the cap, the same single write sets the kept tail instead,
 *   on condition that no write came between (a `writes` counter every write adds to; else it appends, so a
 *   racing turn is never overwritten).
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
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';
import { fromItemMessage, toItemMessages } from './stored-message';

/** The item attribute holding the messages, oldest first. */
const MESSAGES_ATTRIBUTE = 'messages';
/** How many writes the item has had: tells a trimming write whether the list changed since its read. */
const WRITES_ATTRIBUTE = 'writes';

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
  /** Epoch milliseconds now; a parameter so tests can check the expiry exactly. */
  readonly now?: () => number;
}

export class DynamoDBCallHistory extends BaseListChatMessageHistory {
  lc_namespace = ['chalkbot', 'call_memory'];
  /** The stored list and write count as getMessages read them; unknown until a read succeeds (then: append). */
  private lastRead: { readonly messages: AttributeValue[]; readonly writes: string | undefined } | undefined;

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
        ProjectionExpression: '#messages, #writes',
        ExpressionAttributeNames: { '#messages': MESSAGES_ATTRIBUTE, '#writes': WRITES_ATTRIBUTE },
      }),
      { abortSignal: this.abortSignal },
    );
    this.lastRead = { messages: Item?.[MESSAGES_ATTRIBUTE]?.L ?? [], writes: Item?.[WRITES_ATTRIBUTE]?.N };
    const stored = this.lastRead.messages
      .map(fromItemMessage)
      .filter((message): message is StoredMessage => message !== undefined);
    return mapStoredMessagesToChatMessages(stored);
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  /**
   * Adds the messages and renews the expiry in one write: an atomic append, or, when that would pass the cap,
   * the newest messages in place of the list read this turn.
   */
  async addMessages(messages: BaseMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const added = toItemMessages(messages);
    const { lastRead } = this;
    if (lastRead !== undefined && lastRead.messages.length + added.length > this.options.maxStoredMessages) {
      try {
        return await this.replaceWithTail(lastRead, added);
      } catch (error) {
        // Another write changed the list since our read: append instead; the next turn trims.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    await this.append(added);
  }

  private async append(added: AttributeValue[]): Promise<void> {
    await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: this.key,
        UpdateExpression:
          'SET #messages = list_append(if_not_exists(#messages, :empty), :new), #expiresAt = :expiresAt ADD #writes :one',
        ExpressionAttributeNames: this.attributeNames,
        ExpressionAttributeValues: { ':empty': { L: [] }, ':new': { L: added }, ':expiresAt': this.expiresAt(), ':one': { N: '1' } },
      }),
      { abortSignal: this.abortSignal },
    );
  }

  /** Sets the newest `maxStoredMessages`, if no other write came since this turn's read. */
  private async replaceWithTail(lastRead: NonNullable<DynamoDBCallHistory['lastRead']>, added: AttributeValue[]): Promise<void> {
    const kept = [...lastRead.messages, ...added].slice(-this.options.maxStoredMessages);
    const unchanged = lastRead.writes === undefined ? 'attribute_not_exists(#writes)' : '#writes = :readWrites';
    await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: this.key,
        UpdateExpression: 'SET #messages = :kept, #expiresAt = :expiresAt ADD #writes :one',
        ConditionExpression: unchanged,
        ExpressionAttributeNames: this.attributeNames,
        ExpressionAttributeValues: {
          ':kept': { L: kept },
          ':expiresAt': this.expiresAt(),
          ':one': { N: '1' },
          ...(lastRead.writes === undefined ? {} : { ':readWrites': { N: lastRead.writes } }),
        },
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
