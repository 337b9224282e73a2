import * as config from 'aws-cdk-lib/aws-config';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SamplingRule } from './sampling-rule';

/**
 * What the agent's ProcessConfigEvents function filters, samples and adds before it forwards an event.
 */
export interface EnrichedForwardingOptions {
  /**
   * Forward only events about these resource types (configuration-item and compliance changes).
   *
   * Events that name no resource (re-evaluation, snapshot and history delivery status) are not affected.
   *
   * @default - every resource type
   */
  readonly includeResourceTypes?: config.ResourceType[];

  /**
   * Never forward events about these resource types (configuration-item and compliance changes).
   *
   * @default - none excluded
   */
  readonly excludeResourceTypes?: config.ResourceType[];

  /**
   * Drop compliance results that are `NOT_APPLICABLE`.
   *
   * A `NOT_APPLICABLE` result that replaces another status (a resource leaving a rule's scope) is still forwarded,
   * so the master never keeps a stale `NON_COMPLIANT` for it.
   *
   * @default false
   */
  readonly dropNotApplicable?: boolean;

  /**
   * Drop configuration-item updates that changed only the item's relationships or metadata.
   *
   * An update qualifies when every `configurationItemDiff.changedProperties` path starts with `Relationships` or a
   * configuration-item metadata field (or when it names none). Creations, deletions, oversized items whose full item
   * cannot be read, and items without a diff are always forwarded.
   *
   * @default false
   */
  readonly dropRelationshipOnlyChanges?: boolean;

  /**
   * Forward only a share of the configuration-item changes of noisy resource types.
   *
   * @default - every configuration-item change is forwarded
   */
  readonly sampling?: SamplingRule[];

  /**
   * A friendly name of this account, added to every forwarded event as `enrichment.accountName`.
   *
   * @default - no account name
   */
  readonly accountName?: string;

  /**
   * Labels added to every forwarded event as `enrichment.labels`, for example an environment or an owning team.
   *
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * The bucket AWS Config delivers this account's oversized configuration items to.
   *
   * When given, the function may read the oversized-notification objects of this account from it
   * (`s3:GetObject` on `…AWSLogs/<account>/Config/…/OversizedChangeNotification/…` only) and forwards the full item
   * in place of the summary where it fits an event. A bucket in another account must also allow the function's
   * role in its bucket policy; a bucket encrypted with a KMS key must be imported with that key.
   *
   * @default - oversized items are forwarded as the summary AWS Config sent
   */
  readonly oversizedItemsBucket?: s3.IBucket;

  /**
   * The key that encrypts the function's queues and log group.
   *
   * @default - SQS-managed encryption for the queues; CloudWatch Logs' own encryption for the log group
   */
  readonly encryptionKey?: kms.IKey;
}
