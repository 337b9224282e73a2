import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiError } from './api-error';
import { readAll, readMergedPage, type Item } from './merged-query';
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token';
import type { ComplianceFilters } from './parameters';
import { planQuery, STATUS_INDEX, type AvailableIndexes, type QueryPlan } from './query-plan';
import { isStale, readCoverageSnapshot, type CoverageSnapshot } from '../fleet/coverage-snapshot';
import { COMPLIANCE_STATUSES, type ComplianceStatus } from '../models/compliance-result';
import { RESOURCE_MARKER_SK, isRuleSortKey, resourceKey, type ResourceIdentity } from '../store/keys';

/** One (resource, rule) compliance item as the API lists it: the table's attribute names. */
export interface ComplianceListItem {
  readonly account: string;
  readonly region: string;
  readonly resource_type: string;
  readonly resource_id: string;
  readonly config_rule_name: string;
  readonly compliance_status: ComplianceStatus;
  readonly last_evaluated: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export interface StatusCounts {
  readonly total: number;
  readonly counts: Record<ComplianceStatus, number>;
}

export interface ComplianceSummary extends StatusCounts {
  /** Present when grouped: counts per value of the `groupBy` attribute. */
  readonly groups?: Record<string, StatusCounts>;
}

export type SummaryGroup = 'account' | 'rule' | 'resourceType' | 'region';

const GROUP_ATTRIBUTES: Record<SummaryGroup, string> = {
  account: 'account', rule: 'config_rule_name', resourceType: 'resource_type', region: 'region',
};

export interface ComplianceQueriesOptions {
  readonly complianceTableName: string;
  readonly eventsTableName: string;
  /** The account and rule indexes the table has. @default both */
  readonly indexes?: AvailableIndexes;
  /** Items a list or history request may evaluate before it returns a (shorter) page with a token. */
  readonly evaluationBudget?: number;
  /** For history: items whose `expires_at` is before now are filtered out (TTL deletes lazily). */
  readonly now?: () => Date;
}

const DEFAULT_EVALUATION_BUDGET = 5_000;
const BATCH_GET_SIZE = 100;
const BATCH_GET_ATTEMPTS = 6;

/**
 * The reads behind the compliance API. Keys and indexes only: Query, BatchGetItem by key, one GetItem of the coverage; never a Scan.
 */
export class ComplianceQueries {
  private readonly budget: number;
  private readonly now: () => Date;

  constructor(private readonly client: DynamoDBDocumentClient, private readonly options: ComplianceQueriesOptions) {
    this.budget = options.evaluationBudget ?? DEFAULT_EVALUATION_BUDGET;
    this.now = options.now ?? (() => new Date());
  }

  /** `GET /compliance`: one page of the items matching every filter, in the chosen index's sort order. */
  async listCompliance(filters: ComplianceFilters, limit: number, nextToken: string | undefined): Promise<Page<ComplianceListItem>> {
    const plan = planQuery(filters, this.options.indexes);
    const fingerprint = queryFingerprint(['compliance', plan.index.name, filters]);
    const key = decodePageToken(nextToken, fingerprint, { [plan.index.sortKey]: 'sort', pk: 'partition', sk: 'sort' });
    const after = key ? { sort: key[plan.index.sortKey], pk: key.pk, sk: key.sk } : undefined;
    const page = await readMergedPage(this.client, this.options.complianceTableName, plan, after, { limit, evaluationBudget: this.budget });
    const items = plan.index.projectsLastEvaluated ? page.items : await this.completeFromTable(page.items, plan);
    return {
      items: items.map(toListItem),
      ...(page.resumeAfter ? {
        nextToken: encodePageToken(fingerprint, { [plan.index.sortKey]: page.resumeAfter.sort, pk: page.resumeAfter.pk, sk: page.resumeAfter.sk }),
      } : {}),
    };
  }

