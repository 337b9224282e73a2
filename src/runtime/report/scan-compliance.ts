import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  emptyCounts, addStatus, EXCLUDED_EXAMPLES, RECENT_LIMIT,
  type Breakdown, type ExcludedItem, type ExcludedItems, type RecentNonCompliance, type StatusCounts,
} from './report-model';
import { COMPLIANCE_STATUSES, isComplianceStatus, type ComplianceStatus } from '../models/compliance-result';
import { RULE_SK_PREFIX } from '../store/keys';

/**
 * A resource's item: its `pk` starts with the 12-digit account. Anything else sharing the table (`REPORT#…`,
 * `RECONCILIATION#…`, `ACCOUNT_ACTIVITY#…`, future markers) is not a resource and is skipped.
 */
const RESOURCE_ITEM_KEY = /^\d{12}#/;
/**
 * The full resource-key shape: `<12-digit account>#<region>#<type>#<resource id>`, where the type is
 * `Owner::Service::Type` (the service part is empty for `AWS::::Account`).
 */
const RESOURCE_KEY = /^\d{12}#[^#]+#[^#:]+::[^#:]*::[^#:]+#.+$/;
const RESOURCE_TYPE = /^[^#:]+::[^#:]*::[^#:]+$/;
const IDENTITY_ATTRIBUTES = ['account', 'region', 'resource_type', 'resource_id', 'config_rule_name'] as const;

/** Why a resource's compliance item is left out of the counts: the report lists these phrases as they are. */
export const EXCLUSION_REASONS = {
  resourceType: 'resource type is not Owner::Service::Type',
  key: 'key is not <account>#<region>#<Owner::Service::Type>#<resource id>',
  status: `compliance status is not one of ${COMPLIANCE_STATUSES.join(', ')}`,
  attribute: (name: string) => `${name} is missing or not text`,
} as const;

/** The attributes the report reads: a projection saves transfer and memory, not read units (Scan bills by item size). */
const PROJECTED = ['pk', 'sk', 'account', 'region', 'resource_type', 'resource_id', 'config_rule_name', 'compliance_status', 'evaluated_at_ms'];

/** The state of the compliance table, counted. */
export interface ComplianceAggregate {
  readonly totals: StatusCounts;
  readonly resources: number;
  readonly byAccount: Breakdown;
  readonly byRegion: Breakdown;
  readonly byRule: Breakdown;
  readonly byResourceType: Breakdown;
  /** Newest first, at most RECENT_LIMIT. */
  readonly recentNonCompliant: RecentNonCompliance[];
  readonly recentNonCompliantCount: number;
  readonly itemsRead: number;
  /** Items that are not a resource's compliance item. */
  readonly itemsSkipped: number;
  /** A resource's compliance items left out of the counts, with why. */
  readonly excluded: ExcludedItems;
}

export interface ScanOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Parallel scan segments. */
  readonly segments: number;
  /** Non-compliant evaluations at or after this instant (epoch ms) are listed as recent. */
  readonly recentSinceMs: number;
  /** Items per page before the filter (Scan `Limit`). @default - DynamoDB's 1 MB pages */
  readonly pageLimit?: number;
}

interface ScannedItem {
  readonly pk?: unknown;
  readonly sk?: unknown;
  readonly account?: unknown;
  readonly region?: unknown;
  readonly resource_type?: unknown;
  readonly resource_id?: unknown;
  readonly config_rule_name?: unknown;
  readonly compliance_status?: unknown;
  readonly evaluated_at_ms?: unknown;
}

interface CountedItem {
  readonly pk: string;
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly rule: string;
  readonly status: ComplianceStatus;
  readonly evaluatedAtMs: number;
}

type Classified =
  | { readonly kind: 'counted'; readonly item: CountedItem }
  | { readonly kind: 'excluded'; readonly excluded: ExcludedItem }
  | { readonly kind: 'skipped' };

/** A resource's compliance item to count; one to leave out, with why; or anything else in the table, skipped. */
function classify(item: ScannedItem): Classified {
  const { pk, sk } = item;
  if (typeof pk !== 'string' || !RESOURCE_ITEM_KEY.test(pk) || typeof sk !== 'string' || !sk.startsWith(RULE_SK_PREFIX)) return { kind: 'skipped' };
  const exclude = (reason: string): Classified => ({ kind: 'excluded', excluded: { pk, sk, reason } });
  const missing = IDENTITY_ATTRIBUTES.find((name) => typeof item[name] !== 'string');
  if (missing !== undefined) return exclude(EXCLUSION_REASONS.attribute(missing));
  const text = item as Record<typeof IDENTITY_ATTRIBUTES[number], string>;
  const { account, region, resource_type: resourceType, resource_id: resourceId, config_rule_name: rule } = text;
  const status = item.compliance_status;
  if (!RESOURCE_TYPE.test(resourceType)) return exclude(EXCLUSION_REASONS.resourceType);
  if (!RESOURCE_KEY.test(pk)) return exclude(EXCLUSION_REASONS.key);
  if (!isComplianceStatus(status)) return exclude(EXCLUSION_REASONS.status);
  const evaluatedAtMs = typeof item.evaluated_at_ms === 'number' ? item.evaluated_at_ms : 0;
  return { kind: 'counted', item: { pk, account, region, resourceType, resourceId, rule, status, evaluatedAtMs } };
}

