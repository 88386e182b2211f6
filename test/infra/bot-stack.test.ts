import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FUNCTION_ENVIRONMENT } from '../../lib/bot/answer-function';
import { BOT_ALIAS_NAME, ChalkbotLexBot } from '../../lib/bot/lex-bot';
import {
  AGENT_INTENT,
  type BotDefinition,
  botDefinition,
  botLocales,
  FALLBACK_INTENT,
  GOODBYE_INTENT,
  SWITCH_LANGUAGE_INTENT,
} from '../../lib/definition/bot';
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';
import { DEFAULT_OPENAI_MODEL, FUNCTION_TIMEOUT_SECONDS } from '../../lib/definition/function-settings';
import { ORDERS_TABLE } from '../../lib/definition/orders';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { LOG_RETENTION_DAYS } from '../../lib/log-retention';
import { templatesFor } from './synth';

const template = templatesFor().bot;
const logicalIdOf = (type: string): string => {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
};
const functionId = Object.keys(
  template.findResources('AWS::Lambda::Function', { Properties: { PackageType: 'Image' } }),
)[0];
const aliasId = logicalIdOf('AWS::Lex::BotAlias');

describe('bot stack', () => {
  test('the call-memory table: contactId key, expiresAt TTL, on demand, point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: CALL_MEMORY_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: CALL_MEMORY_TABLE.partitionKey, AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: CALL_MEMORY_TABLE.ttlAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 1 },
    });
  });

  test('point-in-time recovery keeps no more days of call memory than the memory itself lives (whole days, 1 to 35)', () => {
    const recoveryDays = (memoryExpiryDays: number) => {
      const table = Object.values(templatesFor({ memoryExpiryDays }).bot.findResources('AWS::DynamoDB::Table'))[0];
      return table.Properties.PointInTimeRecoverySpecification.RecoveryPeriodInDays as number;
    };
    expect([recoveryDays(0.1), recoveryDays(2.5), recoveryDays(365)]).toEqual([1, 3, 35]);
  });

  test('every log group of the stack expires, the custom-resource provider writes to one of them', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).length).toBeGreaterThanOrEqual(2);
    for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBe(LOG_RETENTION_DAYS);
    // Every function logs to a group of this stack, so none falls back to a never-expiring /aws/lambda/<name>.
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(3);
    for (const fn of Object.values(functions))
      expect(Object.keys(groups)).toContain(fn.Properties.LoggingConfig?.LogGroup?.Ref);
  });

  test('the function: an arm64 image from the contact-center repository, ending before Lex gives up', () => {
    // Lex must still be waiting, in every locale, when the function gives up.
    const [bot] = Object.values(template.findResources('AWS::Lex::Bot'));
    const lexTimeouts = JSON.stringify(bot.Properties.BotLocales).match(/"TimeoutInSeconds":\d+/g) ?? [];
    expect(lexTimeouts.length).toBeGreaterThan(0);
    for (const timeout of lexTimeouts) expect(Number(timeout.split(':')[1])).toBeGreaterThan(FUNCTION_TIMEOUT_SECONDS);
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: FUNCTION_TIMEOUT_SECONDS,
      Code: {
        ImageUri: {
          'Fn::Sub': Match.stringLikeRegexp(
            '^\\$\\{AWS::AccountId\\}\\.dkr\\.ecr\\.\\$\\{AWS::Region\\}\\.\\$\\{AWS::URLSuffix\\}/chalkbot-answer-function:[0-9a-f]{64}$',
          ),
        },
      },
    });
  });

  test('the function environment follows the DESIGN contract and carries the key secret ARN, never a key', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          [FUNCTION_ENVIRONMENT.table]: { Ref: Match.stringLikeRegexp('^CallMemoryTable') },
          [FUNCTION_ENVIRONMENT.openAiKeySecretArn]: { Ref: Match.stringLikeRegexp('^AnswerOpenAiKey') },
          [FUNCTION_ENVIRONMENT.openAiModel]: DEFAULT_OPENAI_MODEL,
          [FUNCTION_ENVIRONMENT.memoryExpirySeconds]: '86400',
          POWERTOOLS_SERVICE_NAME: 'chalkbot',
          OPENAI_API_KEY: Match.absent(),
          [FUNCTION_ENVIRONMENT.openAiBaseUrl]: Match.absent(),
        },
      },
    });
    const withBaseUrl = templatesFor({ openAiBaseUrl: 'https://llm.example.com/v1' }).bot;
    withBaseUrl.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [FUNCTION_ENVIRONMENT.openAiBaseUrl]: 'https://llm.example.com/v1' }),
      },
    });
  });

  test('the function may only read the secret, get and update call items, get orders and write its own logs', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^AnswerRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[],
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AnswerLogs/), 'Arn'] },
      },
      // Exactly the turn's one read and one write (lambda/src/call-memory.ts): no Scan, Query, Put, Delete or batch.
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CallMemoryTable/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: { Ref: expect.stringMatching(/^AnswerOpenAiKey/) },
      },
      // look_up_order's one read; the function never writes, scans or queries orders.
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersTable/), 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('the Lex locale: en_US, neural voice, fallback with a code hook and fulfillment updates, two plain intents (the default locale)', () => {
    const updates = botDefinition.fulfillmentUpdates;
    template.hasResourceProperties('AWS::Lex::Bot', {
      DataPrivacy: { ChildDirected: false },
      BotLocales: Match.arrayWith([
        Match.objectLike({
          LocaleId: 'en_US',
          NluConfidenceThreshold: botDefinition.nluConfidenceThreshold,
          VoiceSettings: { VoiceId: 'Joanna', Engine: 'neural' },
          Intents: Match.arrayWith([
            Match.objectLike({
              Name: FALLBACK_INTENT,
              ParentIntentSignature: 'AMAZON.FallbackIntent',
              FulfillmentCodeHook: {
                Enabled: true,
                IsActive: true,
                FulfillmentUpdatesSpecification: {
                  Active: true,
                  TimeoutInSeconds: updates.timeoutSeconds,
                  StartResponse: Match.objectLike({
                    DelayInSeconds: updates.startDelaySeconds,
                    MessageGroups: [
                      Match.objectLike({ Message: { PlainTextMessage: { Value: updates.startMessages[0] } } }),
                    ],
                  }),
                  UpdateResponse: Match.objectLike({ FrequencyInSeconds: updates.updateFrequencySeconds }),
                },
                PostFulfillmentStatusSpecification: {
                  TimeoutResponse: Match.objectLike({
                    MessageGroupsList: [{ Message: { PlainTextMessage: { Value: updates.timeoutMessage } } }],
                  }),
                },
              },
            }),
            Match.objectLike({
              Name: GOODBYE_INTENT,
              SampleUtterances: Match.arrayWith([{ Utterance: 'goodbye' }]),
              FulfillmentCodeHook: Match.absent(),
            }),
            Match.objectLike({
              Name: AGENT_INTENT,
              SampleUtterances: Match.arrayWith([{ Utterance: 'talk to a person' }]),
              FulfillmentCodeHook: Match.absent(),
            }),
          ]),
        }),
      ]),
    });
  });

  test('the alias "live" points at the version, and every locale\'s code hook is the function', () => {
    const versionId = logicalIdOf('AWS::Lex::BotVersion');
    template.hasResourceProperties('AWS::Lex::BotVersion', {
      BotId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LexBot'), 'Id'] },
      BotVersionLocaleSpecification: ['en_US', 'es_US', 'de_DE'].map((LocaleId) => ({
        LocaleId,
        BotVersionLocaleDetails: { SourceBotVersion: 'DRAFT' },
      })),
    });
    template.hasResourceProperties('AWS::Lex::BotAlias', {
      BotAliasName: BOT_ALIAS_NAME,
      BotVersion: { 'Fn::GetAtt': [versionId, 'BotVersion'] },
      BotAliasLocaleSettings: ['en_US', 'es_US', 'de_DE'].map((LocaleId) => ({
        LocaleId,
        BotAliasLocaleSetting: {
          Enabled: true,
          CodeHookSpecification: {
            LambdaCodeHook: { LambdaArn: { 'Fn::GetAtt': [functionId, 'Arn'] }, CodeHookInterfaceVersion: '1.0' },
          },
        },
      })),
    });
  });

  test('every locale has every intent, its utterances, fillers and timeout line, and speaks with its own voice', () => {
    const [bot] = Object.values(template.findResources('AWS::Lex::Bot'));
    const locales = bot.Properties.BotLocales as Array<Record<string, any>>;
    expect(locales.map((locale) => locale.LocaleId)).toEqual(['en_US', 'es_US', 'de_DE']);
    for (const definition of botLocales) {
      const locale = locales.find((l) => l.LocaleId === definition.localeId)!;
      // The default locale's voice is the deployment's `voice` setting (cdk.json: Joanna).
      expect(locale.VoiceSettings).toEqual({ VoiceId: definition.voice.id, Engine: 'neural' });
      const intents = locale.Intents as Array<Record<string, any>>;
      expect(intents.map((intent) => intent.Name)).toEqual([
        FALLBACK_INTENT,
        GOODBYE_INTENT,
        AGENT_INTENT,
        SWITCH_LANGUAGE_INTENT,
      ]);
      for (const intent of definition.intents) {
        const synthesized = intents.find((i) => i.Name === intent.name)!;
        expect((synthesized.SampleUtterances ?? []).map((u: { Utterance: string }) => u.Utterance)).toEqual(
          intent.sampleUtterances,
        );
        expect(synthesized.FulfillmentCodeHook?.Enabled ?? false).toBe(intent.fulfillmentCodeHook);
      }
      const hook = intents[0].FulfillmentCodeHook;
      const spoken = JSON.stringify(hook);
      const updates = definition.fulfillmentUpdates;
      for (const line of [...updates.startMessages, ...updates.updateMessages, updates.timeoutMessage]) {
        expect(spoken).toContain(JSON.stringify(line));
      }
    }
  });

  test('lexv2.amazonaws.com may invoke the function from exactly that alias, and nothing else may', () => {
    // The stack's other permission lets the archiver's rule invoke the archiver (test/infra/operations.test.ts).
    const onAnswer = template.findResources('AWS::Lambda::Permission', {
      Properties: { FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] } },
    });
    expect(Object.keys(onAnswer)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'lexv2.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [aliasId, 'Arn'] },
    });
  });

  test('Connect knows the alias, and the flow names that alias, the support queue and the voice', () => {
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: { 'Fn::ImportValue': Match.stringLikeRegexp('InstanceArn') },
      IntegrationType: 'LEX_BOT',
      IntegrationArn: { 'Fn::GetAtt': [aliasId, 'Arn'] },
    });
    const flows = template.findResources('AWS::Connect::ContactFlow');
    const [flowId, flow] = Object.entries(flows)[0];
    expect(flow.Properties).toMatchObject({ Name: 'Chalkbot inbound', Type: 'CONTACT_FLOW', State: 'ACTIVE' });
    expect(flow.DependsOn).toEqual([logicalIdOf('AWS::Connect::IntegrationAssociation')]);
    const parts = flow.Properties.Content['Fn::Join'][1] as unknown[];
    const text = parts.filter((p): p is string => typeof p === 'string').join('');
    expect(parts).toContainEqual({ 'Fn::GetAtt': [aliasId, 'Arn'] });
    expect(parts).toContainEqual({ 'Fn::ImportValue': expect.stringMatching(/SupportQueue.*QueueArn/) });
    expect(text).toContain('"TextToSpeechVoice":"Joanna"');
    expect(text).toContain('"LexSessionAttributes":{"contactId":"$.ContactId","channel":"$.Channel"}');
    expect(text).not.toMatch(/\$\{[A-Z_]+/);
    expect(flowId).toMatch(/^InboundFlow/);
  });

  test('a custom resource points the phone number at the flow and lets go of it on delete', () => {
    const [resource] = Object.values(template.findResources('Custom::AWS'));
    const create = JSON.stringify(resource.Properties.Create);
    expect(create).toContain('associatePhoneNumberContactFlow');
    expect(create).toContain('ContactFlowArn');
    expect(JSON.stringify(resource.Properties.Delete)).toContain('disassociatePhoneNumberContactFlow');
    expect(resource.Properties.Update).toEqual(resource.Properties.Create);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^InboundFlow'), 'ContactFlowArn'] }]),
          },
        ],
      },
    });
  });

  test('outputs the keys the tools read', () => {
    for (const key of [
      STACK_OUTPUTS.botId,
      STACK_OUTPUTS.botAliasId,
      STACK_OUTPUTS.botAliasArn,
      STACK_OUTPUTS.botLocaleId,
      STACK_OUTPUTS.functionName,
      STACK_OUTPUTS.callMemoryTableName,
      STACK_OUTPUTS.openAiKeySecretArn,
      STACK_OUTPUTS.contactFlowArn,
    ]) {
      template.hasOutput(key, {});
    }
    template.hasOutput(STACK_OUTPUTS.botAliasArn, { Value: { 'Fn::GetAtt': [aliasId, 'Arn'] } });
  });
});

