/**
 * The tools the model may call during a turn, declared once beside the bot definition: each tool's name, the
 * description the model reads to decide when to call it, and the zod schema of its arguments. The function
 * binds these to its implementations (lambda/src/tools/, one file per tool); the README shows how to add one.
 *
 * Descriptions are written for the model and for a phone: they say when to call the tool and what to do with
 * its result in a spoken answer.
 *
 * Pure data and zod schemas (zod mini's, see ./zod.ts): the function's bundle includes it.
 */
import type { $ZodObject } from 'zod/v4/core';
import { describe, maxLength, minLength, object, string } from './zod';

/** A tool's declaration; its schema may be any zod 4 object schema (mini's here, the full API's in tests). */
export interface ToolDeclaration<Schema extends $ZodObject = $ZodObject> {
  /** The name the model calls; snake_case, as OpenAI and Bedrock expect. */
  readonly name: string;
  readonly description: string;
  readonly schema: Schema;
}

export const lookUpOrder = {
  name: 'look_up_order',
  description: [
    "Looks up a customer's order by its order number and returns its status, carrier and expected delivery date.",
    'Call it when the caller asks where their order, package or delivery is and has given an order number.',
    'If they have not given one, ask for it first. Pass the number as digits, e.g. "4711" for "four seven one one".',
    'Say the result in one short sentence. If the order is not found, tell the caller the digits you heard,',
    'one by one, and ask them to say the number again.',
  ].join(' '),
  schema: object({
    orderId: string().check(
      minLength(1),
      maxLength(64),
      describe('The order number the caller said, as digits (letters if it has any).'),
    ),
  }),
} as const satisfies ToolDeclaration;

export const transferToPerson = {
  name: 'transfer_to_person',
  description: [
    'Hands the call to a person on the support team.',
    'Call it when the caller asks for a person, or when they need something you cannot do or answer.',
    'Do not say anything else: the phone system tells the caller what happens next.',
  ].join(' '),
  schema: object({
    reason: string().check(
      minLength(1),
      maxLength(200),
      describe('Why the caller needs a person, in a few words, for the agent.'),
    ),
  }),
} as const satisfies ToolDeclaration;

export const endCall = {
  name: 'end_call',
  description: 'Ends the call politely. Call it only when the caller says they are done or says goodbye.',
  schema: object({}),
} as const satisfies ToolDeclaration;

/**
 * How much tool work a turn may do: the model may ask for tools at most this many times per turn (each time
 * for one or more calls, run at once). After that it must answer in words.
 */
export const MAX_TOOL_ROUNDS_PER_TURN = 2;