function count(breakdown: Breakdown, key: string, status: ComplianceStatus): void {
  addStatus(breakdown[key] ??= emptyCounts(), status);
}

/**
 * Reads the whole compliance table with a paged, parallel Scan and counts it by account, region, rule and resource
 * type, keeping only counts (and the few most recent non-compliant items) in memory.
 *
 * A daily batch job may scan: at 1 million items of about 500 bytes, one eventually consistent scan reads about
 * 500 MB = 62,500 read request units ($0.008 on demand), in about 500 pages of 1 MB spread over the segments.
 * The `sk` filter runs on the server only to shrink the response: filtered items are billed all the same.
 */
export async function scanComplianceTable(options: ScanOptions): Promise<ComplianceAggregate> {
  const totals = emptyCounts();
  const byAccount: Breakdown = {};
  const byRegion: Breakdown = {};
  const byRule: Breakdown = {};
  const byResourceType: Breakdown = {};
  const resources = new Set<string>();
  let recent: RecentNonCompliance[] = [];
  let recentCount = 0;
  let itemsRead = 0;
  let itemsSkipped = 0;
  const excludedByReason: Record<string, number> = {};
  let excludedExamples: ExcludedItem[] = [];

  const names = Object.fromEntries(PROJECTED.map((name, i) => [`#a${i}`, name]));
  const scanSegment = async (segment: number) => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await options.client.send(new ScanCommand({
        TableName: options.tableName,
        Segment: segment,
        TotalSegments: options.segments,
        ProjectionExpression: Object.keys(names).join(', '),
        // Retired items (deleted resources) are not current state.
        FilterExpression: 'begins_with(#a1, :rule) AND attribute_not_exists(#retired)',
        ExpressionAttributeNames: { ...names, '#retired': 'retired_at_ms' },
        ExpressionAttributeValues: { ':rule': RULE_SK_PREFIX },
        ExclusiveStartKey: startKey,
        Limit: options.pageLimit,
      }));
      for (const raw of page.Items ?? []) {
        itemsRead++;
        const classified = classify(raw as ScannedItem);
        if (classified.kind === 'skipped') {
          itemsSkipped++;
          continue;
        }
        if (classified.kind === 'excluded') {
          const { reason } = classified.excluded;
          excludedByReason[reason] = (excludedByReason[reason] ?? 0) + 1;
          excludedExamples.push(classified.excluded);
          // Bounded memory, and the same examples whatever order the segments finish in: the smallest keys.
          if (excludedExamples.length > 4 * EXCLUDED_EXAMPLES) excludedExamples = byKey(excludedExamples).slice(0, EXCLUDED_EXAMPLES);
          continue;
        }
        const item = classified.item;
        addStatus(totals, item.status);
        count(byAccount, item.account, item.status);
        count(byRegion, item.region, item.status);
        count(byRule, item.rule, item.status);
        count(byResourceType, item.resourceType, item.status);
        resources.add(item.pk);
        if (item.status === 'NON_COMPLIANT' && item.evaluatedAtMs >= options.recentSinceMs) {
          recentCount++;
          recent.push({
            account: item.account,
            region: item.region,
            resourceType: item.resourceType,
            resourceId: item.resourceId,
            configRuleName: item.rule,
            evaluatedAt: new Date(item.evaluatedAtMs).toISOString(),
          });
          // Bounded memory on a day when thousands turn non-compliant: keep the newest only.
          if (recent.length > 4 * RECENT_LIMIT) recent = newestFirst(recent).slice(0, RECENT_LIMIT);
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  };
  await Promise.all(Array.from({ length: options.segments }, (_, segment) => scanSegment(segment)));

  return {
    totals,
    resources: resources.size,
    byAccount,
    byRegion,
    byRule,
    byResourceType,
    recentNonCompliant: newestFirst(recent).slice(0, RECENT_LIMIT),
    recentNonCompliantCount: recentCount,
    itemsRead,
    itemsSkipped,
    excluded: {
      count: Object.values(excludedByReason).reduce((sum, n) => sum + n, 0),
      byReason: excludedByReason,
      examples: byKey(excludedExamples).slice(0, EXCLUDED_EXAMPLES),
    },
  };
}

function newestFirst(items: RecentNonCompliance[]): RecentNonCompliance[] {
  const key = (r: RecentNonCompliance) => `${r.account}#${r.region}#${r.resourceType}#${r.resourceId}#${r.configRuleName}`;
  return [...items].sort((a, b) => (b.evaluatedAt.localeCompare(a.evaluatedAt)) || key(a).localeCompare(key(b)));
}

function byKey(items: ExcludedItem[]): ExcludedItem[] {
  return [...items].sort((a, b) => (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
}
