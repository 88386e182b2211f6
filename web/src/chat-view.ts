/**
 * What the visitor sees of a chat: the transcript (a live region, so a screen reader reads each new line), a
 * status line for typing and connection, and the forms. It knows nothing of Connect: main.ts turns chat events
 * into these calls, the same way for the deployed participant service and the local stand-in.
 */

export type Speaker = 'customer' | 'bot' | 'agent' | 'notice';

/** Addresses in a message become links; only http(s), so a message cannot smuggle a javascript: link. */
const ADDRESS = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

export class ChatView {
  readonly startForm = element<HTMLFormElement>('start-form');
  readonly nameInput = element<HTMLInputElement>('display-name');
  readonly messageForm = element<HTMLFormElement>('message-form');
  readonly messageInput = element<HTMLInputElement>('message');
  readonly endButton = element<HTMLButtonElement>('end-chat');
  readonly newChatButton = element<HTMLButtonElement>('new-chat');
  private readonly conversation = element<HTMLElement>('conversation');
  private readonly transcript = element<HTMLOListElement>('transcript');
  private readonly status = element<HTMLElement>('status');
  private readonly error = element<HTMLElement>('error');
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(limits: { readonly displayName: number; readonly message: number }) {
    this.nameInput.maxLength = limits.displayName;
    this.messageInput.maxLength = limits.message;
  }

  /** Starting: the name form waits; an earlier error goes. */
  starting(): void {
    this.showError('');
    this.setBusy(this.startForm, true);
    // Cleared now, not when the chat opens: lines can arrive before the page hears that it is connected.
    this.transcript.replaceChildren();
  }

  /** The chat is open: the conversation shows and the message box has the focus. */
  opened(): void {
    this.startForm.hidden = true;
    this.newChatButton.hidden = true;
    this.conversation.hidden = false;
    this.setBusy(this.messageForm, false);
    this.endButton.disabled = false;
    this.messageInput.focus();
  }

  /** The chat could not start: say why and give the name form back. */
  failedToStart(message: string): void {
    this.setBusy(this.startForm, false);
    this.showError(message);
    this.nameInput.focus();
  }

  /**
   * A line of the conversation, in the place its time gives it: a line caught up from the transcript after a
   * reconnection can be older than the last one shown. Connect's AbsoluteTime is ISO 8601 in UTC with
   * milliseconds, so the strings sort as the times do.
   */
  addLine(speaker: Speaker, name: string, text: string, at?: string): void {
    if (speaker !== 'customer') this.stopTyping();
    const item = document.createElement('li');
    item.className = speaker;
    if (speaker !== 'notice') {
      const sender = document.createElement('span');
      sender.className = 'sender';
      sender.textContent = name;
      item.append(sender);
    }
    item.append(...withLinks(text));
    if (at) item.dataset.at = at;
    const later = at
      ? Array.from(this.transcript.children).find((line) => ((line as HTMLElement).dataset.at ?? '') > at)
      : undefined;
    this.transcript.insertBefore(item, later ?? null);
    item.scrollIntoView({ block: 'end' });
  }

  /** Someone else is typing; it clears itself, as the other side sends no "stopped typing". */
  showTyping(name: string): void {
    this.status.textContent = `${name} is typing…`;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), 15_000);
  }

  showStatus(text: string): void {
    this.stopTyping();
    this.status.textContent = text;
  }

  showError(message: string): void {
    this.error.textContent = message;
  }

  /** The chat is over: nothing more can be sent, and the focus goes to starting a new one. */
  ended(): void {
    this.stopTyping();
    this.setBusy(this.messageForm, true);
    this.endButton.disabled = true;
    this.newChatButton.hidden = false;
    this.newChatButton.focus();
  }

  /** Back to the name form for another chat. */
  reset(): void {
    this.conversation.hidden = true;
    this.newChatButton.hidden = true;
    this.startForm.hidden = false;
    this.status.textContent = '';
    this.setBusy(this.startForm, false);
    this.nameInput.focus();
  }

  private stopTyping(): void {
    clearTimeout(this.typingTimer);
    if (this.status.textContent?.endsWith('is typing…')) this.status.textContent = '';
  }

  private setBusy(form: HTMLFormElement, busy: boolean): void {
    for (const control of Array.from(form.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button'))) {
      control.disabled = busy;
    }
  }
}

/** The text as nodes, each web address a link that opens in a new tab. */
function withLinks(text: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const start = match.index ?? 0;
    if (start > last) nodes.push(document.createTextNode(text.slice(last, start)));
    const link = document.createElement('a');
    link.href = match[0];
    link.textContent = match[0];
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    nodes.push(link);
    last = start + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}
