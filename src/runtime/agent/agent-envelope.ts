import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AGENT_SOURCE } from '../../contract/event-sources';
import { AGENT_SCHEMA_VERSION } from '../parsing/parse-event';

/**
 * The most bytes one PutEvents entry (and one PutEvents request) may take, as EventBridge counts them.
 *
 * EventBridge requires the entry to be under 256 KB (aws-config-facts.md §H; its docs also say the entries of one
 * request together, so the sender packs requests under the same budget). 4 KiB are held back for the envelope
 * EventBridge adds on delivery (id, account, time, region, keys), so the delivered event still fits the master's
 * SQS buffer, whose messages are capped at 256 KiB as well.
 */
export const MAX_ENTRY_BYTES = 256 * 1024 - 4 * 1024;

/** What the agent adds to an event (runtime-contract.md, "Agent envelope"). */
export interface Enrichment {
  readonly accountName?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** Remediation executions only: the agent's rules (and resource types) that run the execution's document. */
  readonly remediation?: { readonly configRuleNames: readonly string[]; readonly resourceTypes: readonly string[] };
}

/** One original aws.config (or aws.ssm remediation) event and the ways it may be forwarded, the richest first. */
export interface ForwardCandidate {
  readonly original: Readonly<Record<string, unknown>>;
  /** The full item resolved from S3 in place of an oversized summary. */
  readonly resolvedDetail?: Readonly<Record<string, unknown>>;
  readonly enrichment: Enrichment;
}

export type EntryOutcome =
  | { readonly fits: true; readonly entry: PutEventsRequestEntry; readonly size: number; readonly shrunk: boolean }
  | { readonly fits: false; readonly size: number };

/**
 * The PutEvents entry for a candidate, under `maxBytes`. When the richest form is too large, the agent gives up,
 * in this order: the resolved item (the original summary is forwarded, with the item's tags as enrichment), the
 * tags, the rest of the enrichment, and, for a full configuration item, the item itself (replaced by its summary,
 * exactly as AWS Config does for an item too large for a notification). What still does not fit is reported so
 * the caller can dead-letter it with its reason.
 */
export function buildEntry(candidate: ForwardCandidate, busArn: string, maxBytes = MAX_ENTRY_BYTES): EntryOutcome {
  const original = candidate.original;
  const detail = original.detail as Record<string, unknown> | undefined;
  const { tags, ...withoutTags } = candidate.enrichment;
  const variants: Array<[Record<string, unknown> | undefined, Enrichment]> = [];
  if (candidate.resolvedDetail) variants.push([candidate.resolvedDetail, candidate.enrichment]);
  variants.push([detail, candidate.enrichment]);
  if (tags !== undefined) variants.push([detail, withoutTags]);
  variants.push([detail, {}]);
  const summary = summariseFullItem(detail);
  if (summary) variants.push([summary, withoutTags]);

  let size = 0;
  for (const [index, [variantDetail, enrichment]] of variants.entries()) {
    const entry = toEntry(original, variantDetail, enrichment, busArn);
    size = entrySize(entry);
    if (size <= maxBytes) return { fits: true, entry, size, shrunk: index > 0 };
  }
  return { fits: false, size };
}

/** The agent envelope around the original event, its detail possibly replaced. */
export function toEntry(
  original: Readonly<Record<string, unknown>>,
  detail: Record<string, unknown> | undefined,
  enrichment: Enrichment,
  busArn: string,
): PutEventsRequestEntry {
  const event = detail === undefined ? original : { ...original, detail };
  const time = typeof original.time === 'string' ? new Date(original.time) : undefined;
  const resources = Array.isArray(original.resources) ? original.resources.filter((r): r is string => typeof r === 'string') : [];
  return {
    EventBusName: busArn,
    Source: AGENT_SOURCE,
    DetailType: String(original['detail-type']),
    Detail: JSON.stringify({ schemaVersion: AGENT_SCHEMA_VERSION, event, enrichment: compact(enrichment) }),
    Resources: resources,
    ...(time && !Number.isNaN(time.getTime()) ? { Time: time } : {}),
  };
}

/** The entry size as EventBridge computes it (eb-putevent-size): Time 14 bytes, then UTF-8 bytes of the strings. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (value: string | undefined) => (value === undefined ? 0 : Buffer.byteLength(value, 'utf8'));
  return (entry.Time ? 14 : 0)
    + bytes(entry.Source)
    + bytes(entry.DetailType)
    + bytes(entry.Detail)
    + (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0);
}

function compact(enrichment: Enrichment): Enrichment {
  const out: { -readonly [K in keyof Enrichment]: Enrichment[K] } = {};
  if (enrichment.accountName !== undefined) out.accountName = enrichment.accountName;
  if (enrichment.labels !== undefined && Object.keys(enrichment.labels).length > 0) out.labels = enrichment.labels;
  if (enrichment.tags !== undefined && Object.keys(enrichment.tags).length > 0) out.tags = enrichment.tags;
  if (enrichment.remediation !== undefined) out.remediation = enrichment.remediation;
  return out;
}

/** The fields of configurationItemSummary, in AWS's order (oversized-notification-example). */
const SUMMARY_FIELDS = [
  'configurationItemVersion', 'configurationItemCaptureTime', 'configurationStateId', 'awsAccountId',
  'configurationItemStatus', 'resourceType', 'resourceId', 'resourceName', 'ARN', 'awsRegion', 'availabilityZone',
  'configurationStateMd5Hash', 'resourceCreationTime',
] as const;

/** A full configuration-item change reduced to the oversized-summary shape; undefined for anything else. */
function summariseFullItem(detail: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (detail?.messageType !== 'ConfigurationItemChangeNotification') return undefined;
  const item = detail.configurationItem as Record<string, unknown> | undefined;
  if (typeof item !== 'object' || item === null) return undefined;
  const diff = detail.configurationItemDiff as Record<string, unknown> | null | undefined;
  const summary: Record<string, unknown> = { changeType: diff?.changeType ?? null };
  for (const field of SUMMARY_FIELDS) if (field in item) summary[field] = item[field];
  return {
    configurationItemSummary: summary,
    messageType: 'OversizedConfigurationItemChangeNotification',
    notificationCreationTime: detail.notificationCreationTime,
    recordVersion: '1.0',
  };
}
