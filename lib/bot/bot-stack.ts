/**
 * The half of Chalkbot that changes often: the call-memory table, the answer function, the Lex bot and the
 * inbound flow that ties them to the phone number. It takes the instance, the number and the queues from the
 * contact-center stack, so it can be destroyed and deployed again without touching anything AWS rations.
 */
import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { botLocales, defaultLocale } from '../definition/bot';
import { STACK_OUTPUTS } from '../definition/stack-outputs';
import { INBOUND_FLOW_FILE, readFlowFile } from '../flow/flow-file';
import { TRANSCRIPT_KEY_PREFIX } from '../definition/transcripts';
import { LEX_AUDIO_LOG_PREFIX } from '../operations/conversation-logs';
import { OperationsDashboard } from '../operations/dashboard';
import { TranscriptArchiver } from '../operations/transcript-archiver';
import { bucketArnExports } from '../operations/transcript-bucket';
import { type ChalkbotSettings, memoryExpirySeconds } from '../settings';
import { AnswerAlarms } from './answer-alarms';
import { AnswerFunction } from './answer-function';
import { CallMemoryTable } from './call-memory-table';
import { InboundFlow } from './inbound-flow';
import { OrdersTable } from './orders-table';
import { ChalkbotLexBot } from './lex-bot';

export interface BotStackProps extends StackProps {
  readonly settings: ChalkbotSettings;
  readonly instanceArn: string;
  readonly phoneNumberArn: string;
  readonly queueArnsByName: Readonly<Record<string, string>>;
  /** The function's Docker build context. */
  readonly imageDirectory: string;
  /** Where call transcripts are archived: the ARN of the contact-center stack's bucket. */
  readonly transcriptBucketArn: string;
  /** The transcript archiver's bundle directory (lambda/dist-archiver after `npm run build`). */
  readonly archiverDirectory: string;
  /** Lex audio conversation logs go to this bucket (the recordings bucket) when the `lexAudioLogs` setting is on. */
  readonly audioLogBucketArn?: string;
  /** The inbound flow file; the repo's `contact-flows/chalkbot-inbound.json` unless a test says otherwise. */
  readonly flowFile?: string;
}

export class BotStack extends Stack {
  readonly callMemory: CallMemoryTable;
  /** Absent when the deployment looks orders up in the business's own API (orderLookupUrl). */
  readonly orders?: OrdersTable;
  readonly answer: AnswerFunction;
  readonly alarms: AnswerAlarms;
  readonly lexBot: ChalkbotLexBot;
  readonly inboundFlow: InboundFlow;
  readonly archiver: TranscriptArchiver;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: BotStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.callMemory = new CallMemoryTable(this, 'CallMemory', { memoryExpiryDays: settings.memoryExpiryDays });
    if (settings.orderLookupUrl === undefined) this.orders = new OrdersTable(this, 'Orders');
    const tokenSecret =
      settings.orderLookupTokenSecretArn === undefined
        ? undefined
        : secretsmanager.Secret.fromSecretCompleteArn(this, 'OrderLookupToken', settings.orderLookupTokenSecretArn);
    this.answer = new AnswerFunction(this, 'Answer', {
      imageDirectory: props.imageDirectory,
      table: this.callMemory.table,
      models: settings.models,
      openAiBaseUrl: settings.openAiBaseUrl,
      memoryExpirySeconds: memoryExpirySeconds(settings),
      orders: this.orders ? { table: this.orders.table } : { lookupUrl: settings.orderLookupUrl!, tokenSecret },
    });
    this.alarms = new AnswerAlarms(this, 'Alarms', { function: this.answer.function, alarmEmail: settings.alarmEmail });
    this.lexBot = new ChalkbotLexBot(this, 'Lex', {
      botName: `${settings.prefix}-bot`,
      locales: botLocales,
      voiceId: settings.voice,
      fulfillment: this.answer.function,
      audioLogBucket:
        props.audioLogBucketArn === undefined
          ? undefined
          : s3.Bucket.fromBucketArn(this, 'AudioLogBucket', props.audioLogBucketArn),
    });
    this.archiver = new TranscriptArchiver(this, 'TranscriptArchiver', {
      codeDirectory: props.archiverDirectory,
      instanceArn: props.instanceArn,
      table: this.callMemory.table,
      bucket: s3.Bucket.fromBucketArn(this, 'TranscriptBucket', props.transcriptBucketArn),
      memoryExpirySeconds: memoryExpirySeconds(settings),
      redactTranscripts: settings.redactTranscripts,
    });
    // The two object wildcards this stack grants in the contact-center stack's buckets, each under one prefix.
    const exports = bucketArnExports(settings.prefix);
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${exports.transcripts}/${TRANSCRIPT_KEY_PREFIX}*]`,
        reason: 'The archiver writes one object per call, named by the call; only under the transcripts/ prefix.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${exports.recordings}/${LEX_AUDIO_LOG_PREFIX}*]`,
        reason: "Lex names each audio log object itself; only under the audio prefix, never Connect's recordings.",
      },
    );
    // A transcript that could not be archived is worth the same notification as the answer function's failures.
    if (this.alarms.topic) this.archiver.errorsAlarm.addAlarmAction(new actions.SnsAction(this.alarms.topic));
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      prefix: settings.prefix,
      instanceArn: props.instanceArn,
      answerFunction: this.answer.function,
      archiverFunction: this.archiver.function,
      table: this.callMemory.table,
      alarms: [...this.alarms.alarms, this.archiver.errorsAlarm],
    });
    this.inboundFlow = new InboundFlow(this, 'InboundFlow', {
      instanceArn: props.instanceArn,
      phoneNumberArn: props.phoneNumberArn,
      flow: readFlowFile(props.flowFile ?? INBOUND_FLOW_FILE),
      lexBotAliasArn: this.lexBot.alias.attrArn,
      queueArnsByName: props.queueArnsByName,
      voice: settings.voice,
      defaultLocale: settings.defaultLanguage,
    });

    const outputs: Record<string, string> = {
      [STACK_OUTPUTS.botId]: this.lexBot.bot.attrId,
      [STACK_OUTPUTS.botAliasId]: this.lexBot.alias.attrBotAliasId,
      [STACK_OUTPUTS.botAliasArn]: this.lexBot.alias.attrArn,
      [STACK_OUTPUTS.botLocaleId]: defaultLocale.localeId,
      [STACK_OUTPUTS.functionName]: this.answer.function.functionName,
      [STACK_OUTPUTS.callMemoryTableName]: this.callMemory.table.tableName,
      [STACK_OUTPUTS.dashboardName]: this.dashboard.dashboard.dashboardName,
      [STACK_OUTPUTS.contactFlowArn]: this.inboundFlow.contactFlow.attrContactFlowArn,
      ...(this.orders
        ? { [STACK_OUTPUTS.ordersTableName]: this.orders.table.tableName }
        : { [STACK_OUTPUTS.orderLookupUrl]: settings.orderLookupUrl! }),
    };
    // A key secret's ARN only for a provider in use: with Bedrock alone there is none to set.
    if (this.answer.openAiKeySecret) outputs[STACK_OUTPUTS.openAiKeySecretArn] = this.answer.openAiKeySecret.secretArn;
    if (this.answer.azureOpenAiKeySecret)
      outputs[STACK_OUTPUTS.azureOpenAiKeySecretArn] = this.answer.azureOpenAiKeySecret.secretArn;
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(this, key, { value });
  }
}
