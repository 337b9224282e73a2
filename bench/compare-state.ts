/**
 * Compare a compliance table's final contents with the workload's expected state.
 *
 * Why by attributes and not by keys: the naive baseline and the pipeline key their items differently
 * (one partition `CONFIG_COMPLIANCE` vs one partition per resource), but both carry the
 * attribute names of docs/guide/data-model.md, so one reader judges both designs the same way.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { complianceKey, ExpectedCompliance } from './workload';

export interface ActualCompliance {
  readonly complianceStatus: string;
  readonly item: Record<string, unknown>;
}

export interface StateComparison {
  readonly expected: number;
  readonly actual: number;
  readonly matched: number;
  /** Present with another status (typically a stale evaluation that won). */
  readonly wrongStatus: number;
  /** Expected but absent. */
  readonly missing: number;
  /** Present but not expected (typically a deleted resource, or one brought back by a stale evaluation). */
  readonly extra: number;
  readonly correct: boolean;
  /** A few keys per kind of error, to start debugging from. */
  readonly examples: { readonly wrongStatus: string[]; readonly missing: string[]; readonly extra: string[] };
}

/**
 * Which items count as current compliance items. The default takes any item carrying the documented
 * attributes and skips retired ones. The pipeline's way of retiring items on deletion is the
 * handler's choice (delete the item, or keep it with a marker): adjust here once it is known.
 */
export type CurrentItemPredicate = (item: Record<string, any>) => boolean;

export const defaultCurrentItem: CurrentItemPredicate = (item) =>
  typeof item.compliance_status === 'string'
  && typeof item.config_rule_name === 'string'
  && item.sk !== 'RESOURCE'
  && item.retired === undefined
  && item.retired_at === undefined
  && item.retired_at_ms === undefined
  && item.deleted_at_ms === undefined;

/** Scan a compliance table and index its current items by compliance key. */
export async function readComplianceTable(client: DynamoDBClient, tableName: string, isCurrent: CurrentItemPredicate = defaultCurrentItem):
Promise<Map<string, ActualCompliance>> {
  const out = new Map<string, ActualCompliance>();
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      if (!isCurrent(item)) continue;
      out.set(complianceKey(item.account, item.region, item.resource_type, item.resource_id, item.config_rule_name), {
        complianceStatus: item.compliance_status,
        item,
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

export function compareState(actual: Map<string, ActualCompliance>, expected: Map<string, ExpectedCompliance>, exampleCount = 3): StateComparison {
  const examples = { wrongStatus: [] as string[], missing: [] as string[], extra: [] as string[] };
  let matched = 0;
  let wrongStatus = 0;
  let missing = 0;
  let extra = 0;
  for (const [key, e] of expected) {
    const a = actual.get(key);
    if (!a) {
      missing += 1;
      if (examples.missing.length < exampleCount) examples.missing.push(key);
    } else if (a.complianceStatus !== e.complianceStatus) {
      wrongStatus += 1;
      if (examples.wrongStatus.length < exampleCount) examples.wrongStatus.push(`${key}: ${a.complianceStatus}, expected ${e.complianceStatus}`);
    } else {
      matched += 1;
    }
  }
  for (const key of actual.keys()) {
    if (!expected.has(key)) {
      extra += 1;
      if (examples.extra.length < exampleCount) examples.extra.push(key);
    }
  }
  return {
    expected: expected.size,
    actual: actual.size,
    matched,
    wrongStatus,
    missing,
    extra,
    correct: wrongStatus === 0 && missing === 0 && extra === 0,
    examples,
  };
}
