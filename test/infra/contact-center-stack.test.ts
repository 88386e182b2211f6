import { Match } from 'aws-cdk-lib/assertions';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { SUPPORT_QUEUE_NAME } from '../../lib/contact-center/support-queue';
import { LOG_RETENTION_DAYS } from '../../lib/log-retention';
import { ALL_PUBLIC_ACCESS_BLOCKED, S3_MANAGED_ENCRYPTION } from './bucket-expectations';
import { templatesFor } from './synth';

const EXISTING_INSTANCE = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const EXISTING_NUMBER = 'arn:aws:connect:us-east-1:123456789012:phone-number/66666666-7777-8888-9999-000000000000';

describe('contact-center stack (new instance)', () => {
  const template = templatesFor().contactCenter;
  const instanceArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Instance'), 'Arn'] };

  test('the Connect instance: managed identities, inbound calls, flow logs, alias from the settings, retained', () => {
    template.resourceCountIs('AWS::Connect::Instance', 1);
    template.hasResource('AWS::Connect::Instance', {
      Properties: {
        IdentityManagementType: 'CONNECT_MANAGED',
        InstanceAlias: 'chalkbot',
        Attributes: { InboundCalls: true, OutboundCalls: false, ContactflowLogs: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('flow logs go to our /aws/connect/<alias> group, made before the instance, expiring, retained like it', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/aws/connect/chalkbot' },
    });
    const [[groupId, group]] = Object.entries(groups);
    expect(group).toMatchObject({
      Properties: { RetentionInDays: LOG_RETENTION_DAYS },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const [instance] = Object.values(template.findResources('AWS::Connect::Instance'));
    expect(instance.DependsOn).toContain(groupId);
    // The name follows the alias setting.
    const renamed = templatesFor({ instanceAlias: 'chalkbot-demo-7' }).contactCenter;
    renamed.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/connect/chalkbot-demo-7',
      RetentionInDays: LOG_RETENTION_DAYS,
    });
  });

  test('the phone number is claimed on that instance with the configured country and type, and retained', () => {
    template.hasResource('AWS::Connect::PhoneNumber', {
      Properties: { TargetArn: instanceArn, CountryCode: 'US', Type: 'DID' },
      DeletionPolicy: 'Retain',
    });
    template.hasOutput(STACK_OUTPUTS.phoneNumber, { Value: { 'Fn::GetAtt': [Match.anyValue(), 'Address'] } });
  });

  test('the recordings bucket: encrypted, private, TLS only, expiring; wired through the storage config', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: S3_MANAGED_ENCRYPTION,
        PublicAccessBlockConfiguration: ALL_PUBLIC_ACCESS_BLOCKED,
        LifecycleConfiguration: { Rules: [Match.objectLike({ Status: 'Enabled', ExpirationInDays: 90 })] },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const resourceType of ['CALL_RECORDINGS', 'CHAT_TRANSCRIPTS']) {
      template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
        InstanceArn: instanceArn,
        ResourceType: resourceType,
        StorageType: 'S3',
        S3Config: { BucketName: { Ref: Match.stringLikeRegexp('^RecordingsBucket') }, BucketPrefix: Match.anyValue() },
      });
    }
  });

  test('the support queue has opening hours and is what the flow names', () => {
    template.hasResourceProperties('AWS::Connect::Queue', {
      InstanceArn: instanceArn,
      Name: SUPPORT_QUEUE_NAME,
      HoursOfOperationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SupportQueueHours'), 'HoursOfOperationArn'] },
    });
    template.hasResourceProperties('AWS::Connect::HoursOfOperation', {
      Config: Match.arrayWith([Match.objectLike({ Day: 'MONDAY' })]),
    });
  });

  test('the admin user gets its password from Secrets Manager by dynamic reference and its own profiles', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'password',
        SecretStringTemplate: '{"username":"admin"}',
      }),
    });
    template.hasResourceProperties('AWS::Connect::User', {
      InstanceArn: instanceArn,
      Username: 'admin',
      Password: {
        'Fn::Join': [
          '',
          [
            '{{resolve:secretsmanager:',
            { Ref: Match.stringLikeRegexp('^AdminPassword') },
            ':SecretString:password::}}',
          ],
        ],
      },
      SecurityProfileArns: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AdminSecurityProfile'), 'SecurityProfileArn'] }],
      RoutingProfileArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AdminRoutingProfile'), 'RoutingProfileArn'] },
    });
    template.hasResourceProperties('AWS::Connect::RoutingProfile', {
      DefaultOutboundQueueArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SupportQueue'), 'QueueArn'] },
    });
  });

  test('the function image repository scans on push, expires old images and lets the CDK publisher push', () => {
    template.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'chalkbot-answer-function',
      ImageScanningConfiguration: { ScanOnPush: true },
      LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('"countType":"imageCountMoreThan"') },
      RepositoryPolicyText: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CdkAssetPublishing',
            Action: Match.arrayWith(['ecr:PutImage']),
            Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([':role/cdk-hnb659fds-image-publishing-role-'])] } },
          }),
        ]),
      },
    });
  });

  test('a custom bootstrap qualifier in the app context names the publishing role of that qualifier', () => {
    const custom = templatesFor({ '@aws-cdk/core:bootstrapQualifier': 'chalk42' }).contactCenter;
    const [repository] = Object.values(custom.findResources('AWS::ECR::Repository'));
    const policy = JSON.stringify(repository.Properties.RepositoryPolicyText);
    expect(policy).toContain(':role/cdk-chalk42-image-publishing-role-');
    expect(policy).not.toContain('hnb659fds');
  });

  test('outputs the keys the tools read', () => {
    for (const key of [
      STACK_OUTPUTS.connectInstanceArn,
      STACK_OUTPUTS.connectInstanceId,
      STACK_OUTPUTS.phoneNumberArn,
      STACK_OUTPUTS.supportQueueArn,
      STACK_OUTPUTS.adminUserSecretArn,
      STACK_OUTPUTS.functionImageRepositoryName,
    ]) {
      template.hasOutput(key, {});
    }
    template.hasOutput(STACK_OUTPUTS.connectInstanceId, {
      Value: { 'Fn::Select': [1, { 'Fn::Split': ['/', instanceArn] }] },
    });
  });
});

