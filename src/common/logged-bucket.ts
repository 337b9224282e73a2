import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKET_PROTECTION } from './bucket-protection';

/**
 * The bucket that receives another bucket's server access logs (`AccessLogsBucket` under `scope`): SSE-S3, because
 * server access logging delivers only to SSE-S3 buckets; TLS only; no public access; no ACLs; versioned; expiring.
 */
export function createAccessLogsBucket(scope: Construct, retention: Duration, noncurrentVersionRetention: Duration,
  removalPolicy: RemovalPolicy): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogsBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    ...BUCKET_PROTECTION,
    lifecycleRules: [
      { id: 'ExpireAccessLogs', expiration: retention },
      { id: 'ExpireOldVersions', noncurrentVersionExpiration: noncurrentVersionRetention, expiredObjectDeleteMarker: true },
    ],
    removalPolicy,
  });
  // S3 events on the default event bus (free): lets a security team watch the log bucket without changing it.
  enableEventBridgeNotifications(bucket);
  // No acknowledgement needed: cdk-nag's S1 recognises a bucket that receives server access logs.
  return bucket;
}

/**
 * Set on the CloudFormation resource: aws-cdk's `eventBridgeEnabled` goes through a custom resource (a Lambda
 * function with a managed-policy role) that CloudFormation does not need for this setting.
 */
export function enableEventBridgeNotifications(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/**
 * Server access logging with a bucket policy for the logging service, as AWS recommends, whatever the app's feature
 * flags: aws-cdk's `serverAccessLogsBucket` falls back to the legacy `LogDeliveryWrite` ACL without
 * `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`, which ACL-less (`BucketOwnerEnforced`) buckets refuse.
 * A logs bucket you bring that this stack cannot change (imported) must already allow the logging service.
 */
export function enableServerAccessLogging(bucket: s3.Bucket, logsBucket: s3.IBucket, logFilePrefix: string): void {
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: logsBucket.bucketName,
    logFilePrefix,
  };
  logsBucket.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [logsBucket.arnForObjects(`${logFilePrefix}*`)],
    conditions: {
      ArnLike: { 'aws:SourceArn': bucket.bucketArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
    },
  }));
}
