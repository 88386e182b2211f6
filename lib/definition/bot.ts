/**
 * The bot as callers meet it: locale, voice, intents with their sample utterances, and every line the bot
 * itself speaks. The Lex stack, the fulfillment function and the local call all read this one module, so a
 * changed utterance or message reaches a deployment and a laptop call alike.
 *
 * Pure data: no AWS CDK, no SDK imports. The function's bundle includes it.
 */

/** What the flow does when the bot hands the call back. Sent as session attribute `nextAction`. */
export type NextAction = 'hangup' | 'agent';

export interface IntentDefinition {
  /** Lex intent name; the contact flow branches on it. */
  readonly name: string;
  readonly description: string;
  /** Built-in parent, e.g. AMAZON.FallbackIntent. Absent for ordinary intents. */
  readonly parentIntentSignature?: string;
  readonly sampleUtterances: readonly string[];
  /** True when Lex calls the fulfillment function for this intent. */
  readonly fulfillmentCodeHook: boolean;
  /**
   * Where the call goes when this intent ends the conversation with the bot. The flow branches on the intent
   * name; the function, if it ever receives this intent, answers `Close` with this `nextAction`.
   */
  readonly nextAction?: NextAction;
}

export interface FulfillmentUpdates {
  /** Seconds of waiting before Lex speaks the first filler. Lex takes whole seconds, at least 1. */
  readonly startDelaySeconds: number;
  readonly startMessages: readonly string[];
  /** Seconds between later fillers while the function still works. */
  readonly updateFrequencySeconds: number;
  readonly updateMessages: readonly string[];
  /** Lex gives up on the function after this many seconds and speaks `timeoutMessage`. */
  readonly timeoutSeconds: number;
  readonly timeoutMessage: string;
}

export interface BotDefinition {
  /** Lex locale id, e.g. en_US. */
  readonly localeId: string;
  /** The same language as a Connect `LanguageCode`, e.g. en-US. */
  readonly languageCode: string;
  /** Polly voice used by Lex and by the contact flow. */
  readonly voice: { readonly id: string; readonly engine: 'neural' | 'standard' | 'generative' | 'long-form' };
  /** Below this NLU confidence Lex routes speech to the fallback intent (and so to the model). */
  readonly nluConfidenceThreshold: number;
  /** Lex forgets an idle session after this many seconds. */
  readonly idleSessionTtlSeconds: number;
  readonly intents: readonly IntentDefinition[];
  readonly fulfillmentUpdates: FulfillmentUpdates;
  /** Lines the function speaks itself. */
  readonly messages: {
    /** After a silent turn (empty transcript). */
    readonly reprompt: string;
    /** After too many silent turns in a row, before hanging up. */
    readonly silentGoodbye: string;
    /** When the goodbye intent reaches the function (the flow then hangs up without a line of its own). */
    readonly goodbye: string;
    /** The model failed or ran out of time. */
    readonly modelUnavailable: string;
    /** No model is configured and the knowledge file has no answer. */
    readonly modelNotConfigured: string;
    /** The event could not be understood, or the turn failed; the caller may try again. */
    readonly malformedEvent: string;
    /**
     * Turns keep failing (or the function is misconfigured): the call goes to the agent queue, whose flow says
     * whether anyone is there.
     */
    readonly troubleTransfer: string;
  };
  /** Silent turns in a row before the function ends the call. */
  readonly maxSilentTurns: number;
  /** Failed turns in a row before the function hands the call to a person. */
  readonly maxFailedTurns: number;
}

export const FALLBACK_INTENT = 'FallbackIntent';
export const GOODBYE_INTENT = 'Goodbye';
export const AGENT_INTENT = 'TalkToAgent';

/** Session attribute names shared by the flow, the function and the local call. */
export const SESSION_ATTRIBUTES = {
  /** Set by the contact flow from `$.ContactId`; keys the call's memory. */
  contactId: 'contactId',
  /** Set by the function when the call leaves the bot; the flow branches on it. */
  nextAction: 'nextAction',
  /** Silent turns in a row, kept by the function between turns. */
  silentTurns: 'silentTurns',
  /** Failed turns in a row (the function's apology), kept by the function; absent after a turn that worked. */
  failedTurns: 'failedTurns',
} as const;

export const botDefinition: BotDefinition = {
  localeId: 'en_US',
  languageCode: 'en-US',
  voice: { id: 'Joanna', engine: 'neural' },
  nluConfidenceThreshold: 0.6,
  idleSessionTtlSeconds: 300,
  maxSilentTurns: 3,
  maxFailedTurns: 2,
  intents: [
    {
      name: FALLBACK_INTENT,
      description: 'Free-form speech: everything that is not an explicit intent goes to the language model.',
      parentIntentSignature: 'AMAZON.FallbackIntent',
      sampleUtterances: [],
      fulfillmentCodeHook: true,
    },
    {
      name: GOODBYE_INTENT,
      description: 'The caller is done.',
      sampleUtterances: [
        'goodbye',
        'bye',
        'bye bye',
        'that is all',
        "that's all",
        "that's all thanks",
        'nothing else',
        'no thanks that is all',
        'hang up',
        'end the call',
        'I am done',
        "I'm done",
      ],
      fulfillmentCodeHook: false,
      nextAction: 'hangup',
    },
    {
      name: AGENT_INTENT,
      description: 'The caller wants a person.',
      sampleUtterances: [
        'I want to talk to a person',
        'talk to a person',
        'let me talk to a person',
        'can I speak to a person',
        'speak to someone',
        'talk to a human',
        'I want a human',
        'agent',
        'representative',
        'operator',
        'transfer me',
        'connect me to an agent',
      ],
      fulfillmentCodeHook: false,
      nextAction: 'agent',
    },
  ],
  fulfillmentUpdates: {
    startDelaySeconds: 2,
    startMessages: ['One moment.', 'Let me think.', 'Just a second.'],
    updateFrequencySeconds: 5,
    updateMessages: ['Still working on it.', 'Almost there.'],
    timeoutSeconds: 25,
    timeoutMessage: "Sorry, that took too long. Could you ask me again?",
  },
  messages: {
    reprompt: "Sorry, I didn't hear anything. What would you like to know?",
    silentGoodbye: "I still can't hear you, so I'll end the call now. Goodbye.",
    goodbye: 'Thanks for calling. Goodbye.',
    modelUnavailable: "Sorry, I couldn't come up with an answer just now. Could you ask me again?",
    modelNotConfigured:
      "I can answer a few common questions, but my language model isn't configured, so I can't help with that one.",
    malformedEvent: "Sorry, something went wrong on my side. Could you say that again?",
    troubleTransfer: "Sorry, I'm having trouble. Let me find you a person.",
  },
};

/** The intent whose name this is, if any. */
export function findIntent(name: string | undefined, definition: BotDefinition = botDefinition): IntentDefinition | undefined {
  return definition.intents.find((intent) => intent.name === name);
}
