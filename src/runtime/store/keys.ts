import { fnv1a } from './fnv1a';
import { STATUS_SHARDS } from '../../contract/table-names';

/**
 * Key design of the compliance and events tables (see docs/design/runtime-contract.md and the README's schema).
 *
 * One partition per resource spreads a burst of first evaluations over as many partitions as there are
 * resources, instead of a naive design's single `CONFIG_COMPLIANCE` partition (1,000 write units/s ceiling).
 */

export const RESOURCE_MARKER_SK = 'RESOURCE';
/** The sort key prefix of every compliance item (`RULE#<config_rule_name>`). */
export const RULE_SK_PREFIX = 'RULE#';

export interface ResourceIdentity {
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

export function resourceKey(resource: ResourceIdentity): string {
  return `${resource.account}#${resource.region}#${resource.resourceType}#${resource.resourceId}`;
}

export function ruleSortKey(configRuleName: string): string {
  return `${RULE_SK_PREFIX}${configRuleName}`;
}

export function isRuleSortKey(sk: string): boolean {
  return sk.startsWith(RULE_SK_PREFIX);
}


export function statusShard(status: string, pk: string, sk: string): string {
  const shard = fnv1a(`${pk}|${sk}`) % STATUS_SHARDS;
  return `${status}#${String(shard).padStart(2, '0')}`;
}

/** All shard keys of one status, for the "by status, then resource type" query. */
export function statusShardKeys(status: string): string[] {
  return Array.from({ length: STATUS_SHARDS }, (_, shard) => `${status}#${String(shard).padStart(2, '0')}`);
}

export function statusSortKey(resource: ResourceIdentity, configRuleName: string): string {
  return `${resource.resourceType}#${resource.account}#${resource.region}#${resource.resourceId}#${configRuleName}`;
}

export function historySortKey(eventTimeMs: number, kind: 'COMPLIANCE' | 'CI', discriminator: string): string {
  return `${new Date(eventTimeMs).toISOString()}#${kind}#${discriminator}`;
}