describe('bot version', () => {
  /** The version's logical id for a given definition, in a stack of its own. */
  function versionLogicalId(locales: readonly BotDefinition[] = botLocales, voiceId = 'Joanna'): string {
    const stack = new Stack(new App(), 'VersionTest');
    const fulfillment = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      timeout: Duration.seconds(5),
    });
    const lexBot = new ChalkbotLexBot(stack, 'Lex', { botName: 'test-bot', locales, voiceId, fulfillment });
    return stack.getLogicalId(lexBot.version);
  }

  /** The bot's locales with one of them changed. */
  function withLocale(localeId: string, change: (locale: BotDefinition) => BotDefinition): BotDefinition[] {
    return botLocales.map((locale) => (locale.localeId === localeId ? change(locale) : locale));
  }

  test('the same definition keeps the same version', () => {
    expect(versionLogicalId()).toBe(versionLogicalId());
  });

  test('a changed utterance, message or voice in any locale, or a new locale, creates a new version (so the alias moves)', () => {
    const original = versionLogicalId();
    const newUtterance = (locale: BotDefinition): BotDefinition => {
      const [fallback, goodbye, ...rest] = locale.intents;
      return {
        ...locale,
        intents: [fallback, { ...goodbye, sampleUtterances: [...goodbye.sampleUtterances, 'see ya'] }, ...rest],
      };
    };
    const newFiller = (locale: BotDefinition): BotDefinition => ({
      ...locale,
      fulfillmentUpdates: { ...locale.fulfillmentUpdates, startMessages: ['Hmm.'] },
    });
    const ids = [
      original,
      versionLogicalId(withLocale('en_US', newUtterance)),
      versionLogicalId(withLocale('en_US', newFiller)),
      versionLogicalId(botLocales, 'Matthew'),
      versionLogicalId(withLocale('es_US', newUtterance)),
      versionLogicalId(withLocale('de_DE', newFiller)),
      versionLogicalId(withLocale('de_DE', (locale) => ({ ...locale, voice: { ...locale.voice, id: 'Daniel' } }))),
      versionLogicalId(botLocales.slice(0, 2)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('orders', () => {
  test('the orders table: orderId key, on demand, encrypted, point-in-time recovery, kept when the stack goes', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: ORDERS_TABLE.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: ORDERS_TABLE.partitionKey, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the function reads the table from ORDERS_TABLE; npm run orders finds it in the outputs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [FUNCTION_ENVIRONMENT.ordersTable]: { Ref: Match.stringLikeRegexp('^OrdersTable') },
          [FUNCTION_ENVIRONMENT.orderLookupUrl]: Match.absent(),
        }),
      },
    });
    template.hasOutput(STACK_OUTPUTS.ordersTableName, { Value: { Ref: Match.stringLikeRegexp('^OrdersTable') } });
  });

  test("with the business's order API: no table, the URL and the token secret's ARN, read access to that secret only", () => {
    const url = 'https://shop.example.com/api/orders/{orderId}';
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:order-api-token-AbCdEf';
    const api = templatesFor({ orderLookupUrl: url, orderLookupTokenSecretArn: secretArn }).bot;

    expect(Object.keys(api.findResources('AWS::DynamoDB::Table'))).toHaveLength(1);
    api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [FUNCTION_ENVIRONMENT.orderLookupUrl]: url,
          [FUNCTION_ENVIRONMENT.orderLookupTokenSecretArn]: secretArn,
          [FUNCTION_ENVIRONMENT.ordersTable]: Match.absent(),
        }),
      },
    });
    const statements = Object.values(api.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const onToken = statements.filter((statement) => JSON.stringify(statement.Resource).includes(secretArn));
    expect(onToken.map((statement) => [statement.Action].flat().sort())).toEqual([
      ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
    ]);
    api.hasOutput(STACK_OUTPUTS.orderLookupUrl, { Value: url });
  });
});
