/**
 * Where call transcripts are archived: a private, encrypted, TLS-only bucket that deletes each transcript after
 * `transcriptRetentionDays`. It lives in the long-lived contact-center stack, beside the recordings: transcripts
 * are records of calls, and redeploying the bot must not lose them.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TRANSCRIPT_KEY_PREFIX } from '../definition/transcripts';
import { PRIVATE_BUCKET } from '../private-bucket';

/**
 * The CloudFormation export names of the contact-center stack's bucket ARNs, which the bot stack imports. Named by
 * us rather than by the CDK's generated cross-stack exports, so the bot stack's policies (and the cdk-nag findings
 * acknowledged on them) read the same for every deployment of a prefix.
 */
export function bucketArnExports(prefix: string): { transcripts: string; recordings: string } {
  return { transcripts: `${prefix}-TranscriptBucketArn`, recordings: `${prefix}-RecordingsBucketArn` };
}

export interface TranscriptBucketProps {
  /** Each transcript is deleted this many days after it was written. */
  readonly retentionDays: number;
}

export class TranscriptBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: TranscriptBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      lifecycleRules: [
        {
          id: 'expire-transcripts',
          prefix: TRANSCRIPT_KEY_PREFIX,
          expiration: Duration.days(props.retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Transcripts are records of real calls: deleting the stack must not delete them (they still expire).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the archiver function writes here; object-level access is auditable with CloudTrail data events, ' +
        'and an access-log bucket would need the same exemption.',
    });
  }
}
