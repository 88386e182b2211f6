/**
 * A small Amazon Bedrock runtime on loopback, for tests, the benchmark and a local call: it speaks just enough
 * of the Converse API (`POST /model/{modelId}/converse`, JSON, non-streaming) for the real Bedrock runtime client
 * and LangChain's ChatBedrockConverse. Point the SDK at it with AWS_ENDPOINT_URL_BEDROCK_RUNTIME. As with the
 * OpenAI fake, a test decides request by request what it answers, how slowly, or whether it fails as Bedrock
 * fails (ThrottlingException 429, InternalServerException 500, AccessDeniedException 403, ...) or hangs.
 *
 * Shapes from the Converse API reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * (errors carry their type in the `x-amzn-errortype` header, as AWS restJson1 services send them). It speaks
 * HTTP/2 (cleartext), because the Bedrock runtime client does: its default request handler is the SDK's HTTP/2
 * one, and the function keeps that default.
 *
 *   const bedrock = await startFakeBedrock();
 *   env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = bedrock.endpoint;
 *   bedrock.setBehaviour({ reply: 'Hello.' });
 *   bedrock.setBehaviour({ status: 429 });
 *   bedrock.setBehaviour({ toolCalls: [{ name: 'look_up_order', input: { orderId: '4711' } }] });
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';

/** One content block of a Converse message (text, a tool call, a tool result). */
export interface ConverseContentBlock {
  readonly text?: string;
  readonly toolUse?: { readonly toolUseId: string; readonly name: string; readonly input: unknown };
  readonly toolResult?: { readonly toolUseId: string; readonly content: readonly unknown[]; readonly status?: string };
}

export interface ConverseMessage {
  readonly role: 'user' | 'assistant';
  readonly content: readonly ConverseContentBlock[];
}

export interface ConverseBody {
  readonly messages: readonly ConverseMessage[];
  readonly system?: readonly { readonly text?: string }[];
  readonly inferenceConfig?: { readonly maxTokens?: number; readonly temperature?: number };
  readonly toolConfig?: { readonly tools: readonly { readonly toolSpec?: { readonly name: string } }[] };
}

export interface RecordedConverse {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  /** The model id or inference profile id from the path, decoded. */
  readonly modelId: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: ConverseBody;
  readonly receivedAt: number;
}

/** Errors as Bedrock sends them: HTTP status and the exception's name. */
export const BEDROCK_ERRORS: Readonly<Record<number, string>> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

export interface BedrockBehaviour {
  /** The answer text (default: an echo of the last user text). */
  readonly reply?: string;
  readonly delayMs?: number;
  /** Fail with this HTTP status and Bedrock's exception for it (BEDROCK_ERRORS). */
  readonly status?: number;
  /** Never answer (until the client gives up or the server stops). */
  readonly hang?: boolean;
  /** Answer with these tool calls (stopReason tool_use), and `reply`, if set, as the text before them. */
  readonly toolCalls?: readonly { readonly name: string; readonly input: unknown; readonly id?: string }[];
}

export type BedrockBehaviourRule = BedrockBehaviour | ((request: RecordedConverse) => BedrockBehaviour);

export interface FakeBedrock {
  /** http://127.0.0.1:<port>: AWS_ENDPOINT_URL_BEDROCK_RUNTIME. */
  readonly endpoint: string;
  readonly requests: readonly RecordedConverse[];
  setBehaviour(rule: BedrockBehaviourRule): void;
  clearRequests(): void;
  stop(): Promise<void>;
}

/** The caller's last words in a Converse request (text blocks of the last user message). */
export function lastUserText(request: RecordedConverse): string {
  const last = [...request.body.messages].reverse().find((message) => message.role === 'user');
  return (last?.content ?? []).map((block) => block.text ?? '').join('');
}

const CONVERSE_PATH = /^\/model\/([^/]+)\/converse$/;

export async function startFakeBedrock(initial: BedrockBehaviourRule = {}): Promise<FakeBedrock> {
  let rule = initial;
  const requests: RecordedConverse[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sessions = new Set<ServerHttp2Session>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      const match = CONVERSE_PATH.exec(path);
      let body: ConverseBody = { messages: [] };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConverseBody;
      } catch {
        // recorded with no messages; answered as Bedrock answers a body it cannot read
      }
      const recorded: RecordedConverse = {
        index: requests.length,
        method: request.method ?? '',
        path,
        modelId: match ? decodeURIComponent(match[1]!) : '',
        headers: request.headers,
        body,
        receivedAt: Date.now(),
      };
      requests.push(recorded);

      if (request.method !== 'POST' || !match)
        return sendError(
          response,
          404,
          `The fake serves only POST /model/{modelId}/converse, not ${request.method} ${path}`,
        );
      // The real service refuses an unsigned request; the fake checks that the SDK signed it (SigV4).
      if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        return sendError(response, 403, 'Missing Authentication Token', 'UnrecognizedClientException');
      }
      if (!Array.isArray(body.messages) || body.messages.length === 0)
        return sendError(response, 400, 'messages is required');

      const behaviour = typeof rule === 'function' ? rule(recorded) : rule;
      if (behaviour.hang) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (response.stream.destroyed) return;
        if (behaviour.status !== undefined && behaviour.status !== 200)
          return sendError(response, behaviour.status, `Fake ${behaviour.status}`);
        sendJson(response, 200, converseOutput(recorded, behaviour));
      }, behaviour.delayMs ?? 0);
      timers.add(timer);
    });
  });

  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setBehaviour(next) {
      rule = next;
    },
    clearRequests() {
      requests.length = 0;
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        for (const session of sessions) session.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

function converseOutput(request: RecordedConverse, behaviour: BedrockBehaviour) {
  const text = behaviour.reply ?? (behaviour.toolCalls ? undefined : `You said: ${lastUserText(request)}`);
  const content: ConverseContentBlock[] = [
    ...(text ? [{ text }] : []),
    ...(behaviour.toolCalls ?? []).map((call, index) => ({
      toolUse: { toolUseId: call.id ?? `tooluse_${request.index}_${index}`, name: call.name, input: call.input },
    })),
  ];
  const inputTokens = Math.ceil(JSON.stringify(request.body).length / 4);
  const outputTokens = Math.ceil((text ?? '').length / 4) + 1;
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: behaviour.toolCalls ? 'tool_use' : 'end_turn',
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    metrics: { latencyMs: behaviour.delayMs ?? 0 },
  };
}

function sendError(
  response: Http2ServerResponse,
  status: number,
  message: string,
  type = BEDROCK_ERRORS[status] ?? 'InternalServerException',
): void {
  response.setHeader('x-amzn-errortype', `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`);
  sendJson(response, status, { message });
}

function sendJson(response: Http2ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  if (response.stream.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
