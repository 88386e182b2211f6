/**
 * What we remember of a call: its messages, as one DynamoDB item keyed by the call id, with an expiry.
 *
 * Why our own class and not @langchain/community's DynamoDBChatMessageHistory: that package is unmaintained
 * upstream and not installed here; it writes no TTL attribute (that would cost a second write per turn), builds
 * a client per instance and has a sort-key bug. This class is the small part we need, on the LangChain history
 * interface and its stored-message mappers:
 * - one strongly consistent GetItem per turn (the next turn always sees the previous one);
 * - one UpdateItem per turn that appends the question and answer with `list_append` (atomic on the server, so
 *   a write never loses an earlier turn, even if the read failed or two writes race) and sets `expiresAt`.
 */
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import {
  type BaseMessage,
  type StoredMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
} from '@langchain/core/messages';
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';

/** The item attribute holding the messages, oldest first. */
const MESSAGES_ATTRIBUTE = 'messages';

export interface CallHistoryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly callId: string;
  /** The item expires this long after the last write. */
  readonly expirySeconds: number;
  /** Each request is abandoned after this long (the caller must not wait on a broken table). */
  readonly requestTimeoutMs: number;
  /** Epoch milliseconds now; a parameter so tests can check the expiry exactly. */
  readonly now?: () => number;
}

/** Each message is stored as a small map: its type and its text. Enough to rebuild a LangChain message. */
function toItemMessage(message: StoredMessage): AttributeValue {
  return { M: { type: { S: message.type }, content: { S: message.data.content } } };
}

function fromItemMessage(value: AttributeValue): StoredMessage | undefined {
  const type = value.M?.type?.S;
  const content = value.M?.content?.S;
  if (type === undefined || content === undefined) return undefined;
  return { type, data: { content, role: undefined, name: undefined, tool_call_id: undefined } };
}

/** Message content as plain text (our messages are always text). */
function textOf(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.text;
}

export class DynamoDBCallHistory extends BaseListChatMessageHistory {
  lc_namespace = ['chalkbot', 'call_memory'];

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
        ProjectionExpression: '#messages',
        ExpressionAttributeNames: { '#messages': MESSAGES_ATTRIBUTE },
      }),
      { abortSignal: this.abortSignal },
    );
    const stored = (Item?.[MESSAGES_ATTRIBUTE]?.L ?? [])
      .map(fromItemMessage)
      .filter((message): message is StoredMessage => message !== undefined);
    return mapStoredMessagesToChatMessages(stored);
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  /** Appends the messages and renews the expiry in one atomic write. */
  async addMessages(messages: BaseMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const stored = mapChatMessagesToStoredMessages(messages).map((message, index) => ({
      ...message,
      data: { ...message.data, content: textOf(messages[index]) },
    }));
    const now = this.options.now?.() ?? Date.now();
    await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: this.key,
        UpdateExpression: 'SET #messages = list_append(if_not_exists(#messages, :empty), :new), #expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#messages': MESSAGES_ATTRIBUTE, '#expiresAt': CALL_MEMORY_TABLE.ttlAttribute },
        ExpressionAttributeValues: {
          ':empty': { L: [] },
          ':new': { L: stored.map(toItemMessage) },
          ':expiresAt': { N: String(Math.floor(now / 1000) + this.options.expirySeconds) },
        },
      }),
      { abortSignal: this.abortSignal },
    );
  }

  /** Forgets the call. */
  async clear(): Promise<void> {
    await this.options.client.send(new DeleteItemCommand({ TableName: this.options.tableName, Key: this.key }), {
      abortSignal: this.abortSignal,
    });
  }
}
