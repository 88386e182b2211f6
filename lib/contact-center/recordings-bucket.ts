/**
 * Where Connect keeps call recordings and chat transcripts: a private, encrypted, TLS-only bucket wired to the
 * instance through its storage config. Connect grants its own service-linked role access when the storage
 * config is associated, so no bucket policy for Connect is needed here.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from '../private-bucket';

export interface RecordingsBucketProps {
  readonly instanceArn: string;
  /** Recordings and transcripts are deleted after this many days. */
  readonly retentionDays?: number;
}

export class RecordingsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: RecordingsBucketProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 90;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      lifecycleRules: [
        {
          id: 'expire-recordings',
          expiration: Duration.days(retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Recordings are records of real calls: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the Connect service role writes here and reads go through the Connect console; object-level ' +
        'access is auditable with CloudTrail data events, and an access-log bucket would need the same exemption.',
    });

    const storage: [string, string][] = [
      ['CALL_RECORDINGS', 'recordings'],
      ['CHAT_TRANSCRIPTS', 'chat-transcripts'],
    ];
    for (const [resourceType, prefix] of storage) {
      new connect.CfnInstanceStorageConfig(this, `${resourceType}Storage`, {
        instanceArn: props.instanceArn,
        resourceType,
        storageType: 'S3',
        s3Config: { bucketName: this.bucket.bucketName, bucketPrefix: prefix },
      });
    }
  }
}
