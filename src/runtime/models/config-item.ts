/** Values of configurationItemStatus (aws-sdk-js-v3 ConfigurationItemStatus). */
export const CONFIGURATION_ITEM_STATUSES = [
  'OK',
  'ResourceDiscovered',
  'ResourceNotRecorded',
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
] as const;

/**
 * One configuration-item change, normalised from the full notification, the oversized summary, or an
 * API-shaped item, so the write path sees one shape whatever Config sent.
 */
export interface ConfigItemChange {
  /** 12 digits. */
  readonly account: string;
  /** The envelope region when the item says "global" (IAM), so keys match the compliance events of that region. */
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly arn?: string;
  /** CREATE | UPDATE | DELETE; absent when configurationItemDiff is null or missing. */
  readonly changeType?: string;
  /** One of CONFIGURATION_ITEM_STATUSES; kept as a string so a new status is not a parse failure. */
  readonly configurationItemStatus: string;
  /** configurationItemCaptureTime in epoch milliseconds. */
  readonly capturedAtMs: number;
  /** A number in notifications, a string in the API: always a string here. */
  readonly configurationStateId?: string;
  /** Keys of configurationItemDiff.changedProperties ([] when none or when the diff is null). */
  readonly changedProperties: string[];
  /** True for OversizedConfigurationItemChangeNotification and ...DeliveryFailed: no configuration, tags or diff. */
  readonly oversized: boolean;
  /** `bucket/key` (no s3://) of the full item; oversized only. */
  readonly s3BucketLocation?: string;
  /** s3DeliverySummary.errorCode of OversizedConfigurationItemChangeDeliveryFailed, e.g. NoSuchBucket. */
  readonly deliveryErrorCode?: string;
  readonly tags: Record<string, string>;
  /** The id of the original aws.config EventBridge event (also through the agent envelope). */
  readonly sourceEventId?: string;
}

/** A deleted resource retires its compliance items, whether or not the deletion itself was recorded. */
export function isDeletion(item: ConfigItemChange): boolean {
  return item.configurationItemStatus === 'ResourceDeleted' || item.configurationItemStatus === 'ResourceDeletedNotRecorded';
}