  /**
   * `GET /summary`: counts by status, over the items matching the filters, optionally per account, rule, type or region.
   *
   * Without a group, over the status index, each shard is counted with `Select: COUNT` (nothing but the count leaves
   * DynamoDB); with a group, the same Queries return only the status and the grouped attribute. Either way the read
   * cost is that of reading the matching index partitions once (DynamoDB bills the bytes read, not those returned).
   */
  async summary(filters: ComplianceFilters, groupBy: SummaryGroup | undefined): Promise<ComplianceSummary> {
    const plan = planQuery(filters, this.options.indexes);
    const statusOfPartition = (partition: string) => (plan.index === STATUS_INDEX ? partition.slice(0, partition.lastIndexOf('#')) as ComplianceStatus : undefined);
    const countOnly = groupBy === undefined && plan.index === STATUS_INDEX;
    const groupAttribute = groupBy ? GROUP_ATTRIBUTES[groupBy] : undefined;
    const totals = emptyCounts();
    const groups = new Map<string, Record<ComplianceStatus, number>>();
    await readAll(this.client, this.options.complianceTableName, plan,
      () => (countOnly ? { Select: 'COUNT' } : {
        ProjectionExpression: groupAttribute ? '#st, #g' : '#st',
        ExpressionAttributeNames: { '#st': 'compliance_status', ...(groupAttribute ? { '#g': groupAttribute } : {}) },
      }),
      (partition, items, count) => {
        if (countOnly) {
          totals[statusOfPartition(partition)!] += count;
          return;
        }
        for (const item of items) {
          const status = item.compliance_status as ComplianceStatus;
          totals[status] += 1;
          if (groupAttribute) {
            const value = String(item[groupAttribute]);
            const group = groups.get(value) ?? emptyCounts();
            group[status] += 1;
            groups.set(value, group);
          }
        }
      });
    return {
      ...withTotal(totals),
      ...(groupBy ? {
        groups: Object.fromEntries([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, withTotal(v)])),
      } : {}),
    };
  }

