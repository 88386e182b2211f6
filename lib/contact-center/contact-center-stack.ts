/**
 * The long-lived half of Chalkbot: what AWS rations or what holds records. The Connect instance and the phone
 * number are retained when the stack is deleted (creating and deleting instances is limited to 100 per 30 days,
 * and claimed numbers are budgeted), or adopted by ARN. Beside them: the support queue the flow transfers to,
 * the recordings bucket, the administrator and the function's image repository. None of these change when the
 * bot, the function or the flow does.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { arnPathPart } from '../connect-arn';
import { STACK_OUTPUTS } from '../definition/stack-outputs';
import { LOG_RETENTION_DAYS } from '../log-retention';
import { bucketArnExports, TranscriptBucket } from '../operations/transcript-bucket';
import { type ChalkbotSettings, functionImageRepositoryName } from '../settings';
import { AdminUser } from './admin-user';
import { FunctionImageRepository } from './function-image-repository';
import { RecordingsBucket } from './recordings-bucket';
import { SupportQueue } from './support-queue';

export interface ContactCenterStackProps extends StackProps {
  readonly settings: ChalkbotSettings;
}

export class ContactCenterStack extends Stack {
  readonly instanceArn: string;
  readonly phoneNumberArn: string;
  /** Queue ARNs by the name the flows use in `${QUEUE_ARN:<name>}`. */
  readonly queueArnsByName: Readonly<Record<string, string>>;
  readonly functionImageRepository: FunctionImageRepository;
  /** Call transcripts, written by the bot stack's archiver. */
  readonly transcriptBucket: s3.Bucket;
  /** Connect's recordings; only when this stack creates the instance (an adopted one keeps its own storage). */
  readonly recordingsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: ContactCenterStackProps) {
    super(scope, id, props);
    const { settings } = props;

    const createsInstance = settings.existingInstanceArn === undefined;
    if (settings.existingInstanceArn !== undefined) {
      this.instanceArn = settings.existingInstanceArn;
    } else {
      const instance = new connect.CfnInstance(this, 'Instance', {
        identityManagementType: 'CONNECT_MANAGED',
        instanceAlias: settings.instanceAlias,
        attributes: { inboundCalls: true, outboundCalls: false, contactflowLogs: true },
      });
      instance.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // Connect writes flow logs to /aws/connect/<alias>, creating the group without retention if it is missing.
      // Ours exists first, so the logs expire; retained like the instance, which keeps writing to it.
      const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
        logGroupName: `/aws/connect/${settings.instanceAlias}`,
        retention: LOG_RETENTION_DAYS,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      instance.node.addDependency(flowLogs);
      this.instanceArn = instance.attrArn;
    }

    const queue = new SupportQueue(this, 'SupportQueue', { instanceArn: this.instanceArn });
    this.queueArnsByName = queue.queueArnsByName;

    if (settings.existingPhoneNumberArn !== undefined) {
      this.phoneNumberArn = settings.existingPhoneNumberArn;
    } else {
      const phoneNumber = new connect.CfnPhoneNumber(this, 'ClaimedNumber', {
        targetArn: this.instanceArn,
        countryCode: settings.phoneCountry,
        type: settings.phoneType,
        description: `Chalkbot (${settings.prefix})`,
      });
      phoneNumber.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.phoneNumberArn = phoneNumber.attrPhoneNumberArn;
      new CfnOutput(this, STACK_OUTPUTS.phoneNumber, {
        value: phoneNumber.attrAddress,
        description: 'The number to call',
      });
    }

    // An adopted instance already has its storage and its administrators; we only add to it what the flow needs.
    if (createsInstance) {
      const recordings = new RecordingsBucket(this, 'Recordings', { instanceArn: this.instanceArn });
      this.recordingsBucket = recordings.bucket;
      new CfnOutput(this, 'RecordingsBucketArn', {
        value: recordings.bucket.bucketArn,
        exportName: bucketArnExports(settings.prefix).recordings,
      });
      const admin = new AdminUser(this, 'Admin', { instanceArn: this.instanceArn, queueArn: queue.queueArn });
      new CfnOutput(this, STACK_OUTPUTS.recordingsBucketName, { value: recordings.bucket.bucketName });
      new CfnOutput(this, STACK_OUTPUTS.adminUserSecretArn, {
        value: admin.secret.secretArn,
        description: `Username and password of the Connect user "${admin.username}"`,
      });
    }

    // Beside the recordings, not in the bot stack: transcripts are records of calls and outlive a redeployed bot.
    this.transcriptBucket = new TranscriptBucket(this, 'Transcripts', {
      retentionDays: settings.transcriptRetentionDays,
    }).bucket;
    new CfnOutput(this, STACK_OUTPUTS.transcriptBucketName, { value: this.transcriptBucket.bucketName });
    new CfnOutput(this, 'TranscriptBucketArn', {
      value: this.transcriptBucket.bucketArn,
      exportName: bucketArnExports(settings.prefix).transcripts,
    });

    this.functionImageRepository = new FunctionImageRepository(this, 'FunctionImages', {
      repositoryName: functionImageRepositoryName(settings),
    });

    new CfnOutput(this, STACK_OUTPUTS.connectInstanceArn, { value: this.instanceArn });
    new CfnOutput(this, STACK_OUTPUTS.connectInstanceId, { value: arnPathPart(this.instanceArn, 1) });
    new CfnOutput(this, STACK_OUTPUTS.phoneNumberArn, { value: this.phoneNumberArn });
    new CfnOutput(this, STACK_OUTPUTS.supportQueueArn, { value: queue.queueArn });
    new CfnOutput(this, STACK_OUTPUTS.functionImageRepositoryName, {
      value: this.functionImageRepository.repository.repositoryName,
    });
  }
}
