/**
 * A loopback stand-in for the two AWS services a web chat touches, as much of them as the page uses:
 *
 * - Connect's StartChatContact (PUT /contact/chat), which the real start-chat function calls with its SDK client
 *   pointed here: it starts a CHAT contact that walks the flow file through the flow engine, the Lex emulator and
 *   the real answer function (`holdChat`, given by the server);
 * - the Connect participant service that amazon-connect-chatjs talks to (its `endpoint` setting):
 *   CreateParticipantConnection, SendMessage, SendEvent, GetTranscript and DisconnectParticipant under
 *   /participant/*, each authorized by its X-Amz-Bearer token, and the websocket the connection names, with the
 *   websocket manager's protocol (aws/subscribe, aws/heartbeat, aws/ping; items pushed on the aws/chat topic).
 *
 * Shapes follow the Connect Participant Service API reference and chatjs's source (src/core, src/lib
 * amazon-connect-websocket-manager). Anything else is a 404 that names the path.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { CallEvent } from './call-events';
import type { Caller } from './caller';

export const CONTENT_TYPES = {
  text: 'text/plain',
  typing: 'application/vnd.amazonaws.connect.event.typing',
  joined: 'application/vnd.amazonaws.connect.event.participant.joined',
  left: 'application/vnd.amazonaws.connect.event.participant.left',
  ended: 'application/vnd.amazonaws.connect.event.chat.ended',
} as const;

/** A transcript item (connect-participant API_Item). */
export interface ChatItem {
  readonly Id: string;
  readonly AbsoluteTime: string;
  readonly Type: 'MESSAGE' | 'EVENT';
  readonly ContentType: string;
  readonly Content?: string;
  readonly ParticipantId: string;
  readonly DisplayName: string;
  readonly ParticipantRole: 'CUSTOMER' | 'SYSTEM' | 'AGENT';
  readonly ContactId: string;
  readonly InitialContactId: string;
}

/** Connect's websocket URLs live for a while; chatjs refuses a transport that lives under 5 minutes. */
const CONNECTION_LIFETIME_MS = 24 * 60 * 60 * 1000;
const BOT = { ParticipantId: 'local-bot', DisplayName: 'BOT', ParticipantRole: 'SYSTEM' } as const;
const FLOW = { ParticipantId: 'local-flow', DisplayName: 'SYSTEM_MESSAGE', ParticipantRole: 'SYSTEM' } as const;

/** One chat contact: its tokens, its transcript, the sockets listening, and the customer's lines for the bot. */
export class LocalChat {
  readonly contactId = randomUUID();
  readonly participantId = randomUUID();
  readonly participantToken = `local-participant-${randomUUID()}`;
  readonly connectionToken = `local-connection-${randomUUID()}`;
  readonly items: ChatItem[] = [];
  readonly sockets = new Set<WebSocket>();
  private ended = false;
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;

  constructor(readonly displayName: string) {}

  /** The customer as the flow's Lex block hears them: each chat message is one line; leaving is hanging up. */
  readonly caller: Caller = {
    nextLine: () =>
      new Promise((resolve) => {
        const line = this.lines.shift();
        if (line !== undefined || this.ended) resolve(line);
        else this.waiting = resolve;
      }),
  };

  get isEnded(): boolean {
    return this.ended;
  }

  /** What happens on the local call, as the chat shows it. */
  hear(event: CallEvent): void {
    switch (event.kind) {
      case 'flow':
        this.post('MESSAGE', CONTENT_TYPES.text, FLOW, event.text);
        return;
      case 'bot':
        this.post('MESSAGE', CONTENT_TYPES.text, BOT, event.text);
        return;
      // While the function works, the bot is typing (on the phone, Lex would speak a filler).
      case 'lex-event':
      case 'filler':
        this.post('EVENT', CONTENT_TYPES.typing, BOT);
        return;
      case 'hang-up':
        if (event.by === 'flow') this.end(BOT);
        return;
      default:
        return;
    }
  }

