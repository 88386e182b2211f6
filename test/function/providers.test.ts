/**
 * Every provider through the whole function: the real clients (ChatOpenAI, AzureChatOpenAI, ChatBedrockConverse
 * on the Bedrock runtime SDK) against loopback servers shaped as each service (OpenAI's chat completions, an
 * Azure OpenAI deployment, Bedrock's Converse API), with dynalite for the call memory. For each: an answer, a
 * timeout, a 429, a 5xx, a refused credential and a tool call, with the same promises the turn makes for OpenAI
 * (deadline, at most one retry, the apology, nothing stored lost).
 */
import { botDefinition } from '../../lib/definition/bot';
import { createHandler } from '../../lambda/src/handler';
import {
  type BedrockBehaviour,
  type FakeBedrock,
  lastUserText,
  type RecordedConverse,
  startFakeBedrock,
} from '../../local/bedrock-server';
import {
  type Behaviour,
  type FakeOpenAI,
  lastUserMessage,
  type RecordedRequest,
  startFakeOpenAI,
} from '../../local/openai-server';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const AZURE_DEPLOYMENT = 'phone-gpt-4o-mini';
const AZURE_KEY = 'azure-test-key';
const BEDROCK_MODEL = 'us.amazon.nova-lite-v1:0';

const world = useFunctionWorld();
let azure: FakeOpenAI;
let bedrock: FakeBedrock;
beforeAll(async () => {
  azure = await startFakeOpenAI({}, { azure: { deployment: AZURE_DEPLOYMENT, apiKey: AZURE_KEY } });
  bedrock = await startFakeBedrock();
});
afterAll(async () => {
  await Promise.all([azure.stop(), bedrock.stop()]);
});

/** What a test asks of "the model", whatever the provider. */
interface Play {
  readonly reply?: string;
  readonly status?: number;
  readonly hang?: boolean;
  /** Ask for look_up_order first, then say what it returned. */
  readonly lookUpOrder?: string;
}

interface Provider {
  readonly name: string;
  readonly env: () => Record<string, string>;
  /** Makes the provider's server play `plays[i]` for its i-th request (the last one from then on). */
  play(...plays: Play[]): void;
  requests(): number;
  /** The text of the tool result in the last request, if any. */
  lastToolResult(): string | undefined;
  /** Checks the request shape the real service expects. */
  checkRequest(question: string): void;
  /** The error a refused credential gives, as the service sends it. */
  readonly refusedStatus: number;
}

function openAiBehaviour(play: Play, request: RecordedRequest): Behaviour {
  if (play.lookUpOrder && request.body.messages.at(-1)?.role !== 'tool') {
    return { toolCalls: [{ name: 'look_up_order', arguments: { orderId: play.lookUpOrder } }] };
  }
  if (play.lookUpOrder) return { reply: `Found it: ${request.body.messages.at(-1)?.content}` };
  return { reply: play.reply ?? `You said: ${lastUserMessage(request)}`, status: play.status, hang: play.hang };
}

function bedrockBehaviour(play: Play, request: RecordedConverse): BedrockBehaviour {
  const result = toolResultText(request);
  if (play.lookUpOrder && result === undefined)
    return { toolCalls: [{ name: 'look_up_order', input: { orderId: play.lookUpOrder } }] };
  if (play.lookUpOrder) return { reply: `Found it: ${result}` };
  return { reply: play.reply ?? `You said: ${lastUserText(request)}`, status: play.status, hang: play.hang };
}

function toolResultText(request: RecordedConverse): string | undefined {
  const last = request.body.messages.at(-1);
  const result = last?.content.find((block) => block.toolResult)?.toolResult;
  return result ? JSON.stringify(result.content) : undefined;
}

const nth = <T>(plays: T[], index: number): T => plays[Math.min(index, plays.length - 1)]!;

