/**
 * A small OpenAI-compatible chat-completions server on loopback, for tests and the benchmark. It speaks just
 * enough of POST /v1/chat/completions (non-streaming) for the real OpenAI client and LangChain's ChatOpenAI, and
 * a test decides, request by request, how it behaves: what it answers, how slowly, or whether it fails with an
 * HTTP status, sends garbage, or never answers at all. Every request is recorded, so a test can check the prompt
 * that was sent and its size.
 *
 *   const openai = await startFakeOpenAI();
 *   process.env.OPENAI_BASE_URL = openai.baseUrl;
 *   openai.setBehaviour({ reply: 'Hello.', delayMs: 1000 });
 *   openai.setBehaviour((request) => ({ reply: `You sent ${request.body.messages.length} messages.` }));
 *   openai.setBehaviour({ toolCalls: [{ name: 'look_up_order', arguments: { orderId: '4711' } }] });
 *   ...
 *
 * With `azure`, it is shaped as an Azure OpenAI resource instead: it answers only
 * POST /openai/deployments/<deployment>/chat/completions?api-version=... with the key in an `api-key` header,
 * and refuses another key with Azure's 401 (https://learn.microsoft.com/azure/ai-services/openai/reference).
 *   await openai.stop();
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessageBody {
  readonly role: string;
  /** Null on an assistant message that only calls tools. */
  readonly content: string;
  /** An assistant message's calls, as OpenAI sends them. */
  readonly tool_calls?: readonly { id: string; type: string; function: { name: string; arguments: string } }[];
  /** A tool message's call. */
  readonly tool_call_id?: string;
}

/** A tool call the fake answers with (`id` defaults to call_<request>_<index>). */
export interface FakeToolCall {
  readonly name: string;
  /** Sent as JSON text, as OpenAI does; a string is sent as it is (to play malformed arguments). */
  readonly arguments: unknown;
  readonly id?: string;
}

export interface ChatCompletionBody {
  readonly model: string;
  readonly messages: readonly ChatMessageBody[];
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  readonly stream?: boolean;
  readonly [key: string]: unknown;
}

export interface RecordedRequest {
  /** 0 for the first request the server received. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, as sent (its length is the prompt's size on the wire). */
  readonly rawBody: string;
  /** The parsed body; messages is empty if the body was not JSON. */
  readonly body: ChatCompletionBody;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

export interface Behaviour {
  /** The answer text (default: an echo of the last user message). */
  readonly reply?: string;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Answer with this HTTP status and an OpenAI-style error body, e.g. 429 or 500. */
  readonly status?: number;
  /** The error body's message with `status` (a server may echo the prompt in it). */
  readonly errorMessage?: string;
  /** Answer 200 with a body that is not a chat completion. */
  readonly garbage?: boolean;
  /** Never answer (until the client gives up or the server stops). */
  readonly hang?: boolean;
  /** Answer with these tool calls (and `reply`, if set, as the text beside them). */
  readonly toolCalls?: readonly FakeToolCall[];
}

export type BehaviourRule = Behaviour | ((request: RecordedRequest) => Behaviour);

export interface FakeAzureOptions {
  readonly deployment: string;
  /** The key the resource accepts. */
  readonly apiKey: string;
}

export interface FakeOpenAI {
  /** http://127.0.0.1:<port>/v1: give it to the client as OPENAI_BASE_URL. */
  readonly baseUrl: string;
  /** http://127.0.0.1:<port>: an Azure OpenAI endpoint (AZURE_OPENAI_ENDPOINT) when started with `azure`. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** How the server answers from now on. */
  setBehaviour(rule: BehaviourRule): void;
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Closes every connection (hanging ones too) and stops the server. */
  stop(): Promise<void>;
}

/** The last user message, echoed when a test sets no reply. */
export function lastUserMessage(request: RecordedRequest): string {
  return [...request.body.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
}

export async function startFakeOpenAI(
  initial: BehaviourRule = {},
  options: { azure?: FakeAzureOptions } = {},
): Promise<FakeOpenAI> {
  let rule = initial;
  const requests: RecordedRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        index: requests.length,
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        rawBody,
        body: parseBody(rawBody),
        receivedAt: Date.now(),
      };
      requests.push(recorded);

      const url = new URL(request.url ?? '/', 'http://fake');
      const { azure } = options;
      if (azure) {
        const refused = azureRefusal(request.method, url, request.headers, azure);
        if (refused) return sendJson(response, refused.status, refused.body);
      } else if (request.method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
        return sendJson(
          response,
          404,
          errorBody(`The fake serves only POST /v1/chat/completions, not ${request.method} ${request.url}`),
        );
      }
      if (recorded.body.stream) {
        return sendJson(response, 400, errorBody('The fake does not stream; the function does not ask it to.'));
      }
      // As OpenAI: a prompt whose tool messages are not paired with their calls is refused with a 400.
      const pairing = toolPairingProblem(recorded.body.messages);
      if (pairing !== undefined) return sendJson(response, 400, errorBody(pairing));
      const behaviour = typeof rule === 'function' ? rule(recorded) : rule;
      if (behaviour.hang) return; // the socket stays open until the client aborts or stop() closes it

      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        if (response.destroyed) return;
        if (behaviour.status !== undefined && behaviour.status !== 200) {
          const message = behaviour.errorMessage ?? `Fake failure with status ${behaviour.status}`;
          return sendJson(response, behaviour.status, errorBody(message));
        }
        if (behaviour.garbage) {
          response.writeHead(200, { 'content-type': 'application/json' });
          return response.end('{"this is": not a chat completion');
        }
        if (behaviour.toolCalls)
          return sendJson(response, 200, toolCallCompletion(recorded, behaviour.toolCalls, behaviour.reply));
        sendJson(response, 200, completion(recorded, behaviour.reply ?? `You said: ${lastUserMessage(recorded)}`));
      }, behaviour.delayMs ?? 0);
      pendingTimers.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setBehaviour(next) {
      rule = next;
    },
    clearRequests() {
      requests.length = 0;
    },
    stop() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/** What Azure OpenAI answers a request for another deployment, without an API version, or with a wrong key. */
