/**
 * The deployed bot alias, spoken to in text through Lex's RecognizeText: the same round trip a caller's turn
 * makes (Lex → fulfillment function → Lex), minus speech. Used by the smoke test and by
 * `npm start -- --deployed`.
 */
import { LexRuntimeV2Client, type Message, RecognizeTextCommand } from '@aws-sdk/client-lex-runtime-v2';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { botDefinition } from '../lib/definition/bot';
import { STACK_OUTPUTS } from '../lib/definition/stack-outputs';
import { type AwsOptions, awsClientConfig, requireOutput, deployedOutputs } from './deployment';

export interface DeployedBotTarget extends AwsOptions {
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
}

/** One turn's answer, in the shape of a Lex V2 fulfillment result. */
export interface BotTurn {
  /** What Lex would speak, in order. */
  readonly messages: string[];
  readonly intentName?: string;
  readonly intentState?: string;
  /** ElicitIntent while the bot keeps listening; Close when the call leaves the bot. */
  readonly dialogActionType?: string;
  readonly sessionAttributes: Record<string, string>;
}

export interface DeployedBot {
  readonly target: DeployedBotTarget;
  recognizeText(sessionId: string, text: string, sessionAttributes?: Record<string, string>): Promise<BotTurn>;
}

export function createDeployedBot(
  target: DeployedBotTarget,
  client: LexRuntimeV2Client = new LexRuntimeV2Client(awsClientConfig(target)),
): DeployedBot {
  return {
    target,
    async recognizeText(sessionId, text, sessionAttributes = {}) {
      const response = await client.send(
        new RecognizeTextCommand({
          botId: target.botId,
          botAliasId: target.botAliasId,
          localeId: target.localeId,
          sessionId,
          text,
          sessionState: { sessionAttributes },
        }),
      );
      return {
        messages: (response.messages ?? []).map(messageText).filter((line) => line.trim() !== ''),
        intentName: response.sessionState?.intent?.name,
        intentState: response.sessionState?.intent?.state,
        dialogActionType: response.sessionState?.dialogAction?.type,
        sessionAttributes: response.sessionState?.sessionAttributes ?? {},
      };
    },
  };
}

/** Plain text of a message; SSML loses its tags, since only the words matter in text. */
function messageText(message: Message): string {
  const content = message.content ?? '';
  return message.contentType === 'SSML' ? content.replace(/<[^>]+>/g, '').trim() : content.trim();
}

/** Where the deployed bot alias is found (the smoke test and `npm start -- --deployed` take the same flags). */
export interface DeployedBotLookup extends AwsOptions {
  readonly botId?: string;
  readonly aliasId?: string;
  readonly locale?: string;
  readonly outputsFile?: string;
  readonly prefix?: string;
}

/** Which bot alias to talk to, from flags, an outputs file, or the deployed stack. */
export async function resolveBotTarget(
  options: DeployedBotLookup,
  cloudFormation: CloudFormationClient = new CloudFormationClient(awsClientConfig(options)),
): Promise<DeployedBotTarget> {
  const aws = { profile: options.profile, region: options.region };
  if (options.botId || options.aliasId) {
    if (!options.botId || !options.aliasId) throw new Error('Pass both --bot-id and --alias-id (or neither)');
    return {
      ...aws,
      botId: options.botId,
      botAliasId: options.aliasId,
      localeId: options.locale ?? botDefinition.localeId,
    };
  }
  const { outputs, where } = await deployedOutputs(options, 'bot', cloudFormation);
  return {
    ...aws,
    botId: requireOutput(outputs, STACK_OUTPUTS.botId, where),
    botAliasId: requireOutput(outputs, STACK_OUTPUTS.botAliasId, where),
    localeId: options.locale ?? outputs[STACK_OUTPUTS.botLocaleId] ?? botDefinition.localeId,
  };
}
