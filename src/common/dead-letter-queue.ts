import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * How a queue is encrypted: with the customer-managed key if there is one, otherwise SQS-managed SSE, not the
 * AWS-managed KMS key: EventBridge cannot use alias/aws/sqs, whose policy cannot be changed.
 */
export function queueEncryption(key: kms.IKey | undefined): Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey'> {
  return key
    ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
    : { encryption: sqs.QueueEncryption.SQS_MANAGED };
}

/** How a dead-letter queue is built. */
export interface DeadLetterQueueOptions {
  /** @default - SQS-managed encryption */
  readonly encryptionKey?: kms.IKey;
  /** @default - the queue's default (RETAIN) */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Why the queue has no dead-letter queue of its own, when cdk-nag cannot see that it is one (AwsSolutions-SQS3:
   * it recognises only queues named as another queue's redrive target).
   *
   * @default - not acknowledged: the queue is the redrive target of a queue in the same stack
   */
  readonly notRecognisedReason?: string;
}

/**
 * A dead-letter queue, `DeadLetterQueue` in `scope`: encrypted, TLS only, messages kept SQS's longest 14 days.
 */
export function createDeadLetterQueue(scope: Construct, options: DeadLetterQueueOptions = {}): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    ...queueEncryption(options.encryptionKey),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // States what SQS does by default (any queue of the account may use it as its dead-letter queue) so that
    // policy checks such as Control Tower's CT.SQS.PR.1 recognise it as a dead-letter queue.
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    removalPolicy: options.removalPolicy,
  });
  if (options.notRecognisedReason !== undefined) {
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: options.notRecognisedReason });
  }
  return queue;
}