  /** A message from the customer: into the transcript, and on to the bot. */
  say(text: string): ChatItem {
    const item = this.post('MESSAGE', CONTENT_TYPES.text, this.customer(), text);
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(text);
    } else {
      this.lines.push(text);
    }
    return item;
  }

  customerTyping(): ChatItem {
    return this.post('EVENT', CONTENT_TYPES.typing, this.customer());
  }

  /** The customer left: the bot hears a hang-up. */
  disconnect(): void {
    this.end(this.customer());
  }

  /** Someone left; the chat is over for everyone. */
  end(who: Pick<ChatItem, 'ParticipantId' | 'DisplayName' | 'ParticipantRole'>): void {
    if (this.ended) return;
    this.post('EVENT', CONTENT_TYPES.left, who);
    this.post('EVENT', CONTENT_TYPES.ended, FLOW);
    this.ended = true;
    this.waiting?.(undefined);
    this.waiting = undefined;
  }

  private customer() {
    return { ParticipantId: this.participantId, DisplayName: this.displayName, ParticipantRole: 'CUSTOMER' } as const;
  }

  private post(
    Type: ChatItem['Type'],
    ContentType: string,
    from: Pick<ChatItem, 'ParticipantId' | 'DisplayName' | 'ParticipantRole'>,
    Content?: string,
  ): ChatItem {
    const item: ChatItem = {
      Id: randomUUID(),
      AbsoluteTime: new Date().toISOString(),
      Type,
      ContentType,
      ...(Content === undefined ? {} : { Content }),
      ...from,
      ContactId: this.contactId,
      InitialContactId: this.contactId,
    };
    if (this.ended) return item;
    // Typing is a moment, not a line of the transcript (GetTranscript does not return it).
    if (ContentType !== CONTENT_TYPES.typing) this.items.push(item);
    const pushed = JSON.stringify({
      topic: 'aws/chat',
      contentType: 'application/json',
      content: JSON.stringify(item),
    });
    for (const socket of this.sockets) if (socket.readyState === WebSocket.OPEN) socket.send(pushed);
    return item;
  }
}

export interface ParticipantServiceOptions {
  /** This server's origin, http://127.0.0.1:<port>; the websocket URL is made from it. */
  readonly origin: () => string;
  /** The instance and flow StartChatContact accepts (the start-chat function's settings). */
  readonly instanceId: string;
  readonly contactFlowId: string;
  /** Starts walking the flow for a new chat; runs until the chat ends. */
  readonly holdChat: (chat: LocalChat) => void;
}

export class LocalParticipantService {
  private readonly chats = new Map<string, LocalChat>();
  private readonly byConnection = new Map<string, LocalChat>();
  private readonly sockets = new WebSocketServer({ noServer: true });

  constructor(private readonly options: ParticipantServiceOptions) {}

  /** Every chat ever started (tests and the terminal read them). */
  get allChats(): LocalChat[] {
    return [...this.chats.values()];
  }

