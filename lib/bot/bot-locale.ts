/**
 * The Lex locale, built from the shared bot definition (lib/definition/bot.ts): intents, sample utterances, the
 * voice and the fillers Lex speaks while the function works. Pure data, so the version hash and the tests see
 * exactly what CloudFormation gets.
 */
import type * as lex from 'aws-cdk-lib/aws-lex';
import type { BotDefinition, IntentDefinition } from '../definition/bot';

type MessageGroup = lex.CfnBot.MessageGroupProperty;

/** One group whose variations Lex picks from at random. */
function messageGroup(lines: readonly string[]): MessageGroup[] {
  const [first, ...rest] = lines;
  if (first === undefined) throw new Error('A Lex message group needs at least one line');
  return [
    {
      message: { plainTextMessage: { value: first } },
      variations: rest.length > 0 ? rest.map((value) => ({ plainTextMessage: { value } })) : undefined,
    },
  ];
}

function intent(definition: BotDefinition, intentDefinition: IntentDefinition): lex.CfnBot.IntentProperty {
  const updates = definition.fulfillmentUpdates;
  return {
    name: intentDefinition.name,
    description: intentDefinition.description,
    parentIntentSignature: intentDefinition.parentIntentSignature,
    sampleUtterances:
      intentDefinition.sampleUtterances.length > 0
        ? intentDefinition.sampleUtterances.map((utterance) => ({ utterance }))
        : undefined,
    // Intents without a code hook simply end the conversation; the contact flow branches on their name.
    fulfillmentCodeHook: intentDefinition.fulfillmentCodeHook
      ? {
          enabled: true,
          isActive: true,
          fulfillmentUpdatesSpecification: {
            active: true,
            timeoutInSeconds: updates.timeoutSeconds,
            startResponse: {
              delayInSeconds: updates.startDelaySeconds,
              allowInterrupt: false,
              messageGroups: messageGroup(updates.startMessages),
            },
            updateResponse: {
              frequencyInSeconds: updates.updateFrequencySeconds,
              allowInterrupt: false,
              messageGroups: messageGroup(updates.updateMessages),
            },
          },
          postFulfillmentStatusSpecification: {
            timeoutResponse: { allowInterrupt: true, messageGroupsList: messageGroup([updates.timeoutMessage]) },
          },
        }
      : undefined,
  };
}

/** The locale as CloudFormation's AWS::Lex::Bot BotLocales entry. */
export function botLocale(definition: BotDefinition, voiceId: string): lex.CfnBot.BotLocaleProperty {
  return {
    localeId: definition.localeId,
    description: 'Chalkbot: free-form questions go to the language model, goodbye and agent end the bot.',
    nluConfidenceThreshold: definition.nluConfidenceThreshold,
    voiceSettings: { voiceId, engine: definition.voice.engine },
    intents: definition.intents.map((i) => intent(definition, i)),
  };
}