function azureRefusal(method: string | undefined, url: URL, headers: IncomingHttpHeaders, azure: FakeAzureOptions) {
  const path = `/openai/deployments/${azure.deployment}/chat/completions`;
  if (method !== 'POST' || url.pathname !== path) {
    return {
      status: 404,
      body: { error: { code: 'DeploymentNotFound', message: `The fake serves only POST ${path}` } },
    };
  }
  if (!url.searchParams.get('api-version')) {
    return { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
  }
  if (headers['api-key'] !== azure.apiKey) {
    const message = 'Access denied due to invalid subscription key or wrong API endpoint.';
    return { status: 401, body: { error: { code: '401', message } } };
  }
  return undefined;
}

function parseBody(rawBody: string): ChatCompletionBody {
  try {
    const parsed = JSON.parse(rawBody) as ChatCompletionBody;
    return { ...parsed, messages: Array.isArray(parsed.messages) ? parsed.messages : [] };
  } catch {
    return { model: '', messages: [] };
  }
}

function completion(request: RecordedRequest, content: string) {
  const promptTokens = Math.ceil(request.rawBody.length / 4);
  const completionTokens = Math.ceil(content.length / 4);
  return {
    id: `chatcmpl-fake-${request.index}`,
    object: 'chat.completion',
    created: Math.floor(request.receivedAt / 1000),
    model: request.body.model,
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

function toolCallCompletion(request: RecordedRequest, calls: readonly FakeToolCall[], content: string | undefined) {
  const base = completion(request, content ?? '');
  const toolCalls = calls.map((call, index) => ({
    id: call.id ?? `call_${request.index}_${index}`,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
  const message = { role: 'assistant', content: content ?? null, tool_calls: toolCalls };
  return { ...base, choices: [{ index: 0, message, logprobs: null, finish_reason: 'tool_calls' }] };
}

/**
 * OpenAI's rule for tool messages, checked on every request: each assistant message with tool_calls is followed
 * by one tool message per call id, and a tool message only follows such a call. Returns the problem, if any.
 */
export function toolPairingProblem(messages: readonly ChatMessageBody[]): string | undefined {
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (message.role === 'tool') {
      return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (message ${index}).`;
    }
    const ids = (message.tool_calls ?? []).map((call) => call.id);
    if (message.role !== 'assistant' || ids.length === 0) continue;
    const answered: string[] = [];
    while (messages[index + 1]?.role === 'tool') answered.push(messages[++index].tool_call_id ?? '');
    const missing = ids.filter((id) => !answered.includes(id));
    const unknown = answered.filter((id) => !ids.includes(id));
    if (missing.length > 0 || unknown.length > 0) {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. Missing: ${missing.join(', ') || '-'}; unknown: ${unknown.join(', ') || '-'}.`;
    }
  }
  return undefined;
}

function errorBody(message: string) {
  return { error: { message, type: 'fake_error', param: null, code: null } };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
