import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { emptyCounts, addStatus, RECENT_LIMIT, type Breakdown, type RecentNonCompliance, type StatusCounts } from './report-model';
import { isComplianceStatus, type ComplianceStatus } from '../models/compliance-result';

/**
 * The resource-key shape of a compliance item's `pk`: `<12-digit account>#<region>#<type>#<resource id>`, where the
 * type is `Owner::Service::Type` (the service part is empty for `AWS::::Account`). Anything else sharing the table
 * (`REPORT#…`, `RECONCILIATION#…`, future markers) is not a resource and is skipped.
 */
const RESOURCE_KEY = /^\d{12}#[^#]+#[^#:]+::[^#:]*::[^#:]+#.+$/;
const RULE_PREFIX = 'RULE#';

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
  readonly itemsSkipped: number;
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

/** A compliance item of a resource, or undefined for anything else in the table. */
function asComplianceItem(item: ScannedItem) {
  const { pk, sk, account, region, resource_type: resourceType, resource_id: resourceId, config_rule_name: rule, compliance_status: status } = item;
  if (typeof pk !== 'string' || !RESOURCE_KEY.test(pk)) return undefined;
  if (typeof sk !== 'string' || !sk.startsWith(RULE_PREFIX)) return undefined;
  if (typeof account !== 'string' || typeof region !== 'string' || typeof resourceType !== 'string'
    || typeof resourceId !== 'string' || typeof rule !== 'string' || !isComplianceStatus(status)) return undefined;
  const evaluatedAtMs = typeof item.evaluated_at_ms === 'number' ? item.evaluated_at_ms : 0;
  return { pk, account, region, resourceType, resourceId, rule, status: status as ComplianceStatus, evaluatedAtMs };
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
        ExpressionAttributeValues: { ':rule': RULE_PREFIX },
        ExclusiveStartKey: startKey,
        Limit: options.pageLimit,
      }));
      for (const raw of page.Items ?? []) {
        itemsRead++;
        const item = asComplianceItem(raw as ScannedItem);
        if (!item) {
          itemsSkipped++;
          continue;
        }
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
  };
}

function newestFirst(items: RecentNonCompliance[]): RecentNonCompliance[] {
  const key = (r: RecentNonCompliance) => `${r.account}#${r.region}#${r.resourceType}#${r.resourceId}#${r.configRuleName}`;
  return [...items].sort((a, b) => (b.evaluatedAt.localeCompare(a.evaluatedAt)) || key(a).localeCompare(key(b)));
}
