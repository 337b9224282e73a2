import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IDependable } from 'constructs';
import { validateDurationInRange, validateWholeUnits } from '../../common/validation';

/**
 * Options for a delivery bucket the agent creates in the member account.
 */
export interface NewBucketDeliveryOptions {
  /**
   * The customer-managed key that encrypts the delivered files (SSE-KMS, with an S3 Bucket Key).
   *
   * When the key belongs to the same stack, the agent adds the statement AWS Config needs to its key policy
   * (`kms:Decrypt` and `kms:GenerateDataKey` for `config.amazonaws.com`, this account only); an imported key
   * must already allow it.
   *
   * @default - S3-managed keys (SSE-S3)
   * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A prefix for the delivered objects: AWS Config writes under `<keyPrefix>/AWSLogs/<account>/Config/`.
   *
   * @default - no prefix (`AWSLogs/<account>/Config/`)
   */
  readonly keyPrefix?: string;

  /**
   * When delivered files move to S3 Glacier Flexible Retrieval.
   *
   * Not Standard-IA or Glacier Instant Retrieval: both bill every object as at least 128 KB, and most
   * configuration history files are smaller.
   *
   * @default Duration.days(90)
   */
  readonly transitionAfter?: Duration;

  /**
   * When delivered files are deleted (earlier versions 30 days after they were replaced).
   *
   * @default Duration.days(2557) (seven years)
   */
  readonly expiration?: Duration;

  /**
   * The bucket that receives the server access logs of the delivery bucket.
   *
   * @default - a bucket created for them (SSE-S3, TLS only, expiring after `expiration`)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the buckets the agent creates when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Options for delivery to a central bucket, usually in a log-archive account.
 */
export interface CentralBucketDeliveryOptions {
  /**
   * The central bucket, for example `s3.Bucket.fromBucketName(this, 'LogArchive', 'org-config-logs')`.
   *
   * Its policy, in its own account, must allow `config.amazonaws.com` `s3:GetBucketAcl` and `s3:ListBucket` on
   * the bucket and `s3:PutObject` with `bucket-owner-full-control` on `<keyPrefix>/AWSLogs/<account>/Config/*`
   * for every member account (the policy a new bucket gets here shows the exact statements).
   *
   * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
   */
  readonly bucket: s3.IBucket;

  /**
   * The KMS key the central bucket encrypts with; its key policy must allow `config.amazonaws.com`
   * `kms:Decrypt` and `kms:GenerateDataKey` for the member accounts.
   *
   * @default - the bucket's own default encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A prefix for the delivered objects: AWS Config writes under `<keyPrefix>/AWSLogs/<account>/Config/`.
   *
   * @default - no prefix
   */
  readonly keyPrefix?: string;
}

/** Where the delivery bucket's server access logs go in the access-log bucket. */
export const ACCESS_LOGS_PREFIX = 'config-delivery/';

/** What the delivery channel needs from a destination. */
export interface DeliveryDestinationConfig {
  readonly bucketName: string;
  readonly keyPrefix?: string;
  readonly kmsKeyArn?: string;
  /** The bucket the agent created, if any. */
  readonly bucket?: s3.Bucket;
  /** The access-log bucket the agent created, if any. */
  readonly accessLogsBucket?: s3.Bucket;
  /** What must exist before the delivery channel is created (the bucket policy). */
  readonly dependencies: IDependable[];
}

/**
 * Where AWS Config delivers configuration history files and snapshots.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html
 */
export abstract class DeliveryDestination {
  /**
   * A bucket the agent creates in this account: encrypted, TLS only, public access blocked, versioned, with server
   * access logs, a lifecycle to cheaper storage and expiry, and the bucket policy the AWS Config documentation
   * gives, scoped to this account with `AWS:SourceAccount`.
   */
  public static newBucket(options: NewBucketDeliveryOptions = {}): DeliveryDestination {
    validateKeyPrefix(options.keyPrefix);
    const transitionAfter = options.transitionAfter ?? Duration.days(90);
    const expiration = options.expiration ?? Duration.days(2557);
    validateDurationInRange('transitionAfter', transitionAfter, Duration.days(1), undefined,
      'S3 lifecycle transitions take a whole number of days, at least 1');
    validateWholeUnits('transitionAfter', transitionAfter, 'days');
    validateWholeUnits('expiration', expiration, 'days');
    if (!transitionAfter.isUnresolved() && !expiration.isUnresolved() && expiration.toDays() <= transitionAfter.toDays()) {
      throw new Error(`expiration must be later than transitionAfter, got ${expiration.toHumanString()} and `
        + `${transitionAfter.toHumanString()}: lengthen expiration or shorten transitionAfter`);
    }
    return new NewBucketDestination({ ...options, transitionAfter, expiration });
  }

  /**
   * A central bucket, usually in a log-archive account, whose policy already lets AWS Config write for this account.
   */
  public static centralBucket(options: CentralBucketDeliveryOptions): DeliveryDestination {
    validateKeyPrefix(options.keyPrefix);
    const name = options.bucket.bucketName;
    if (!Token.isUnresolved(name) && (name.startsWith('arn:') || name.includes('/'))) {
      throw new Error(`centralBucket() needs the bucket's name, got '${name}': AWS Config rejects an ARN or a path `
        + "(InsufficientDeliveryPolicyException); use s3.Bucket.fromBucketName(this, 'LogArchive', 'bucket-name')");
    }
    return new CentralBucketDestination(options);
  }

