/**
 * One message of the call item, as DynamoDB holds it: a small map with the message's type and text, and for
 * tool turns what pairs a call with its result: an AI message's `toolCalls` (JSON of id, name and arguments) and
 * a tool message's `toolCallId`, `name` and `status`. Read and written through LangChain's stored-message form
 * (mapChatMessagesToStoredMessages / mapStoredMessagesToChatMessages), so the turn gets whole messages back.
 *
 * Items written before tools existed hold only `type` and `content`, and still read. Provider metadata (token
 * usage, response ids) is not kept: it is bytes in a capped item that no later prompt sends.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { BaseMessage, StoredMessage, StoredMessageData, ToolCall } from '@langchain/core/messages';
import { mapChatMessagesToStoredMessages } from '@langchain/core/messages';

interface ToolFields {
  readonly tool_calls?: readonly ToolCall[];
  readonly tool_call_id?: string;
  readonly name?: string;
  readonly status?: string;
}

/** The item form of each message: text always, tool pairing when there is any. */
export function toItemMessages(messages: readonly BaseMessage[]): AttributeValue[] {
  return mapChatMessagesToStoredMessages([...messages]).map((stored, index) => {
    const data = stored.data as StoredMessageData & ToolFields;
    const fields: Record<string, AttributeValue> = {
      type: { S: stored.type },
      content: { S: textOf(messages[index]) },
    };
    const calls = (data.tool_calls ?? []).map(({ id, name, args }) => ({ id, name, args }));
    if (calls.length > 0) fields.toolCalls = { S: JSON.stringify(calls) };
    if (stored.type === 'tool' && data.tool_call_id) {
      fields.toolCallId = { S: data.tool_call_id };
      if (data.name) fields.name = { S: data.name };
      if (data.status === 'error') fields.status = { S: 'error' };
    }
    return { M: fields };
  });
}

/** A stored message in LangChain's stored form; undefined for a value that is not a whole message. */
export function fromItemMessage(value: AttributeValue): StoredMessage | undefined {
  const type = value.M?.type?.S;
  const content = value.M?.content?.S;
  if (type === undefined || content === undefined) return undefined;
  const toolCallId = value.M?.toolCallId?.S;
  // A tool message without the id of its call cannot be sent to a model; LangChain's mapper would throw on it.
  if (type === 'tool' && toolCallId === undefined) return undefined;
  const data: StoredMessageData & ToolFields = {
    content,
    role: undefined,
    name: value.M?.name?.S,
    tool_call_id: toolCallId,
    ...(value.M?.toolCalls?.S === undefined ? {} : { tool_calls: parseToolCalls(value.M.toolCalls.S) }),
    ...(value.M?.status?.S === 'error' ? { status: 'error' } : {}),
  };
  return { type, data };
}

function parseToolCalls(json: string): ToolCall[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((call): call is ToolCall => typeof call?.id === 'string' && typeof call?.name === 'string')
      .map((call) => ({ id: call.id, name: call.name, args: call.args ?? {}, type: 'tool_call' }));
  } catch {
    return [];
  }
}

/** Message content as plain text (a provider may send content parts). */
function textOf(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.text;
}
