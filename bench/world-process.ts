/**
 * The world the function talks to, in its own process: dynalite behind the counting proxy, and the fake model
 * (the function tests' startWorld). Run by bench/world.ts with `fork`; driven by its messages.
 *
 * Why another process: in production DynamoDB and the model run elsewhere. In the function's own process
 * dynalite's work lands on the function's event loop and shows up as the function's overhead (its p99 grew
 * several times over when measured that way).
 */
import { ORDERS_TABLE_NAME, startWorld, storedMessages, type World } from '../local/function-world';
import type { WorldReply, WorldRequest } from './world';

async function answer(world: World, request: WorldRequest): Promise<unknown> {
  switch (request.type) {
    case 'setModelBehaviour':
      world.openai.setBehaviour(
        request.echoQuestion
          ? (recorded) => ({ ...request.behaviour, reply: answerTo(recorded.body.messages) })
          : request.behaviour,
      );
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
  process.on('message', (message: { id: number; request: WorldRequest }) => {
    answer(world, message.request).then(
      (value) => process.send?.({ id: message.id, value } satisfies WorldReply),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) } satisfies WorldReply),
    );
  });
  process.send?.({ id: 0, value: { env: world.env, dynamoDBEndpoint: world.proxy.endpoint } } satisfies WorldReply);
  // Ends with the parent: a bench that crashes leaves nothing behind.
  process.on('disconnect', () => process.exit(0));
}

void main();