describe('contact-center stack (adopted instance and number)', () => {
  const adopted = templatesFor({ existingInstanceArn: EXISTING_INSTANCE, existingPhoneNumberArn: EXISTING_NUMBER });
  const template = adopted.contactCenter;

  test('nothing instance-level is created: no instance, number, storage, recordings bucket or admin', () => {
    // The one bucket is the transcripts', which are ours whatever the instance (test/infra/operations.test.ts).
    expect(Object.values(template.findResources('AWS::S3::Bucket'))).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          LifecycleConfiguration: { Rules: [expect.objectContaining({ Id: 'expire-transcripts' })] },
        }),
      }),
    ]);
    for (const type of [
      'AWS::Connect::Instance',
      'AWS::Connect::PhoneNumber',
      'AWS::Connect::InstanceStorageConfig',
      'AWS::Connect::User',
      'AWS::Connect::SecurityProfile',
      'AWS::Connect::RoutingProfile',
      'AWS::Logs::LogGroup',
    ]) {
      template.resourceCountIs(type, 0);
    }
  });

  test('the queue the flow needs is added to the adopted instance, and the ids are folded at synth', () => {
    template.hasResourceProperties('AWS::Connect::Queue', { InstanceArn: EXISTING_INSTANCE });
    template.hasOutput(STACK_OUTPUTS.connectInstanceId, { Value: '11111111-2222-3333-4444-555555555555' });
    const association = JSON.stringify(adopted.bot.findResources('Custom::AWS'));
    expect(association).toContain('\\"PhoneNumberId\\":\\"66666666-7777-8888-9999-000000000000\\"');
    expect(association).toContain('\\"InstanceId\\":\\"11111111-2222-3333-4444-555555555555\\"');
  });
});
