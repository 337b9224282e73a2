/**
 * The names both sides of the store must agree on: the construct creates the indexes under these names, the runtime
 * queries them, the API's role is granted exactly them.
 */

/** The compliance table's status index: `status_shard` = `<status>#00..15`, then `begins_with(status_sort, <type>#)`. */
export const STATUS_INDEX_NAME = 'ConfigCompliance-Index';

/** One account's items: `account_shard` = `<account>#00..15`. */
export const ACCOUNT_INDEX_NAME = 'ConfigComplianceByAccount-Index';

/** One rule's items: `rule_shard` = `<config_rule_name>#00..15`. */
export const RULE_INDEX_NAME = 'ConfigComplianceByRule-Index';

/** Every index of the compliance table, in the order the table declares them. */
export const COMPLIANCE_TABLE_INDEXES = [STATUS_INDEX_NAME, ACCOUNT_INDEX_NAME, RULE_INDEX_NAME] as const;

/** Attributes the status index carries besides its keys: what a "list by status and type" query returns. */
export const STATUS_INDEX_ATTRIBUTES = [
  'account',
  'region',
  'resource_id',
  'resource_type',
  'config_rule_name',
  'compliance_status',
  'last_evaluated',
];

/**
 * Non-key attributes the account and rule indexes project: the identity (never changes) and the status, never
 * `last_evaluated`, so a refresh (a newer evaluation, same status) costs these indexes no write.
 */
export const SCOPE_INDEX_ATTRIBUTES = ['account', 'region', 'resource_type', 'resource_id', 'config_rule_name', 'compliance_status'];

/** How many shards the indexes spread each status, account or rule over: 16 × 1,000 write units/s. */
export const STATUS_SHARDS = 16;

/** The events table's TTL attribute (epoch seconds). */
export const EVENTS_TTL_ATTRIBUTE = 'expires_at';

/**
 * The partition of the fleet coverage snapshot in the compliance table (sort key `LATEST`): written by
 * CheckAccountActivity, read by the compliance API and the daily report, each granted only this partition.
 */
export const FLEET_COVERAGE_PARTITION_KEY = 'FLEET_COVERAGE';

/** The partition key prefix of the account-activity items (`ACCOUNT_ACTIVITY#00..03`): the handler may read only those in bulk. */
export const ACTIVITY_PARTITION_KEY_PREFIX = 'ACCOUNT_ACTIVITY#';
