import type { ComplianceFilters } from './parameters';
import { ACCOUNT_INDEX_NAME, RULE_INDEX_NAME, STATUS_INDEX_NAME } from '../../contract/table-names';
import { COMPLIANCE_STATUSES } from '../models/compliance-result';
import { shardKeys } from '../store/index-keys';
import { statusShardKeys } from '../store/keys';

/** One of the compliance table's indexes, as the API reads it. */
export interface IndexShape {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** The filters whose values make up the sort key, in order: a leading run of them is a `begins_with` prefix. */
  readonly sortComponents: readonly (keyof ComplianceFilters)[];
  /** Whether `last_evaluated` is projected; when not, a page's items are completed with BatchGetItem. */
  readonly projectsLastEvaluated: boolean;
  /** The filter the partition already narrows to (the account or the rule): its place in the sort key adds nothing. */
  readonly partitionFilter?: keyof ComplianceFilters;
}

export const STATUS_INDEX: IndexShape = {
  name: STATUS_INDEX_NAME,
  partitionKey: 'status_shard',
  sortKey: 'status_sort',
  sortComponents: ['resourceType', 'account', 'region'],
  projectsLastEvaluated: true,
};

// The account and rule indexes sort on the status index's sort key; the account or rule is the partition's.
export const ACCOUNT_INDEX: IndexShape = {
  name: ACCOUNT_INDEX_NAME,
  partitionKey: 'account_shard',
  sortKey: 'status_sort',
  sortComponents: ['resourceType', 'account', 'region'],
  projectsLastEvaluated: false,
  partitionFilter: 'account',
};

export const RULE_INDEX: IndexShape = {
  name: RULE_INDEX_NAME,
  partitionKey: 'rule_shard',
  sortKey: 'status_sort',
  sortComponents: ['resourceType', 'account', 'region'],
  projectsLastEvaluated: false,
  partitionFilter: 'rule',
};

/** The item attribute each filter matches. */
export const FILTER_ATTRIBUTES: Record<keyof ComplianceFilters, string> = {
  status: 'compliance_status',
  resourceType: 'resource_type',
  account: 'account',
  region: 'region',
  rule: 'config_rule_name',
};

/**
 * How a filtered listing is read: which index, which partitions (shards), which sort-key prefix, and the exact
 * filters. Every partition is queried with the same key condition and merged in sort-key order.
 */
export interface QueryPlan {
  readonly index: IndexShape;
  readonly partitions: readonly string[];
  readonly sortPrefix?: string;
  /** Every given filter, applied as an equality FilterExpression on projected attributes (exact even when a prefix covers it). */
  readonly filters: ComplianceFilters;
}

/**
 * How selective each filter is, roughly: a rule or an account is a small part of an organization, a resource type
 * a larger one, a status or a region a quarter or more. A plan's score is the weight of the filters its key
 * condition (partition and prefix) consumes; the plan with the highest score reads the fewest items.
 */
const WEIGHT: Record<keyof ComplianceFilters, number> = { status: 1, region: 1, resourceType: 2, account: 3, rule: 4 };

interface Candidate {
  readonly plan: QueryPlan;
  readonly score: number;
}

function prefixOf(index: IndexShape, filters: ComplianceFilters): { prefix?: string; score: number } {
  const parts: string[] = [];
  let score = 0;
  for (const component of index.sortComponents) {
    const value = filters[component];
    if (value === undefined) break;
    parts.push(value);
    if (component !== index.partitionFilter) score += WEIGHT[component];
  }
  return parts.length === 0 ? { score } : { prefix: `${parts.join('#')}#`, score };
}

function candidate(index: IndexShape, partitions: string[], filters: ComplianceFilters, partitionWeight: number): Candidate {
  const { prefix, score } = prefixOf(index, filters);
  return { plan: { index, partitions, sortPrefix: prefix, filters }, score: score + partitionWeight };
}

/** Which of the optional account and rule indexes the table has (the master's `complianceIndexes`). */
export interface AvailableIndexes {
  readonly byAccount: boolean;
  readonly byRule: boolean;
}

export const BOTH_SCOPE_INDEXES: AvailableIndexes = { byAccount: true, byRule: true };

/** Reads the function's `SCOPE_INDEXES` setting: `BY_ACCOUNT`, `BY_RULE`, comma-separated. */
export function availableIndexes(setting: string): AvailableIndexes {
  const names = setting.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.find((name) => name !== 'BY_ACCOUNT' && name !== 'BY_RULE');
  if (unknown !== undefined) throw new Error(`SCOPE_INDEXES has '${unknown}': expected BY_ACCOUNT, BY_RULE or nothing`);
  return { byAccount: names.includes('BY_ACCOUNT'), byRule: names.includes('BY_RULE') };
}

/**
 * Chooses the index for a set of filters, among the status index and those of the account and rule indexes that exist. Keys and indexes only: every plan is a set of Queries, never a Scan.
 *
 * - status given: the status index's 16 shards of that status, prefix `<type>#<account>#<region>#` as far as given;
 * - rule given: the rule index's 16 shards of that rule, prefix `<type>#<account>#<region>#`;
 * - account given: the account index's 16 shards of that account, prefix `<type>#<account>#<region>#`;
 * - otherwise: the status index's 64 shards (4 statuses × 16), prefix `<type>#<account>#<region>#`.
 *
 * On equal scores the plan with fewer partitions wins, then the status index (it projects everything a page shows, so
 * no BatchGetItem), then the rule index.
 */
export function planQuery(filters: ComplianceFilters, indexes: AvailableIndexes = BOTH_SCOPE_INDEXES): QueryPlan {
  const candidates: Candidate[] = [];
  if (filters.status !== undefined) {
    candidates.push(candidate(STATUS_INDEX, statusShardKeys(filters.status), filters, WEIGHT.status));
  } else {
    candidates.push(candidate(STATUS_INDEX, COMPLIANCE_STATUSES.flatMap((status) => statusShardKeys(status)), filters, 0));
  }
  if (filters.rule !== undefined && indexes.byRule) candidates.push(candidate(RULE_INDEX, shardKeys(filters.rule), filters, WEIGHT.rule));
  if (filters.account !== undefined && indexes.byAccount) {
    candidates.push(candidate(ACCOUNT_INDEX, shardKeys(filters.account), filters, WEIGHT.account));
  }
  // A stable sort: on equal scores and partition counts, the order candidates were pushed in (status, rule, account) decides.
  return candidates.sort((a, b) => b.score - a.score || a.plan.partitions.length - b.plan.partitions.length)[0].plan;
}