  /** @internal */
  public abstract _bind(scope: Construct): DeliveryDestinationConfig;
}

class CentralBucketDestination extends DeliveryDestination {
  constructor(private readonly options: CentralBucketDeliveryOptions) {
    super();
  }

  /** @internal */
  public _bind(): DeliveryDestinationConfig {
    return {
      bucketName: this.options.bucket.bucketName,
      keyPrefix: this.options.keyPrefix,
      kmsKeyArn: this.options.encryptionKey?.keyArn,
      dependencies: [],
    };
  }
}

interface ResolvedNewBucketOptions extends NewBucketDeliveryOptions {
  readonly transitionAfter: Duration;
  readonly expiration: Duration;
}

class NewBucketDestination extends DeliveryDestination {
  constructor(private readonly options: ResolvedNewBucketOptions) {
    super();
  }

  /** @internal */
  public _bind(scope: Construct): DeliveryDestinationConfig {
    const { options } = this;
    const stack = Stack.of(scope);
    const removalPolicy = options.removalPolicy ?? RemovalPolicy.RETAIN;

    let accessLogsBucket: s3.Bucket | undefined;
    if (!options.serverAccessLogsBucket) {
      // Server access logs accept SSE-S3 only, never SSE-KMS.
      accessLogsBucket = new s3.Bucket(scope, 'AccessLogsBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: true,
        removalPolicy,
        lifecycleRules: [{
          id: 'ExpireAccessLogs',
          expiration: options.expiration,
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        }],
      });
    }

    const bucket = new s3.Bucket(scope, 'DeliveryBucket', {
      encryption: options.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: options.encryptionKey,
      bucketKeyEnabled: options.encryptionKey ? true : undefined,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // AWS Config writes with the bucket-owner-full-control ACL, the one ACL an owner-enforced bucket accepts.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy,
      lifecycleRules: [{
        id: 'ArchiveThenExpire',
        transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: options.transitionAfter }],
        expiration: options.expiration,
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
    });

    // Set on the L1 with a bucket policy for the logging service: the L2 would grant it through the
    // LogDeliveryWrite ACL, which owner-enforced buckets refuse, unless the app sets a feature flag.
    const logsTarget = options.serverAccessLogsBucket ?? accessLogsBucket!;
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: logsTarget.bucketName,
      logFilePrefix: ACCESS_LOGS_PREFIX,
    };
    logsTarget.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsPolicy',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [logsTarget.arnForObjects(`${ACCESS_LOGS_PREFIX}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }));

    // EventBridge notifications set on the L1: the L2 property deploys a notification function for it. They cost
    // nothing until a rule matches, and Control Tower's CT.S3.PR.4 asks for them.
    for (const created of [bucket, accessLogsBucket]) {
      if (created) {
        (created.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
      }
    }

    for (const statement of configBucketPolicyStatements(bucket.bucketArn, stack.account, options.keyPrefix)) {
      bucket.addToResourcePolicy(statement);
    }

    // The delivery channel uses the service-linked role, so AWS Config writes as its service principal.
    options.encryptionKey?.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AWSConfigKMSPolicy',
      principals: [new iam.ServicePrincipal('config.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'AWS:SourceAccount': stack.account } },
    }));

    return {
      bucketName: bucket.bucketName,
      keyPrefix: options.keyPrefix,
      kmsKeyArn: options.encryptionKey?.keyArn,
      bucket,
      accessLogsBucket,
      dependencies: bucket.policy ? [bucket.policy] : [],
    };
  }
}

/**
 * The three statements of the AWS Config documentation's delivery bucket policy, scoped to one source account.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
 */
export function configBucketPolicyStatements(bucketArn: string, account: string, keyPrefix?: string): iam.PolicyStatement[] {
  const config = new iam.ServicePrincipal('config.amazonaws.com');
  const sourceAccount = { 'AWS:SourceAccount': account };
  const objects = keyPrefix ? `${bucketArn}/${keyPrefix}/AWSLogs/${account}/Config/*` : `${bucketArn}/AWSLogs/${account}/Config/*`;
  return [
    new iam.PolicyStatement({
      sid: 'AWSConfigBucketPermissionsCheck',
      principals: [config],
      actions: ['s3:GetBucketAcl'],
      resources: [bucketArn],
      conditions: { StringEquals: sourceAccount },
    }),
    new iam.PolicyStatement({
      sid: 'AWSConfigBucketExistenceCheck',
      principals: [config],
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: { StringEquals: sourceAccount },
    }),
    new iam.PolicyStatement({
      sid: 'AWSConfigBucketDelivery',
      principals: [config],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...sourceAccount } },
    }),
  ];
}

/** AWS Config appends `AWSLogs/<account>/Config/` itself: a prefix that already holds it is rejected. */
function validateKeyPrefix(keyPrefix: string | undefined): void {
  if (keyPrefix === undefined || Token.isUnresolved(keyPrefix)) return;
  if (keyPrefix.includes('AWSLogs/')) {
    throw new Error(`keyPrefix must not contain 'AWSLogs/', got '${keyPrefix}': AWS Config appends `
      + "'AWSLogs/<account>/Config/' itself (InvalidS3KeyPrefixException); give only your own prefix, or none");
  }
  if (keyPrefix === '' || keyPrefix.startsWith('/') || keyPrefix.endsWith('/')) {
    throw new Error(`keyPrefix must be non-empty and neither start nor end with '/', got '${keyPrefix}': `
      + "write it as 'config' or 'org/config', or leave it out");
  }
}
