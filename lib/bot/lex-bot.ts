/**
 * The Lex V2 bot, its published version and the `live` alias that Connect talks to and that calls the function.
 * The bot has one locale per language of the bot definition; Connect picks the locale from the contact's
 * language, and every locale's fallback intent calls the same function, which answers in the turn's locale.
 *
 * AWS::Lex::BotVersion snapshots the DRAFT bot only when the resource is created, so a version that kept its
 * logical id would go on serving the old intents after a change. The version's logical id therefore carries a
 * hash of the bot as synthesized: any change to the definition creates a new version, the alias moves to it,
 * and CloudFormation deletes the old one.
 */
import { createHash } from 'node:crypto';
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lex from 'aws-cdk-lib/aws-lex';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BotDefinition } from '../definition/bot';
import { ConversationLogs } from '../operations/conversation-logs';
import { botLocale } from './bot-locale';

export const BOT_ALIAS_NAME = 'live';

export interface ChalkbotLexBotProps {
  /** Lex needs a bot name; unique per account and region. */
  readonly botName: string;
  /** Every locale the bot speaks (lib/definition/bot.ts `botLocales`); the first is the default. */
  readonly locales: readonly BotDefinition[];
  /** Polly voice of the default locale (a deployment setting); the others speak with their definition's voice. */
  readonly voiceId: string;
  /** The fulfillment function the alias calls. */
  readonly fulfillment: lambda.IFunction;
  /** Log the callers' audio (Lex audio conversation logs) into this bucket; text logs only without it. */
  readonly audioLogBucket?: s3.IBucket;
}

export class ChalkbotLexBot extends Construct {
  readonly bot: lex.CfnBot;
  readonly version: lex.CfnBotVersion;
  readonly alias: lex.CfnBotAlias;
  /** The `live` alias's conversation logs: text always, audio only with `audioLogBucket`. */
  readonly conversationLogs: ConversationLogs;
  /** The first 12 hex digits of the hash that names the version. */
  readonly definitionHash: string;

  constructor(scope: Construct, id: string, props: ChalkbotLexBotProps) {
    super(scope, id);
    const [defaultLocale] = props.locales;
    if (defaultLocale === undefined) throw new Error('The Lex bot needs at least one locale');

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lexv2.amazonaws.com'),
      description: 'Lets the Chalkbot Lex bot speak with Polly.',
      inlinePolicies: {
        speech: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['polly:SynthesizeSpeech'], resources: ['*'] })],
        }),
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'polly:SynthesizeSpeech is scoped by lexicon only and the bot uses none; every voice needs "*".',
    });

    const locales = props.locales.map((locale, index) =>
      botLocale(locale, index === 0 ? props.voiceId : locale.voice.id),
    );
    this.bot = new lex.CfnBot(this, 'Bot', {
      name: props.botName,
      description: 'Chalkbot: a phone line you can talk to.',
      roleArn: role.roleArn,
      // Typed `any` in CDK, so CloudFormation's own casing.
      dataPrivacy: { ChildDirected: false },
      idleSessionTtlInSeconds: defaultLocale.idleSessionTtlSeconds,
      autoBuildBotLocales: true,
      botLocales: locales,
    });

    const snapshot = Stack.of(this).resolve({
      locales,
      idleSessionTtlInSeconds: defaultLocale.idleSessionTtlSeconds,
    });
    this.definitionHash = createHash('sha256').update(JSON.stringify(snapshot)).digest('hex').slice(0, 12);

    this.version = new lex.CfnBotVersion(this, `Version${this.definitionHash}`, {
      botId: this.bot.attrId,
      description: `Chalkbot definition ${this.definitionHash}`,
      botVersionLocaleSpecification: props.locales.map(({ localeId }) => ({
        localeId,
        botVersionLocaleDetails: { sourceBotVersion: 'DRAFT' },
      })),
    });

    this.conversationLogs = new ConversationLogs(this, 'ConversationLogs', { audioBucket: props.audioLogBucket });
    this.conversationLogs.grantWrite(role);

    this.alias = new lex.CfnBotAlias(this, 'LiveAlias', {
      botId: this.bot.attrId,
      botAliasName: BOT_ALIAS_NAME,
      botVersion: this.version.attrBotVersion,
      description: 'What Connect calls; moves to each new version.',
      // Every locale calls the same function; it reads the turn's locale from the event (bot.localeId).
      botAliasLocaleSettings: props.locales.map(({ localeId }) => ({
        localeId,
        botAliasLocaleSetting: {
          enabled: true,
          codeHookSpecification: {
            lambdaCodeHook: { lambdaArn: props.fulfillment.functionArn, codeHookInterfaceVersion: '1.0' },
          },
        },
      })),
      conversationLogSettings: this.conversationLogs.settings,
    });
    // Lex writes the logs with the bot's role: its policy must be in place before the alias names the log group.
    this.alias.node.addDependency(role);
    Validations.of(this.alias).acknowledge({
      id: 'AwsSolutions-LEX4',
      reason:
        'CloudWatch Logs and S3 encrypt the logs at rest with keys they manage; a customer key would add a key ' +
        'policy and a monthly cost, and no reader outside this account. The logs expire (log retention, bucket lifecycle).',
    });

    // Only this alias may invoke the function: the permission names its ARN exactly.
    props.fulfillment.addPermission('InvokeFromLexLiveAlias', {
      principal: new iam.ServicePrincipal('lexv2.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceArn: this.alias.attrArn,
      sourceAccount: Aws.ACCOUNT_ID,
    });
  }
}
