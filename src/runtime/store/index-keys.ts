import type { ComplianceItem } from './compliance-item';
import { STATUS_SHARDS } from '../../contract/table-names';

/**
 * The partition keys of the two indexes next to `ConfigCompliance-Index` that serve the compliance API's filters by
 * account or rule (named in src/contract/table-names.ts, which the table's construct declares them with; they exist
 * only when the master has a compliance API).
 *
 * Both sort on the status index's `status_sort` (resource type, account, region, resource id, rule), so an item
 * carries two short attributes for them rather than two more sort keys, and stays under 1 KB. Their keys are the
 * item's identity only, and they project the identity and `compliance_status`, never `last_evaluated`: a refresh (a
 * newer evaluation with the same status) costs them no write. Both are sharded over the same 16 shards as the status
 * index, so a first recording of one big account is spread over 16 index partitions.
 *
 * The handler writes them whether or not the indexes exist: an index created later (the API added) is filled from
 * every item at once.
 */
export interface ScopeIndexAttributes {
  /** `<account>#<nn>` */
  readonly account_shard: string;
  /** `<config_rule_name>#<nn>` */
  readonly rule_shard: string;
}

type IdentityFields = Pick<ComplianceItem, 'account' | 'config_rule_name'> & { readonly status_shard: string };

/**
 * The account and rule index keys of one item. The shard number is the status shard's (a stable hash of pk and sk),
 * so it never changes when the status does.
 */
export function scopeIndexAttributes(item: IdentityFields): ScopeIndexAttributes {
  const shard = item.status_shard.slice(item.status_shard.lastIndexOf('#') + 1);
  return {
    account_shard: `${item.account}#${shard}`,
    rule_shard: `${item.config_rule_name}#${shard}`,
  };
}

/** All shard keys of one account or rule: `<value>#00..15`. */
export function shardKeys(value: string): string[] {
  return Array.from({ length: STATUS_SHARDS }, (_, shard) => `${value}#${String(shard).padStart(2, '0')}`);
}
