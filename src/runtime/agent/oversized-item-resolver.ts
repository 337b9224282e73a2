import { gunzipSync } from 'zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeError, type Logger } from '../observability/logger';

/** The outcome of resolving an oversized configuration-item change. */
export type Resolution =
  | { readonly resolved: true; readonly detail: Record<string, unknown>; readonly tags?: Record<string, string> }
  | { readonly resolved: false; readonly reason: UnresolvedReason };

export type UnresolvedReason =
  | 'delivery-failed'
  | 'no-bucket-configured'
  | 'other-bucket'
  | 'not-an-oversized-notification-key'
  | 'object-unreadable'
  | 'object-mismatch';

/** The segment AWS Config puts in the key of every oversized notification it delivers. */
const OVERSIZED_KEY_SEGMENT = '/OversizedChangeNotification/';

/** The first two bytes of a gzip stream (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Fetches the full configuration-item change notification that AWS Config delivered to the agent's own bucket in
 * place of an oversized one.
 *
 * `s3DeliverySummary.s3BucketLocation` is `bucket/key` (no `s3://`); the object is the complete notification (the
 * `ConfigurationItemChangeNotification` body: configurationItem, configurationItemDiff, …), gzipped, under
 * `…/AWSLogs/<account>/Config/<region>/<y>/<m>/<d>/OversizedChangeNotification/<type>/<id>/…json.gz`
 * (AWS Config developer guide, "Example Oversized Configuration Item Change Notification").
 * Anything else (another bucket, a delivery that failed, an object that is not the item the summary names) leaves
 * the summary as it is: the master stores the summary, and reconciliation fills in the rest.
 */
export class OversizedItemResolver {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string | undefined,
    private readonly logger: Logger,
  ) {}

  async resolve(detail: Record<string, unknown>): Promise<Resolution> {
    const delivery = asObject(detail.s3DeliverySummary);
    const location = delivery?.s3BucketLocation;
    if (typeof location !== 'string' || location === '') return { resolved: false, reason: 'delivery-failed' };
    if (this.bucket === undefined) return { resolved: false, reason: 'no-bucket-configured' };
    const slash = location.indexOf('/');
    const bucket = location.slice(0, slash);
    const key = location.slice(slash + 1);
    // The role may read this bucket only: asking for another would be an AccessDenied on every event.
    if (slash <= 0 || bucket !== this.bucket) return { resolved: false, reason: 'other-bucket' };
    if (!key.includes(OVERSIZED_KEY_SEGMENT)) return { resolved: false, reason: 'not-an-oversized-notification-key' };

    let document: unknown;
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
      const text = (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1] ? gunzipSync(bytes) : bytes).toString('utf8');
      document = JSON.parse(text);
    } catch (error) {
      // Transient or not, the summary is still worth forwarding now: the event is not held back for the full item.
      this.logger.warn('could not read an oversized configuration item', { bucket, key, ...describeError(error) });
      return { resolved: false, reason: 'object-unreadable' };
    }

    const resolved = toNotification(document, detail);
    if (resolved === undefined) {
      this.logger.warn('the oversized configuration item does not match its summary', { bucket, key });
      return { resolved: false, reason: 'object-mismatch' };
    }
    const tags = asObject(asObject(resolved.configurationItem)?.tags);
    return { resolved: true, detail: resolved, tags: tags === undefined ? undefined : stringsOnly(tags) };
  }
}

/**
 * The object as a `ConfigurationItemChangeNotification` body: the complete notification as AWS documents it, or a
 * bare configuration item wrapped as one. Undefined when it is neither or names another item than the summary.
 */
function toNotification(document: unknown, summaryDetail: Record<string, unknown>): Record<string, unknown> | undefined {
  const object = asObject(document);
  if (object === undefined) return undefined;
  const summary = asObject(summaryDetail.configurationItemSummary) ?? {};
  const wrapped = asObject(object.configurationItem) !== undefined
    ? object
    : {
      configurationItemDiff: null,
      notificationCreationTime: summaryDetail.notificationCreationTime,
      recordVersion: summaryDetail.recordVersion,
      configurationItem: object,
    };
  const item = asObject(wrapped.configurationItem)!;
  const same = (key: string) => summary[key] === undefined || summary[key] === null || item[key] === summary[key];
  if (typeof item.resourceType !== 'string' || !same('resourceType') || !same('resourceId') || !same('configurationItemCaptureTime')) {
    return undefined;
  }
  return { ...wrapped, messageType: 'ConfigurationItemChangeNotification' };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

function stringsOnly(tags: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
