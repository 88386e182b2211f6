/**
 * The function Lex calls to fulfill an intent, as the local call runs it: in process, with a Lambda context
 * whose clock runs down like the deployed function's.
 */
import { randomUUID } from 'node:crypto';
import type { Context, LexV2Event, LexV2Result } from 'aws-lambda';
import { FUNCTION_TIMEOUT_SECONDS } from '../lib/definition/function-settings';

/** The Lex V2 code hook's signature, as `lambda/src/handler.ts` exports it through `createHandler()`. */
export type FulfillmentFunction = (event: LexV2Event, context: Context) => Promise<LexV2Result>;

/** The deployed function's timeout (the stack sets the same one); the local context counts down from it. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1000;

const LOCAL_FUNCTION_NAME = 'chalkbot-fulfillment-local';

/** A Lambda context for one invocation, its remaining time counting down from `timeoutMs`. */
export function createLambdaContext(timeoutMs: number = DEFAULT_FUNCTION_TIMEOUT_MS): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is the old callback style; the function must return a promise`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: LOCAL_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${LOCAL_FUNCTION_NAME}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${LOCAL_FUNCTION_NAME}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
