import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { badParameter } from './api-error';
import type { ComplianceFilters } from './parameters';
import { FILTER_ATTRIBUTES, type QueryPlan } from './query-plan';

export type Item = Record<string, unknown>;

/** A position in a plan's merged order: the index sort key, then the table keys (the order DynamoDB resumes in). */
export interface OrderKey {
  readonly sort: string;
  readonly pk: string;
  readonly sk: string;
}

export interface MergedPage {
  readonly items: Item[];
  /** Where the next page starts (exclusive); absent when every partition is read to its end. */
  readonly resumeAfter?: OrderKey;
  /** Items DynamoDB evaluated for this page (read cost), matched or not. */
  readonly evaluated: number;
}

export interface MergeLimits {
  /** Most items on the page. */
  readonly limit: number;
  /** Stop reading once this many items were evaluated, even if the page is not full: bounds a request's read cost. */
  readonly evaluationBudget: number;
}

// Per partition and round: enough that a round usually fills the page, few enough that the merge reads little extra.
const MIN_PER_PARTITION = 5;
const MAX_PER_PARTITION = 200;
const MAX_ROUNDS = 20;

/** DynamoDB orders string keys by their UTF-8 bytes, not by JavaScript's UTF-16 code units. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  return compareBytes(a.sort, b.sort) || compareBytes(a.pk, b.pk) || compareBytes(a.sk, b.sk);
}

export function orderKeyOf(item: Item, sortKey: string): OrderKey {
  return { sort: item[sortKey] as string, pk: item.pk as string, sk: item.sk as string };
}

/** `#f0 = :f0 AND …` over every given filter; undefined when there is none. */
export function filterExpression(filters: ComplianceFilters): Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const terms: string[] = [];
  for (const [filter, value] of Object.entries(filters) as [keyof ComplianceFilters, string | undefined][]) {
    if (value === undefined) continue;
    const i = terms.length;
    names[`#f${i}`] = FILTER_ATTRIBUTES[filter];
    values[`:f${i}`] = value;
    terms.push(`#f${i} = :f${i}`);
  }
  return terms.length === 0 ? {} : { FilterExpression: terms.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/** The Query of one partition of a plan, before paging: key condition on the partition and prefix, filters. */
export function partitionQuery(tableName: string, plan: QueryPlan, partition: string): QueryCommandInput {
  const filter = filterExpression(plan.filters);
  const prefix = plan.sortPrefix !== undefined;
  return {
    TableName: tableName,
    IndexName: plan.index.name,
    KeyConditionExpression: prefix ? '#p = :p AND begins_with(#s, :s)' : '#p = :p',
    ...filter,
    ExpressionAttributeNames: {
      ...filter.ExpressionAttributeNames,
      '#p': plan.index.partitionKey,
      ...(prefix ? { '#s': plan.index.sortKey } : {}),
    },
    ExpressionAttributeValues: {
      ...filter.ExpressionAttributeValues,
      ':p': partition,
      ...(prefix ? { ':s': plan.sortPrefix } : {}),
    },
  };
}

interface PartitionState {
  readonly partition: string;
  /** Where the next Query of this partition starts (DynamoDB's LastEvaluatedKey, or the page token's position). */
  cursor?: Item;
  exhausted: boolean;
  /** Items read but not yet placed on the page, in sort order. */
  buffer: Item[];
}

/**
 * One page of a plan's items in one global order, read from all its partitions (shards) with a k-way merge.
 *
 * Why pages are correct and complete: an item is placed on the page only when it is at or before the *frontier*, the
 * smallest position any unfinished partition has been evaluated to, so no partition can still hold an earlier
 * matching item. Items are placed in order, so after a page everything up to its last item is delivered and nothing
 * after it: the next page resumes every partition strictly after that one key (`resumeAfter`). When the evaluation
 * budget runs out first, the page ends at the frontier instead (possibly with fewer items, or none, but a token).
 * Each round tops up the partitions holding less than a round's share; the partition at the frontier holds nothing
 * once its items are placed, so it is always among them and every round makes progress.
 *
 * Assumes the index sort key identifies an item within the plan (it is built from the item's identity).
 */
export async function readMergedPage(client: DynamoDBDocumentClient, tableName: string, plan: QueryPlan,
  after: OrderKey | undefined, limits: MergeLimits): Promise<MergedPage> {
  const sortKey = plan.index.sortKey;
  if (after && plan.sortPrefix !== undefined && !after.sort.startsWith(plan.sortPrefix)) {
    throw badParameter('nextToken', 'does not belong to this query: pass the nextToken of the previous page unchanged');
  }
  const partitions: PartitionState[] = plan.partitions.map((partition) => ({
    partition,
    cursor: after ? { [plan.index.partitionKey]: partition, [sortKey]: after.sort, pk: after.pk, sk: after.sk } : undefined,
    exhausted: false,
    buffer: [],
  }));
  const items: Item[] = [];
  let evaluated = 0;
  for (let round = 1; ; round++) {
    const remaining = limits.limit - items.length;
    const active = partitions.filter((p) => !p.exhausted);
    const perPartition = Math.min(MAX_PER_PARTITION, Math.max(MIN_PER_PARTITION, Math.ceil((remaining * 1.5) / Math.max(1, active.length))));
    // Tops up every partition that holds less than a round's share, so the frontier moves on all of them at once.
    await Promise.all(active.filter((p) => p.buffer.length < perPartition).map(async (p) => {
      const page = await client.send(new QueryCommand({
        ...partitionQuery(tableName, plan, p.partition),
        Limit: perPartition,
        ExclusiveStartKey: p.cursor,
      }));
      p.buffer.push(...(page.Items ?? []));
      p.cursor = page.LastEvaluatedKey;
      p.exhausted = page.LastEvaluatedKey === undefined;
      evaluated += page.ScannedCount ?? 0;
    }));

    const bounds = partitions.filter((p) => !p.exhausted).map((p) => orderKeyOf(p.cursor!, sortKey));
    const frontier = bounds.length === 0 ? undefined : bounds.reduce((a, b) => (compareOrderKeys(a, b) <= 0 ? a : b));
    const ready = partitions
      .flatMap((p) => p.buffer.filter((item) => !frontier || compareOrderKeys(orderKeyOf(item, sortKey), frontier) <= 0))
      .sort((a, b) => compareOrderKeys(orderKeyOf(a, sortKey), orderKeyOf(b, sortKey)));
    const placed = ready.slice(0, remaining);
    items.push(...placed);

    if (items.length === limits.limit && placed.length > 0) {
      const last = orderKeyOf(placed[placed.length - 1], sortKey);
      for (const p of partitions) p.buffer = p.buffer.filter((item) => compareOrderKeys(orderKeyOf(item, sortKey), last) > 0);
      const more = partitions.some((p) => !p.exhausted || p.buffer.length > 0);
      return { items, resumeAfter: more ? last : undefined, evaluated };
    }
    // Every item up to the frontier is placed.
    if (!frontier) return { items, evaluated };
    for (const p of partitions) p.buffer = p.buffer.filter((item) => compareOrderKeys(orderKeyOf(item, sortKey), frontier) > 0);
    if (evaluated >= limits.evaluationBudget || round >= MAX_ROUNDS) return { items, resumeAfter: frontier, evaluated };
  }
}

/** Reads every partition of a plan to its end, one page at a time, handing each page's items to `visit` (summaries). */
export async function readAll(client: DynamoDBDocumentClient, tableName: string, plan: QueryPlan,
  shape: (partition: string) => Partial<QueryCommandInput>, visit: (partition: string, items: Item[], count: number) => void): Promise<number> {
  let evaluated = 0;
  await Promise.all(plan.partitions.map(async (partition) => {
    let startKey: Item | undefined;
    do {
      const base = partitionQuery(tableName, plan, partition);
      const extra = shape(partition);
      const page = await client.send(new QueryCommand({
        ...base,
        ...extra,
        ExpressionAttributeNames: { ...base.ExpressionAttributeNames, ...extra.ExpressionAttributeNames },
        ExclusiveStartKey: startKey,
      }));
      visit(partition, page.Items ?? [], page.Count ?? 0);
      evaluated += page.ScannedCount ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }));
  return evaluated;
}
