import { ACCOUNT_INDEX_NAME, RULE_INDEX_NAME } from '../contract/table-names';

/**
 * An optional index of the compliance table, for readers that list one account's or one rule's items (the
 * compliance API's `account` and `rule` filters). Each costs one write unit for every new or retired item and every
 * transition; without it the API answers those filters from the status index, reading every item of the statuses
 * asked for.
 */
export enum ComplianceIndex {
  /** `ConfigComplianceByAccount-Index`: one account's items, sharded over 16 partitions, sorted like the status index. */
  BY_ACCOUNT = 'BY_ACCOUNT',
  /** `ConfigComplianceByRule-Index`: one rule's items, sharded over 16 partitions, sorted like the status index. */
  BY_RULE = 'BY_RULE',
}

/** The table index each option creates. */
export const COMPLIANCE_INDEX_NAMES: Readonly<Record<ComplianceIndex, string>> = {
  [ComplianceIndex.BY_ACCOUNT]: ACCOUNT_INDEX_NAME,
  [ComplianceIndex.BY_RULE]: RULE_INDEX_NAME,
};
