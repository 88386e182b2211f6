/**
 * Archives each call's transcript when it ends: an EventBridge rule on Connect's contact events (source
 * `aws.connect`, detail-type "Amazon Connect Contact Event", eventType DISCONNECTED, this instance only; see
 * https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html) invokes a small function that reads
 * the call's item and writes `transcripts/YYYY/MM/DD/<contactId>.json` (lambda/src/archiver.ts).
 *
 * The function is a zip of its own esbuild bundle (scripts/build-lambda.mjs writes lambda/dist-archiver/), not the
 * answer function's image: it shares none of the answer function's heavy parts (model clients, knowledge index),
 * a zip needs no Docker to build or to synthesize, and it starts in a fraction of the image's cold start.
 *
 * Connect sends its contact events to the default event bus by itself, with no setup, and delivers them "best
 * effort" (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-connect.html): a call whose event never
 * comes has no archive, though its item stays in the call table until it expires, and invoking the archiver with
 * the contact's DISCONNECTED event archives it then (README, "Running it").
 *
 * Two races, both lost only in rare cases, and neither silently:
 * - With the item's expiry (DynamoDB TTL on `expiresAt`, `memoryExpiryDays` after the call's last turn): the
 *   archiver runs seconds after the hang-up, and Lambda's retries of a failed archive (two, for asynchronous
 *   invocations) stop after `maxEventAge`, set to half the memory's lifetime (within Lambda's bounds), so a retry
 *   never finds the item gone. An archive still failing after that is dropped (the alarm on the archiver's errors
 *   shows it); a transfer whose agent leg outlasts the memory's lifetime finds the item gone, and its transcript
 *   is written without turns (memoryFound: false).
 * - With the last turn: a caller who hangs up while the bot is still answering can disconnect before that turn's
 *   write lands; the archiver then reads the item without it (ConsistentRead sees every write that finished).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ARCHIVER_ENV, TRANSCRIPT_KEY_PREFIX } from '../definition/transcripts';
import { LOG_RETENTION_DAYS } from '../log-retention';

/** Lambda's bounds for an asynchronous event's age. */
const MAX_EVENT_AGE = { min: Duration.minutes(1), max: Duration.hours(6) };

export interface TranscriptArchiverProps {
  /** The directory holding the archiver's bundle (index.js); lambda/dist-archiver after `npm run build`. */
  readonly codeDirectory: string;
  readonly instanceArn: string;
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  /** How long a call's item lives after its last turn: the archiver's retries stay within it. */
  readonly memoryExpirySeconds: number;
  readonly redactTranscripts: boolean;
}

/** The archiver's retries end before the call's item expires (within Lambda's bounds for an event's age). */
export function archiverMaxEventAge(memoryExpirySeconds: number): Duration {
  const half = Math.floor(memoryExpirySeconds / 2);
  const seconds = Math.min(MAX_EVENT_AGE.max.toSeconds(), Math.max(MAX_EVENT_AGE.min.toSeconds(), half));
  return Duration.seconds(seconds);
}

export class TranscriptArchiver extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;
  /** The archiver failed: transcripts are missing. */
  readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TranscriptArchiverProps) {
    super(scope, id);
    if (!existsSync(join(props.codeDirectory, 'index.js'))) {
      throw new Error(`The archiver's bundle is missing (${props.codeDirectory}/index.js): run npm run build first`);
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role: the log group, one read of the call table and writes under transcripts/, nothing more.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Chalkbot transcript archiver: reads a call item, writes its transcript.',
    });
    logGroup.grantWrite(role);
    props.table.grant(role, 'dynamodb:GetItem');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${TRANSCRIPT_KEY_PREFIX}*`)],
      }),
    );

    this.function = new lambda.Function(this, 'Function', {
      description: 'Archives a Chalkbot call transcript when Connect says the contact disconnected.',
      // The newest Node.js Lambda runs; the bundle targets Node 22 (the answer function's), which it runs unchanged.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(props.codeDirectory),
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup,
      retryAttempts: 2,
      maxEventAge: archiverMaxEventAge(props.memoryExpirySeconds),
      environment: {
        [ARCHIVER_ENV.callMemoryTable]: props.table.tableName,
        [ARCHIVER_ENV.transcriptBucket]: props.bucket.bucketName,
        [ARCHIVER_ENV.redactTranscripts]: String(props.redactTranscripts),
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });

    this.rule = new events.Rule(this, 'ContactDisconnected', {
      description: 'A Chalkbot contact disconnected: archive its transcript.',
      eventPattern: {
        source: ['aws.connect'],
        detailType: ['Amazon Connect Contact Event'],
        detail: { eventType: ['DISCONNECTED'], instanceArn: [props.instanceArn] },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
    );

    this.errorsAlarm = new cloudwatch.Alarm(this, 'Errors', {
      metric: this.function.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Chalkbot: a call transcript could not be archived (see the archiver logs).',
    });
  }
}
