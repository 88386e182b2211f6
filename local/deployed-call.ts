/**
 * One call against the deployed bot (`npm start -- --deployed`): the same flow file walked on this machine,
 * with its Lex block talking to the deployed bot alias instead of the emulator. No local store and no local
 * function: the deployed function answers and keeps the call's memory in the deployed table.
 *
 * AWS credentials and region come from the SDK's default chain, as the AWS CLI finds them (tools/deployment.ts);
 * they are checked before the call starts, so a missing login is one clear line rather than a failed call.
 */
import { randomUUID } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LexRuntimeV2Client } from '@aws-sdk/client-lex-runtime-v2';
import { createDeployedBot, resolveBotTarget } from '../tools/deployed-bot';
import { awsClientConfig, checkAwsAccess } from '../tools/deployment';
import type { CallEnd, CallListener } from './call-events';
import type { CallOptions, DeployedBotLookup } from './call-options';
import { type Caller, withKeypad } from './caller';
import { DeployedLexBot } from './deployed-lex-bot';
import { runFlow } from './flow-engine';
import { loadLocalFlow } from './local-resources';

export interface DeployedCallIo {
  readonly caller: Caller;
  readonly listener: CallListener;
  /** The AWS clients; made from the lookup's profile and region unless a test passes its own. */
  readonly lex?: LexRuntimeV2Client;
  readonly cloudFormation?: CloudFormationClient;
}

export async function holdDeployedCall(
  lookup: DeployedBotLookup,
  options: CallOptions,
  io: DeployedCallIo,
): Promise<CallEnd> {
  // A broken flow file fails before anything reaches AWS. The flow's bot alias placeholder resolves to the
  // local stand-in, which the Lex block accepts; the deployed alias then answers in its place.
  const flow = loadLocalFlow(options.flowFile, options.localeId);
  const aws = awsClientConfig(lookup);
  const lex = io.lex ?? new LexRuntimeV2Client(aws);
  // No region or no credentials: an AwsAccessError of one line, and the call does not start.
  const region = await checkAwsAccess(lex, lookup.profile);
  const target = await resolveBotTarget(lookup, io.cloudFormation ?? new CloudFormationClient(aws));

  const contactId = options.contactId ?? randomUUID();
  const { listener } = io;
  listener({
    kind: 'notice',
    text:
      `contact ${contactId}; answers from the deployed bot ${target.botId}, alias ${target.botAliasId}, ` +
      `locale ${target.localeId} in ${region}`,
  });
  const caller = withKeypad(io.caller);
  const bot = new DeployedLexBot({ bot: createDeployedBot(target, lex), caller, listener });
  const end = await runFlow(flow, {
    contactId,
    bot,
    listener,
    keypad: caller,
    contactCenter: options.contactCenter,
    localeOverride: options.localeId,
  });
  listener({
    kind: 'notice',
    text: `to go on with this call's memory in the deployed table: the same command with --contact-id ${contactId}`,
  });
  return end;
}
