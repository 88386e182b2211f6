/**
 * What a template says of every bucket the app makes (lib/private-bucket.ts), written out here on its own so a
 * test compares the template with the rule, not the code with itself.
 */

/** Encrypted with S3-managed keys. */
export const S3_MANAGED_ENCRYPTION = {
  ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
};

/** Never public: every public ACL and policy blocked and ignored. */
export const ALL_PUBLIC_ACCESS_BLOCKED = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};
