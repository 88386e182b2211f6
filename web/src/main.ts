/**
 * The chat page: ask for a name, start a chat through the start-chat API (which asks Connect), then talk over
 * Amazon Connect's chat library. The page reads its backend from config.json: deployed, the API and the region;
 * locally (`npm start -- --web`), a path on the local server and its stand-in for the participant service, which
 * the library is pointed at with its own `endpoint` setting. The same code and rendering serve both.
 */
import 'amazon-connect-chatjs';
import {
  CHAT_MESSAGE_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  type StartChatRequest,
  type StartChatResponse,
  WEB_CHAT_CONFIG_FILE,
  type WebChatConfig,
} from '../../lib/definition/web-chat';
import { ChatView, type Speaker } from './chat-view';

const CONTENT = {
  text: 'text/plain',
  typing: 'application/vnd.amazonaws.connect.event.typing',
  joined: 'application/vnd.amazonaws.connect.event.participant.joined',
  left: 'application/vnd.amazonaws.connect.event.participant.left',
  ended: 'application/vnd.amazonaws.connect.event.chat.ended',
} as const;
/** Typing events go out at most this often while the visitor types. */
const TYPING_EVERY_MS = 5_000;
const BOT_NAME = 'Chalkbot';
const CATCH_UP_RETRY_MS = 1_000;

/** The fields of a transcript item or websocket message that the page reads. */
interface ChatItem {
  readonly Id?: string;
  readonly AbsoluteTime?: string;
  readonly Type?: string;
  readonly ContentType?: string;
  readonly Content?: string;
  readonly ParticipantRole?: string;
  readonly DisplayName?: string;
}

type Session = ReturnType<typeof connect.ChatSession.create>;

const view = new ChatView({ displayName: DISPLAY_NAME_MAX_LENGTH, message: CHAT_MESSAGE_MAX_LENGTH });
let session: Session | undefined;
let shown = new Set<string>();
let chatOver = false;
let lastTypingSent = 0;

