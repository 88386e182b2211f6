/**
 * Running it in production, as the templates say: the transcript bucket (contact-center stack), the archiver and
 * its rule on Connect's contact events, and the Lex conversation logs (bot stack).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { TRANSCRIPT_KEY_PREFIX } from '../../lib/definition/transcripts';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { LOG_RETENTION_DAYS } from '../../lib/log-retention';
import { LEX_AUDIO_LOG_PREFIX } from '../../lib/operations/conversation-logs';
import { archiverMaxEventAge } from '../../lib/operations/transcript-archiver';
import { bucketArnExports } from '../../lib/operations/transcript-bucket';
import { ALL_PUBLIC_ACCESS_BLOCKED, S3_MANAGED_ENCRYPTION } from './bucket-expectations';
import { templatesFor } from './synth';

type Json = Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const { bot, contactCenter } = templatesFor();
const exportsOf = bucketArnExports('chalkbot');
const importOf = (name: string) => ({ 'Fn::ImportValue': name });
const objectsUnder = (exportName: string, prefix: string) => ({
  'Fn::Join': ['', [importOf(exportName), `/${prefix}*`]],
});

/** Every statement of every policy attached to the role whose logical id starts with `rolePrefix`. */
function statementsOf(template: typeof bot, rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] },
  });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

describe('transcript bucket (contact-center stack)', () => {
  const buckets = contactCenter.findResources('AWS::S3::Bucket', {
    Properties: { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-transcripts' })] } },
  });
  const [bucketId] = Object.keys(buckets);

  test('encrypted, private, owner-enforced, kept when the stack is deleted', () => {
    expect(Object.keys(buckets)).toHaveLength(1);
    expect(buckets[bucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: S3_MANAGED_ENCRYPTION,
        PublicAccessBlockConfiguration: ALL_PUBLIC_ACCESS_BLOCKED,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
  });

  test('TLS only: the bucket policy denies every request without it', () => {
    contactCenter.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('transcripts expire after transcriptRetentionDays (default 90)', () => {
    const expiry = (context: Json) => {
      const found = templatesFor(context).contactCenter.findResources('AWS::S3::Bucket', {
        Properties: { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-transcripts' })] } },
      });
      return Object.values(found).map((b) => b.Properties.LifecycleConfiguration.Rules[0]);
    };
    expect(expiry({})).toEqual([
      {
        Id: 'expire-transcripts',
        Status: 'Enabled',
        Prefix: TRANSCRIPT_KEY_PREFIX,
        ExpirationInDays: 90,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    expect(expiry({ transcriptRetentionDays: 30 })).toEqual([expect.objectContaining({ ExpirationInDays: 30 })]);
  });

  test('its name is an output for npm run calls, its ARN an export named for the prefix', () => {
    contactCenter.hasOutput(STACK_OUTPUTS.transcriptBucketName, { Value: { Ref: bucketId } });
    contactCenter.hasOutput('*', {
      Value: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Export: { Name: exportsOf.transcripts },
    });
  });
});

describe('transcript archiver (bot stack)', () => {
  const archiverId = Object.keys(
    bot.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }),
  )[0];

  test("the rule takes only this instance's DISCONNECTED contact events to the archiver", () => {
    const rules = Object.values(bot.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.EventPattern).toEqual({
      source: ['aws.connect'],
      'detail-type': ['Amazon Connect Contact Event'],
      detail: {
        eventType: ['DISCONNECTED'],
        instanceArn: [importOf(expect.stringMatching(/^chalkbot-contact-center:ExportsOutputFnGetAttInstanceArn/))],
      },
    });
    expect(rules[0].Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [archiverId, 'Arn'] } }),
    ]);
    bot.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [archiverId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TranscriptArchiverContactDisconnected'), 'Arn'] },
    });
    // An adopted instance: its ARN, literally.
    const adopted = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
    const adoptedRule = Object.values(
      templatesFor({ existingInstanceArn: adopted }).bot.findResources('AWS::Events::Rule'),
    )[0];
    expect(adoptedRule.Properties.EventPattern.detail.instanceArn).toEqual([adopted]);
  });

  test('the archiver may write its logs, read a call item and put objects under transcripts/, nothing more', () => {
    expect(statementsOf(bot, 'TranscriptArchiverRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TranscriptArchiverLogs/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CallMemoryTable/), 'Arn'] },
      },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objectsUnder(exportsOf.transcripts, TRANSCRIPT_KEY_PREFIX) },
    ]);
    const role = Object.values(
      bot.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('archiver') } }),
    );
    expect(role).toHaveLength(1);
    expect(role[0].Properties.ManagedPolicyArns).toBeUndefined();
    expect(role[0].Properties.Policies).toBeUndefined();
  });

  test("retries end well before the call item expires: the race with the item's TTL", () => {
    bot.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: archiverId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
    });
    // Half the memory's lifetime, within Lambda's bounds (1 minute to 6 hours).
    expect(
      [archiverMaxEventAge(600), archiverMaxEventAge(60), archiverMaxEventAge(86_400)].map((d) => d.toSeconds()),
    ).toEqual([300, 60, 21_600]);
  });

  test('the answer function gets no access to the transcript bucket (nor any bucket)', () => {
    const answer = statementsOf(bot, 'AnswerRole');
    expect(answer.length).toBeGreaterThan(0);
    const actions = answer.flatMap((s) => [s.Action].flat());
    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(JSON.stringify(answer)).not.toContain(exportsOf.transcripts);
  });
});

describe('Lex conversation logs on the live alias', () => {
  const aliasSettings = (template: typeof bot) =>
    Object.values(template.findResources('AWS::Lex::BotAlias'))[0].Properties.ConversationLogSettings;
  const textGroupId = Object.keys(
    bot.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: LOG_RETENTION_DAYS } }),
  ).find((id) => id.startsWith('LexConversationLogsText'));

  test('text logs go to a log group with the app retention; no audio logs by default', () => {
    expect(textGroupId).toBeDefined();
    expect(aliasSettings(bot)).toEqual({
      TextLogSettings: [
        {
          Enabled: true,
          Destination: {
            CloudWatch: { CloudWatchLogGroupArn: { 'Fn::GetAtt': [textGroupId, 'Arn'] }, LogPrefix: 'chalkbot' },
          },
        },
      ],
    });
    // Lex writes them with the bot's role: exactly that group, nothing else.
    expect(statementsOf(bot, 'LexRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [textGroupId, 'Arn'] },
      },
    ]);
  });

  test('lexAudioLogs=true adds audio logs to the recordings bucket, under their own prefix', () => {
    const withAudio = templatesFor({ lexAudioLogs: true }).bot;
    expect(aliasSettings(withAudio).AudioLogSettings).toEqual([
      {
        Enabled: true,
        Destination: { S3Bucket: { S3BucketArn: importOf(exportsOf.recordings), LogPrefix: LEX_AUDIO_LOG_PREFIX } },
      },
    ]);
    expect(statementsOf(withAudio, 'LexRole')).toContainEqual({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: objectsUnder(exportsOf.recordings, LEX_AUDIO_LOG_PREFIX),
    });
  });
});
