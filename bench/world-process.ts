/**
 * The world the function talks to, in its own process: dynalite behind the counting proxy, and the fake models
 * (the function tests' startWorld, plus an Azure OpenAI-shaped fake and a Bedrock Converse fake, so every
 * provider has its loopback server). Run by bench/world.ts with `fork`; driven by its messages. A behaviour is
 * played by all three models alike.
 *
 * Why another process: in production DynamoDB and the model run elsewhere. In the function's own process
 * dynalite's work lands on the function's event loop and shows up as the function's overhead (its p99 grew
 * several times over when measured that way).
 */
import type { ModelProvider } from '../lib/definition/function-settings';
import { type BedrockBehaviour, type FakeBedrock, lastUserText, startFakeBedrock } from '../local/bedrock-server';
import { ORDERS_TABLE_NAME, startWorld, storedMessages, type World } from '../local/function-world';
import { type Behaviour, type FakeOpenAI, startFakeOpenAI } from '../local/openai-server';
import type { WorldReply, WorldRequest } from './world';

/** The Azure OpenAI fake's deployment and key. */
const AZURE = { deployment: 'bench-deployment', apiKey: 'bench-azure-key' };

interface Models {
  readonly azure: FakeOpenAI;
  readonly bedrock: FakeBedrock;
}

/** The same behaviour as Bedrock plays it (an OpenAI-only garbage body or error text has no Converse twin). */
function asConverse({ reply, delayMs, status, hang, toolCalls }: Behaviour): BedrockBehaviour {
  return {
    reply,
    delayMs,
    status,
    hang,
    toolCalls: toolCalls?.map((call) => ({ name: call.name, input: call.arguments, id: call.id })),
  };
}

function setModelBehaviour(
  world: World,
  models: Models,
  request: Extract<WorldRequest, { type: 'setModelBehaviour' }>,
) {
  const { behaviour } = request;
  if (request.echoQuestion) {
    world.openai.setBehaviour((recorded) => ({ ...behaviour, reply: answerTo(recorded.body.messages) }));
    models.azure.setBehaviour((recorded) => ({ ...behaviour, reply: answerTo(recorded.body.messages) }));
    models.bedrock.setBehaviour((recorded) => ({
      ...asConverse(behaviour),
      reply: `Answer to: ${lastUserText(recorded)}`,
    }));
  } else {
    world.openai.setBehaviour(behaviour);
    models.azure.setBehaviour(behaviour);
    models.bedrock.setBehaviour(asConverse(behaviour));
  }
}

/** The function's settings for each provider: the world's (OpenAI) with the provider's own. */
function providerEnvs(world: World, models: Models): Record<ModelProvider, Record<string, string>> {
  return {
    openai: { ...world.env, MODEL_PROVIDER: 'openai' },
    azure: {
      ...world.env,
      MODEL_PROVIDER: 'azure',
      AZURE_OPENAI_ENDPOINT: models.azure.endpoint,
      AZURE_OPENAI_DEPLOYMENT: AZURE.deployment,
      AZURE_OPENAI_API_KEY: AZURE.apiKey,
    },
    bedrock: { ...world.env, MODEL_PROVIDER: 'bedrock', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: models.bedrock.endpoint },
  };
}

async function answer(world: World, models: Models, request: WorldRequest): Promise<unknown> {
  switch (request.type) {
    case 'setModelBehaviour':
      setModelBehaviour(world, models, request);
      return null;
    case 'setModelCallingTool':
      world.openai.setBehaviour((recorded) =>
        recorded.body.messages.at(-1)?.role === 'tool' ? { reply: request.reply } : { toolCalls: [request.toolCall] },
      );
      return null;
    case 'ordersReads':
      return world.proxy.requests.filter(
        (recorded) => recorded.operation === 'GetItem' && recorded.body.TableName === ORDERS_TABLE_NAME,
      ).length;
    case 'modelRequests':
      return world.openai.requests.map((recorded) => ({
        bodyChars: recorded.rawBody.length,
        messageChars: recorded.body.messages.map((message) => String(message.content ?? '').length),
      }));
    case 'clearModelRequests':
      world.openai.clearRequests();
      return null;
    case 'setTable':
      world.proxy.hang = request.hang ?? false;
      world.proxy.throttle = request.throttle ?? false;
      return null;
    case 'tableRequests':
      return world.proxy.operations.length;
    case 'storedMessages':
      return storedMessages(await world.readItem(request.callId));
    case 'stop':
      await Promise.all([models.azure.stop(), models.bedrock.stop()]);
      await world.stop();
      return null;
  }
}

/** The reply the fake model gives when asked to answer each question by name, so a call's order can be checked. */
function answerTo(messages: readonly { role: string; content: string }[]): string {
  const question = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  return `Answer to: ${question}`;
}

async function main(): Promise<void> {
  const world = await startWorld();
  const models: Models = {
    azure: await startFakeOpenAI({}, { azure: AZURE }),
    bedrock: await startFakeBedrock(),
  };
  process.on('message', (message: { id: number; request: WorldRequest }) => {
    answer(world, models, message.request).then(
      (value) => process.send?.({ id: message.id, value } satisfies WorldReply),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) } satisfies WorldReply),
    );
  });
  process.send?.({
    id: 0,
    value: { env: world.env, providerEnvs: providerEnvs(world, models), dynamoDBEndpoint: world.proxy.endpoint },
  } satisfies WorldReply);
  // Ends with the parent: a bench that crashes leaves nothing behind.
  process.on('disconnect', () => process.exit(0));
}

void main();