async function loadConfig(): Promise<WebChatConfig> {
  const response = await fetch(WEB_CHAT_CONFIG_FILE, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The chat is not set up (${WEB_CHAT_CONFIG_FILE}: HTTP ${response.status}).`);
  return (await response.json()) as WebChatConfig;
}

/** POSTs the name; the API's own message when it refuses (bad name, too many chats, Connect down). */
async function startChat(config: WebChatConfig, displayName: string): Promise<StartChatResponse> {
  let response: Response;
  try {
    response = await fetch(config.startChatUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName } satisfies StartChatRequest),
    });
  } catch {
    throw new Error('The chat service cannot be reached. Check your connection and try again.');
  }
  const body = (await response.json().catch(() => ({}))) as Partial<StartChatResponse> & { message?: string };
  if (!response.ok || !body.participantToken || !body.contactId || !body.participantId) {
    throw new Error(body.message ?? `The chat could not start (HTTP ${response.status}).`);
  }
  return { contactId: body.contactId, participantId: body.participantId, participantToken: body.participantToken };
}

function speakerOf(item: ChatItem): { speaker: Speaker; name: string } {
  switch (item.ParticipantRole) {
    case 'CUSTOMER':
      return { speaker: 'customer', name: 'You' };
    case 'AGENT':
      return { speaker: 'agent', name: item.DisplayName || 'Agent' };
    default:
      // The flow's messages (SYSTEM) and the Lex bot's are both Chalkbot to the visitor.
      return { speaker: 'bot', name: BOT_NAME };
  }
}

/** Shows an item once: the transcript fetched after connecting and the websocket may both bring it. */
function show(item: ChatItem): void {
  if (item.Id) {
    if (shown.has(item.Id)) return;
    shown.add(item.Id);
  }
  if (item.Type === 'MESSAGE' && item.Content) {
    const { speaker, name } = speakerOf(item);
    view.addLine(speaker, name, item.Content, item.AbsoluteTime);
  } else if (item.ContentType === CONTENT.joined && item.ParticipantRole === 'AGENT') {
    view.addLine('notice', '', `${item.DisplayName || 'An agent'} joined the chat.`, item.AbsoluteTime);
  } else if (item.ContentType === CONTENT.left && item.ParticipantRole === 'AGENT') {
    view.addLine('notice', '', `${item.DisplayName || 'The agent'} left the chat.`, item.AbsoluteTime);
  } else if (item.ContentType === CONTENT.ended) {
    end();
  }
}

function end(): void {
  if (chatOver) return;
  chatOver = true;
  view.addLine('notice', '', 'The chat has ended.');
  view.ended();
}

async function open(displayName: string): Promise<void> {
  view.starting();
  let config: WebChatConfig;
  let details: StartChatResponse;
  try {
    config = await configured;
    details = await startChat(config, displayName);
  } catch (error) {
    view.failedToStart((error as Error).message);
    return;
  }
  shown = new Set();
  chatOver = false;
  const current = connect.ChatSession.create({
    chatDetails: details,
    options: { region: config.region },
    type: 'CUSTOMER',
    // No client-side metrics script from AWS: the page loads nothing it did not bundle.
    disableCSM: true,
  });
  session = current;
  current.onMessage((event) => show(event.data));
  // Each time the websocket is up (the first time, and after a lost connection comes back), what was said while
  // it was not: chatjs's connect() resolves before its websocket opens, so the flow's greeting can fall between.
  current.onConnectionEstablished(() => void catchUp(current));
  current.onTyping((event) => {
    if (event.data.ParticipantRole !== 'CUSTOMER') view.showTyping(speakerOf(event.data).name);
  });
  current.onEnded(() => end());
  current.onConnectionBroken(() => {
    if (!chatOver) view.showStatus('The connection was lost. Start a new chat to go on.');
  });
  try {
    await current.connect();
  } catch {
    view.failedToStart('The chat started but could not connect. Please try again.');
    return;
  }
  view.opened();
}

/** Shows what the transcript has and the page has not; a failed read is tried again once, then said. */
async function catchUp(current: Session, attempt = 1): Promise<void> {
  try {
    const { data } = await current.getTranscript({
      sortOrder: 'ASCENDING',
      scanDirection: 'BACKWARD',
      maxResults: 100,
    });
    for (const item of (data as { Transcript?: ChatItem[] } | undefined)?.Transcript ?? []) show(item);
  } catch {
    if (session !== current || chatOver) return;
    if (attempt < 2) setTimeout(() => void catchUp(current, attempt + 1), CATCH_UP_RETRY_MS);
    else view.showStatus('Some earlier messages could not be loaded.');
  }
}

async function send(text: string): Promise<void> {
  if (!session || chatOver) return;
  view.messageInput.value = '';
  try {
    await session.sendMessage({ contentType: CONTENT.text, message: text });
  } catch {
    view.messageInput.value = text;
    view.showStatus('Your message could not be sent. Please try again.');
  }
}

/**
 * The page's settings, asked for as soon as the page runs. A start waits for them, so the forms work at once: with
 * their handlers attached only after the settings came, a name sent sooner submitted the form natively, which
 * reloaded the page and lost the name.
 */
const configured: Promise<WebChatConfig> = loadConfig().then((config) => {
  connect.ChatSession.setGlobalConfig({
    region: config.region,
    // chatjs's own setting for another participant service; set only by the local server.
    ...(config.participantEndpoint ? { endpoint: config.participantEndpoint } : {}),
    loggerConfig: { level: connect.ChatSession.LogLevel.WARN },
  } as Parameters<typeof connect.ChatSession.setGlobalConfig>[0]);
  return config;
});

function main(): void {
  configured.catch((error: Error) => view.failedToStart(error.message));
  view.startForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = view.nameInput.value.trim();
    if (name !== '') void open(name);
  });
  view.messageForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = view.messageInput.value.trim();
    if (text !== '') void send(text);
  });
  view.messageInput.addEventListener('input', () => {
    if (!session || chatOver || Date.now() - lastTypingSent < TYPING_EVERY_MS) return;
    lastTypingSent = Date.now();
    session.sendEvent({ contentType: CONTENT.typing }).catch(() => undefined);
  });
  view.endButton.addEventListener('click', () => {
    const current = session;
    if (!current || chatOver) return;
    current.disconnectParticipant().catch(() => undefined);
    end();
  });
  view.newChatButton.addEventListener('click', () => view.reset());
  view.nameInput.focus();
}

main();
