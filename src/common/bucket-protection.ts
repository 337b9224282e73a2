import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What every bucket of the library sets, whatever it holds: TLS 1.2 or later only, no public access, no ACLs (the
 * bucket owner owns every object), versioned. Encryption and lifecycle differ per bucket and stay with it.
 */
export const BUCKET_PROTECTION = {
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  versioned: true,
} as const satisfies Partial<s3.BucketProps>;

/** Customer-managed-key encryption with a bucket key (one data key per bucket, not one KMS call per object), else SSE-S3. */
export function bucketEncryption(key: kms.IKey | undefined): Pick<s3.BucketProps, 'encryption' | 'encryptionKey' | 'bucketKeyEnabled'> {
  return key
    ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
    : { encryption: s3.BucketEncryption.S3_MANAGED };
}
