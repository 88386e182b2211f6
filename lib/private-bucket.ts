/**
 * What every bucket of this app is, whatever it holds (call recordings, transcripts, the chat page): encrypted,
 * never public, reachable over TLS only, and owning every object written to it (no ACLs). Each bucket adds its
 * own lifecycle and removal policy.
 */
import * as s3 from 'aws-cdk-lib/aws-s3';

export const PRIVATE_BUCKET = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const satisfies s3.BucketProps;
