import type { ComplianceItem } from './compliance-item';
import { STATUS_SHARDS } from '../../contract/table-names';

/**
 * The two indexes next to `ConfigCompliance-Index` that serve the compliance API's filters by account or rule
 * (named in src/contract/table-names.ts, which the table's construct declares them with).
 *
 * Both serve a filter by account or by rule without a status. Their keys are made of the item's identity only, and
 * they project the identity and `compliance_status`, never `last_evaluated`: a refresh (a newer evaluation with the
 * same status) changes none of their attributes and so costs them no write; a transition costs one write each
 * (a projected attribute changed); only a new or retired item costs more (one write each). Both are sharded over the
 * same 16 shards as the status index, so a first recording of one big account is spread over 16 index partitions.
 */

/** The attributes a compliance item carries for the account and rule indexes. */
export interface ScopeIndexAttributes {
  /** `<account>#<nn>` */
  readonly account_shard: string;
  /** `<region>#<resource_type>#<resource_id>#<config_rule_name>` */
  readonly account_sort: string;
  /** `<config_rule_name>#<nn>` */
  readonly rule_shard: string;
  /** `<account>#<region>#<resource_type>#<resource_id>` */
  readonly rule_sort: string;
}

type IdentityFields = Pick<ComplianceItem, 'account' | 'region' | 'resource_type' | 'resource_id' | 'config_rule_name'> & { readonly status_shard: string };

/**
 * The account and rule index attributes of one item. The shard number is the status shard's (a stable hash of pk and sk),
 * so it never changes when the status does.
 */
export function scopeIndexAttributes(item: IdentityFields): ScopeIndexAttributes {
  const shard = item.status_shard.slice(item.status_shard.lastIndexOf('#') + 1);
  return {
    account_shard: `${item.account}#${shard}`,
    account_sort: `${item.region}#${item.resource_type}#${item.resource_id}#${item.config_rule_name}`,
    rule_shard: `${item.config_rule_name}#${shard}`,
    rule_sort: `${item.account}#${item.region}#${item.resource_type}#${item.resource_id}`,
  };
}

/** All shard keys of one account or rule: `<value>#00..15`. */
export function shardKeys(value: string): string[] {
  return Array.from({ length: STATUS_SHARDS }, (_, shard) => `${value}#${String(shard).padStart(2, '0')}`);
}