  /** Handles the request if it is one of ours; false otherwise. */
  async handle(request: IncomingMessage, response: ServerResponse, body: string): Promise<boolean> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'PUT' && path === '/contact/chat') {
      this.startChatContact(body, response);
      return true;
    }
    if (request.method !== 'POST' || !path.startsWith('/participant/')) return false;

    const token = String(request.headers['x-amz-bearer'] ?? '');
    const input = parseJson(body);
    if (path === '/participant/connection') {
      const chat = this.chats.get(token);
      if (!chat || chat.isEnded)
        return refuse(response, 403, 'AccessDeniedException', 'The participant token is not valid.');
      const expiry = new Date(Date.now() + CONNECTION_LIFETIME_MS).toISOString();
      this.byConnection.set(chat.connectionToken, chat);
      json(response, 200, {
        Websocket: {
          Url: `${this.options.origin().replace(/^http/, 'ws')}/participant-websocket?token=${chat.connectionToken}`,
          ConnectionExpiry: expiry,
        },
        ConnectionCredentials: { ConnectionToken: chat.connectionToken, Expiry: expiry },
      });
      return true;
    }

    const chat = this.byConnection.get(token);
    if (!chat) return refuse(response, 403, 'AccessDeniedException', 'The connection token is not valid.');
    switch (path) {
      case '/participant/message': {
        const content = typeof input?.Content === 'string' ? input.Content.trim() : '';
        if (input?.ContentType !== CONTENT_TYPES.text || content === '') {
          return refuse(response, 400, 'ValidationException', 'A message needs ContentType text/plain and Content.');
        }
        if (chat.isEnded) return refuse(response, 403, 'AccessDeniedException', 'The chat has ended.');
        const item = chat.say(content);
        json(response, 200, { Id: item.Id, AbsoluteTime: item.AbsoluteTime });
        return true;
      }
      case '/participant/event': {
        const item = chat.customerTyping();
        json(response, 200, { Id: item.Id, AbsoluteTime: item.AbsoluteTime });
        return true;
      }
      case '/participant/transcript': {
        const max = typeof input?.MaxResults === 'number' ? input.MaxResults : 15;
        const newest = chat.items.slice(-max);
        const Transcript = input?.SortOrder === 'DESCENDING' ? [...newest].reverse() : newest;
        json(response, 200, { InitialContactId: chat.contactId, Transcript });
        return true;
      }
      case '/participant/disconnect':
        chat.disconnect();
        json(response, 200, {});
        return true;
      default:
        refuse(response, 404, 'ResourceNotFoundException', `The local participant service has no ${path}.`);
        return true;
    }
  }

  /** Takes the websocket chatjs opens with the connection's URL; false if the upgrade is not ours. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/participant-websocket') return false;
    const chat = this.byConnection.get(url.searchParams.get('token') ?? '');
    if (!chat) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return true;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => {
      chat.sockets.add(ws);
      ws.on('close', () => chat.sockets.delete(ws));
      ws.on('message', (data) => answerWebsocket(ws, String(data)));
    });
    return true;
  }

  close(): void {
    for (const chat of this.chats.values()) {
      chat.end({ ParticipantId: 'local-server', DisplayName: 'SYSTEM_MESSAGE', ParticipantRole: 'SYSTEM' });
      for (const socket of chat.sockets) socket.terminate();
    }
    this.sockets.close();
  }

  private startChatContact(body: string, response: ServerResponse): void {
    const input = parseJson(body);
    const displayName = (input?.ParticipantDetails as { DisplayName?: unknown } | undefined)?.DisplayName;
    if (input?.InstanceId !== this.options.instanceId || input?.ContactFlowId !== this.options.contactFlowId) {
      refuse(response, 404, 'ResourceNotFoundException', 'No such instance or flow on the local server.');
      return;
    }
    if (typeof displayName !== 'string' || displayName === '') {
      refuse(response, 400, 'InvalidRequestException', 'ParticipantDetails.DisplayName is required.');
      return;
    }
    const chat = new LocalChat(displayName);
    this.chats.set(chat.participantToken, chat);
    this.options.holdChat(chat);
    json(response, 200, {
      ContactId: chat.contactId,
      ParticipantId: chat.participantId,
      ParticipantToken: chat.participantToken,
    });
  }
}

/** The websocket manager's control topics; chat items only ever go the other way. */
function answerWebsocket(ws: WebSocket, text: string): void {
  const message = parseJson(text);
  switch (message?.topic) {
    case 'aws/subscribe': {
      const topics = (message.content as { topics?: unknown } | undefined)?.topics;
      ws.send(
        JSON.stringify({
          topic: 'aws/subscribe',
          content: { status: 'success', topics: Array.isArray(topics) ? topics : [] },
        }),
      );
      return;
    }
    case 'aws/heartbeat':
      ws.send(JSON.stringify({ topic: 'aws/heartbeat' }));
      return;
    case 'aws/ping':
      ws.send(JSON.stringify({ topic: 'aws/ping', statusCode: 200, statusContent: 'OK' }));
      return;
    default:
      return;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** An AWS error as the SDK reads it (x-amzn-errortype and a message). */
function refuse(response: ServerResponse, status: number, type: string, message: string): true {
  const text = JSON.stringify({ message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-errortype': type,
  });
  response.end(text);
  return true;
}