  /** `GET /resources/{account}/{region}/{resourceType}/{resourceId}`: every rule's item of one resource (one Query on `pk`). */
  async getResource(resource: ResourceIdentity): Promise<Record<string, unknown>> {
    const pk = resourceKey(resource);
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.options.complianceTableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: startKey,
      }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const marker = items.find((item) => item.sk === RESOURCE_MARKER_SK);
    // A retired item (its resource deleted) is history, not current state.
    const rules = items.filter((item) => isRuleSortKey(item.sk as string) && item.retired_at_ms === undefined);
    if (rules.length === 0 && !marker) {
      throw new ApiError(404, `no compliance is recorded for resource ${resource.resourceType} ${resource.resourceId} `
        + `in account ${resource.account}, region ${resource.region}`);
    }
    return {
      account: resource.account,
      region: resource.region,
      resource_type: resource.resourceType,
      resource_id: resource.resourceId,
      ...(marker ? { deleted_at: new Date(Number(marker.deleted_at_ms)).toISOString() } : {}),
      rules: rules.map((item) => ({
        config_rule_name: item.config_rule_name,
        compliance_status: item.compliance_status,
        last_evaluated: item.last_evaluated,
        compliance_details: { annotation: item.annotation, config_rule_arn: item.config_rule_arn, source: item.source },
      })),
    };
  }

  /**
   * `GET /coverage`: the newest fleet coverage snapshot (one GetItem), with `stale` true once the hourly check has
   * not succeeded for three hours; 404 before the first check.
   */
  async coverage(): Promise<CoverageSnapshot & { stale: boolean }> {
    const snapshot = await readCoverageSnapshot(this.client, this.options.complianceTableName);
    if (snapshot === undefined) {
      throw new ApiError(404, 'no fleet coverage is recorded yet: the check runs every hour once fleetCoverage is set on the master');
    }
    return { ...snapshot, stale: isStale(snapshot, this.now().getTime()) };
  }

  /**
   * `GET /resources/…/history`: the resource's history records, newest first (one Query on `pk`, descending).
   * Records whose `expires_at` has passed are filtered out: TTL deletes them up to a few days late.
   */
  async history(resource: ResourceIdentity, limit: number, nextToken: string | undefined): Promise<Page<Record<string, unknown>>> {
    const pk = resourceKey(resource);
    const fingerprint = queryFingerprint(['history', pk]);
    const start = decodePageToken(nextToken, fingerprint, { pk: 'partition', sk: 'sort' }, { pk });
    const now = Math.floor(this.now().getTime() / 1000);
    const items: Item[] = [];
    let startKey: Item | undefined = start;
    let evaluated = 0;
    do {
      // Limit = what the page still needs: DynamoDB evaluates at most that many, so no match is read and dropped.
      const page = await this.client.send(new QueryCommand({
        TableName: this.options.eventsTableName,
        KeyConditionExpression: 'pk = :pk',
        // Evaluations that changed nothing stay in the evaluation log; the history is the transitions and changes.
        FilterExpression: 'expires_at > :now AND config_item_type <> :evaluation',
        ExpressionAttributeValues: { ':pk': pk, ':now': now, ':evaluation': 'ComplianceEvaluation' },
        ScanIndexForward: false,
        Limit: limit - items.length,
        ExclusiveStartKey: startKey,
      }));
      items.push(...(page.Items ?? []));
      evaluated += page.ScannedCount ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit && evaluated < this.budget);
    return {
      items: items.map(({ pk: _pk, sk: _sk, ...record }) => record),
      ...(startKey ? { nextToken: encodePageToken(fingerprint, { pk: String(startKey.pk), sk: String(startKey.sk) }) } : {}),
    };
  }

  /**
   * The index a page came from projects the identity and the status but not `last_evaluated`: one BatchGetItem
   * (at most 100 keys, a page's worth) completes the page from the table. An item retired meanwhile is dropped, and
   * the table's status, fresher than the index's, is the one shown (and filtered on).
   */
  private async completeFromTable(items: Item[], plan: QueryPlan): Promise<Item[]> {
    if (items.length === 0) return items;
    const fresh = new Map<string, Item>();
    for (let i = 0; i < items.length; i += BATCH_GET_SIZE) {
      let keys: Item[] | undefined = items.slice(i, i + BATCH_GET_SIZE).map((item) => ({ pk: item.pk, sk: item.sk }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt >= BATCH_GET_ATTEMPTS) throw new Error(`BatchGetItem left ${keys.length} keys unprocessed after ${BATCH_GET_ATTEMPTS} attempts`);
        if (attempt > 0) await sleep(25 * 2 ** attempt);
        const response = await this.client.send(new BatchGetCommand({
          RequestItems: {
            [this.options.complianceTableName]: {
              Keys: keys,
              ProjectionExpression: 'pk, sk, compliance_status, last_evaluated',
            },
          },
        }));
        for (const item of response.Responses?.[this.options.complianceTableName] ?? []) fresh.set(`${item.pk}\u0000${item.sk}`, item);
        keys = response.UnprocessedKeys?.[this.options.complianceTableName]?.Keys as Item[] | undefined;
      }
    }
    return items.flatMap((item) => {
      const current = fresh.get(`${item.pk}\u0000${item.sk}`);
      if (!current) return [];
      if (plan.filters.status !== undefined && current.compliance_status !== plan.filters.status) return [];
      return [{ ...item, compliance_status: current.compliance_status, last_evaluated: current.last_evaluated }];
    });
  }
}

function emptyCounts(): Record<ComplianceStatus, number> {
  return Object.fromEntries(COMPLIANCE_STATUSES.map((status) => [status, 0])) as Record<ComplianceStatus, number>;
}

function withTotal(counts: Record<ComplianceStatus, number>): StatusCounts {
  return { total: Object.values(counts).reduce((a, b) => a + b, 0), counts };
}

function toListItem(item: Item): ComplianceListItem {
  return {
    account: item.account as string,
    region: item.region as string,
    resource_type: item.resource_type as string,
    resource_id: item.resource_id as string,
    config_rule_name: item.config_rule_name as string,
    compliance_status: item.compliance_status as ComplianceStatus,
    last_evaluated: item.last_evaluated as number,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
