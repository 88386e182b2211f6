/**
 * The local stand-ins for the instance-specific values a flow file names by placeholder (see
 * lib/definition/placeholders.ts): one fake Lex bot alias the emulator recognises as "our bot", and fake
 * queue ARNs that carry the queue's name, so the transfer line can say where the call went.
 */
import type { LexV2Bot } from 'aws-lambda';
import { botDefinition } from '../lib/definition/bot';
import { resolveLanguagePlaceholder } from '../lib/definition/flow-languages';
import { PLACEHOLDERS, resolvePlaceholders } from '../lib/definition/placeholders';
import { type FlowContent, type FlowFile, readFlowFile } from '../lib/flow/flow-file';
import { mapStrings } from '../lib/flow/map-strings';
import { assertValidFlow } from '../lib/flow/validate';

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';
const LOCAL_INSTANCE_ID = '00000000-0000-4000-8000-00000000c0de';

/** The bot as Lex names it in the events it sends (ids are fake; the locale is set per hand-over). */
export const LOCAL_BOT: Omit<LexV2Bot, 'localeId'> = {
  id: 'LOCALBOTID',
  name: 'Chalkbot',
  aliasId: 'LOCALALIAS',
  aliasName: 'local',
  version: 'DRAFT',
};

export const LOCAL_BOT_ALIAS_ARN = `arn:aws:lex:${LOCAL_REGION}:${LOCAL_ACCOUNT}:bot-alias/${LOCAL_BOT.id}/${LOCAL_BOT.aliasId}`;

const QUEUE_ARN_PREFIX = `arn:aws:connect:${LOCAL_REGION}:${LOCAL_ACCOUNT}:instance/${LOCAL_INSTANCE_ID}/queue/`;

/** A fake queue ARN that keeps the queue's name (URI-encoded, so any name makes a valid ARN). */
export function localQueueArn(queueName: string): string {
  return QUEUE_ARN_PREFIX + encodeURIComponent(queueName);
}

/**
 * A fake ARN for another instance resource (prompt, hours, flow, module). They only let the flow file load:
 * an action that needs one to work stops the call as not emulated.
 */
function localInstanceArn(kind: string, name: string): string {
  return `arn:aws:connect:${LOCAL_REGION}:${LOCAL_ACCOUNT}:instance/${LOCAL_INSTANCE_ID}/${kind}/${encodeURIComponent(name)}`;
}

/** The queue name inside a fake queue ARN, or undefined when the ARN is not one of ours. */
export function localQueueName(queueArn: string): string | undefined {
  if (!queueArn.startsWith(QUEUE_ARN_PREFIX)) return undefined;
  const name = decodeURIComponent(queueArn.slice(QUEUE_ARN_PREFIX.length));
  return name === '' ? undefined : name;
}

/**
 * The flow's content with every placeholder replaced by its local stand-in. An unknown placeholder fails
 * here, naming it, as it would fail on deploy.
 */
export function resolveLocalFlow(
  flow: FlowFile,
  voiceId: string = botDefinition.voice.id,
  defaultLocale: string = botDefinition.localeId,
): FlowContent {
  const resolveText = (text: string): string =>
    resolvePlaceholders(text, (use) => {
      switch (use.name) {
        case PLACEHOLDERS.lexBotAliasArn:
          return LOCAL_BOT_ALIAS_ARN;
        case PLACEHOLDERS.queueArn:
          return use.argument ? localQueueArn(use.argument) : undefined;
        case PLACEHOLDERS.promptArn:
          return use.argument ? localInstanceArn('prompt', use.argument) : undefined;
        case PLACEHOLDERS.hoursArn:
          return use.argument ? localInstanceArn('operating-hours', use.argument) : undefined;
        case PLACEHOLDERS.flowArn:
          return use.argument ? localInstanceArn('contact-flow', use.argument) : undefined;
        case PLACEHOLDERS.flowModuleArn:
          return use.argument ? localInstanceArn('flow-module', use.argument) : undefined;
        case PLACEHOLDERS.lambdaArn:
          return use.argument ? `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${use.argument}` : undefined;
        default:
          return resolveLanguagePlaceholder(use, { voice: voiceId, defaultLocale });
      }
    });
  return mapStrings(flow.Content, resolveText);
}

/**
 * The flow file at `path`, checked as the stack checks it at synth (placeholders allowed) and then resolved to
 * the local stand-ins (`defaultLocale`: the number's default language, as the `defaultLanguage` setting).
 * A file the deploy would refuse fails here with every problem listed, before a call starts.
 */
export function loadLocalFlow(path: string, defaultLocale?: string): FlowContent {
  const file = readFlowFile(path);
  assertValidFlow(`"${file.Name}" (${path})`, file.Content, { allowedPlaceholders: Object.values(PLACEHOLDERS) });
  return resolveLocalFlow(file, undefined, defaultLocale);
}
