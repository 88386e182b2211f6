/**
 * Lex V2 conversation logs for the `live` alias: the text of every turn (what Lex heard, the intent it chose,
 * what was said back, including the goodbye and agent intents the function never sees) to a log group kept as
 * long as the app's other logs; the callers' audio only when the `lexAudioLogs` setting turns it on, into the
 * recordings bucket beside Connect's call recordings (and expiring with them).
 *
 * Lex V2 writes the logs with the bot's own IAM role (the alias has no role of its own), so the role gets the
 * writes: https://docs.aws.amazon.com/lexv2/latest/dg/conversation-logs-policies.html
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lex from 'aws-cdk-lib/aws-lex';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LOG_RETENTION_DAYS } from '../log-retention';

/** Where audio logs go in the recordings bucket. */
export const LEX_AUDIO_LOG_PREFIX = 'lex-audio/';

export interface ConversationLogsProps {
  /** Log the callers' audio into this bucket; no audio logs without it. */
  readonly audioBucket?: s3.IBucket;
}

export class ConversationLogs extends Construct {
  readonly textLogGroup: logs.LogGroup;
  readonly settings: lex.CfnBotAlias.ConversationLogSettingsProperty;
  private readonly audioBucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: ConversationLogsProps = {}) {
    super(scope, id);
    this.audioBucket = props.audioBucket;
    this.textLogGroup = new logs.LogGroup(this, 'Text', {
      retention: LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.settings = {
      textLogSettings: [
        {
          enabled: true,
          destination: { cloudWatch: { cloudWatchLogGroupArn: this.textLogGroup.logGroupArn, logPrefix: 'chalkbot' } },
        },
      ],
      ...(props.audioBucket
        ? {
            audioLogSettings: [
              {
                enabled: true,
                destination: {
                  s3Bucket: { s3BucketArn: props.audioBucket.bucketArn, logPrefix: LEX_AUDIO_LOG_PREFIX },
                },
              },
            ],
          }
        : {}),
    };
  }

  /** What the bot's role needs to write these logs, and nothing else. */
  grantWrite(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.textLogGroup.logGroupArn],
      }),
    );
    if (this.audioBucket) {
      // Objects under the audio prefix only; the bucket's other objects (Connect's recordings) stay out of reach.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.audioBucket.arnForObjects(`${LEX_AUDIO_LOG_PREFIX}*`)],
        }),
      );
    }
  }
}