const providers: Provider[] = [
  {
    name: 'openai',
    env: () => ({ MODEL_PROVIDER: 'openai' }),
    play: (...plays) => world.openai.setBehaviour((request) => openAiBehaviour(nth(plays, request.index), request)),
    requests: () => world.openai.requests.length,
    lastToolResult: () =>
      world.openai.requests.at(-1)?.body.messages.find((message) => message.role === 'tool')?.content,
    checkRequest(question) {
      const [request] = world.openai.requests;
      expect(request!.headers.authorization).toBe('Bearer test-key');
      expect(request!.body.messages.at(-1)).toMatchObject({ role: 'user', content: question });
    },
    refusedStatus: 401,
  },
  {
    name: 'azure',
    env: () => ({
      MODEL_PROVIDER: 'azure',
      AZURE_OPENAI_ENDPOINT: azure.endpoint,
      AZURE_OPENAI_DEPLOYMENT: AZURE_DEPLOYMENT,
      AZURE_OPENAI_API_KEY: AZURE_KEY,
    }),
    play: (...plays) => azure.setBehaviour((request) => openAiBehaviour(nth(plays, request.index), request)),
    requests: () => azure.requests.length,
    lastToolResult: () => azure.requests.at(-1)?.body.messages.find((message) => message.role === 'tool')?.content,
    checkRequest(question) {
      const [request] = azure.requests;
      const url = new URL(request!.path, azure.endpoint);
      expect(url.pathname).toBe(`/openai/deployments/${AZURE_DEPLOYMENT}/chat/completions`);
      expect(url.searchParams.get('api-version')).toBe('2024-10-21');
      expect(request!.headers['api-key']).toBe(AZURE_KEY);
      expect(request!.body.messages.at(-1)).toMatchObject({ role: 'user', content: question });
    },
    refusedStatus: 401,
  },
  {
    name: 'bedrock',
    env: () => ({ MODEL_PROVIDER: 'bedrock', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint }),
    play: (...plays) => bedrock.setBehaviour((request) => bedrockBehaviour(nth(plays, request.index), request)),
    requests: () => bedrock.requests.length,
    lastToolResult: () => {
      const last = bedrock.requests.at(-1);
      return last && toolResultText(last);
    },
    checkRequest(question) {
      const [request] = bedrock.requests;
      expect(request!.modelId).toBe(BEDROCK_MODEL);
      // Signed for Bedrock in the function's region with the function's credentials (the role, deployed).
      expect(request!.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
      );
      expect(request!.body.system?.[0]?.text).toMatch(/telephone call/);
      expect(request!.body.inferenceConfig?.maxTokens).toBe(200);
      expect(request!.body.messages.at(-1)).toEqual({ role: 'user', content: [{ text: question }] });
    },
    refusedStatus: 403,
  },
];

beforeEach(() => {
  world.openai.clearRequests();
  azure.clearRequests();
  bedrock.clearRequests();
});

async function turn(provider: Provider, callId: string, transcript: string, env: Record<string, string> = {}) {
  const handler = createHandler({ env: { ...world.env, ...provider.env(), ...env } });
  const started = Date.now();
  const result = await handler(lexEvent({ contactId: `${provider.name}-${callId}`, transcript }), lambdaContext());
  return { result, spoken: spokenText(result), elapsedMs: Date.now() - started };
}

describe.each(providers)('$name', (provider) => {
  test('answers: the request has the shape the service expects, the answer is spoken and kept', async () => {
    provider.play({ reply: `Hello from ${provider.name}.` });
    const { spoken } = await turn(provider, 'answer', 'Hello there?');

    expect(spoken).toBe(`Hello from ${provider.name}.`);
    expect(provider.requests()).toBe(1);
    provider.checkRequest('Hello there?');
    expect(storedMessages(await world.readItem(`${provider.name}-answer`))).toEqual([
      ['human', 'Hello there?'],
      ['ai', `Hello from ${provider.name}.`],
    ]);
  });

  test('a model that hangs is cut at its request timeout; the caller hears the apology', async () => {
    provider.play({ hang: true });
    const { spoken, elapsedMs } = await turn(provider, 'timeout', 'Hello?', {
      MODEL_TIMEOUT_MS: '400',
      MODEL_MAX_RETRIES: '0',
    });

    expect(spoken).toBe(botDefinition.messages.modelUnavailable);
    expect(provider.requests()).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(380);
    expect(elapsedMs).toBeLessThan(3_000);
  });

  test('a 429 is retried once when a whole request fits, and the second answer is spoken', async () => {
    provider.play({ status: 429 }, { reply: 'Second try.' });
    const { spoken } = await turn(provider, 'throttled', 'Are you there?');

    expect(spoken).toBe('Second try.');
    expect(provider.requests()).toBe(2);
  });

  test('a 5xx is retried at most once, then the apology', async () => {
    provider.play({ status: 500 });
    const { spoken } = await turn(provider, 'server-error', 'Are you there?');

    expect(spoken).toBe(botDefinition.messages.modelUnavailable);
    expect(provider.requests()).toBe(2);
  });

  test('a refused credential is not retried: the apology at once', async () => {
    // Azure checks the key itself; the others are told to refuse it, as OpenAI (401) and Bedrock (403) do.
    const env: Record<string, string> = provider.name === 'azure' ? { AZURE_OPENAI_API_KEY: 'wrong-key' } : {};
    if (provider.name !== 'azure') provider.play({ status: provider.refusedStatus });
    const { spoken } = await turn(provider, 'refused', 'Hello?', env);

    expect(spoken).toBe(botDefinition.messages.modelUnavailable);
    expect(provider.requests()).toBe(1);
  });

  test('tool calls: the model looks an order up, gets the result back, and its answer is spoken', async () => {
    provider.play({ lookUpOrder: '4711' });
    const { spoken } = await turn(provider, 'tools', 'Where is my order 4711?');

    expect(provider.requests()).toBe(2);
    expect(provider.lastToolResult()).toMatch(/shipped/);
    expect(spoken).toMatch(/^Found it: .*shipped/);
    const stored = storedMessages(await world.readItem(`${provider.name}-tools`)).map(([type]) => type);
    expect(stored).toEqual(['human', 'ai', 'tool', 'ai']);
  });
});
