import { CONFIGURATION_ITEM_HISTORY_VALUES, type ConfigurationItemHistoryValue } from '../contract/configuration-item-history';

/**
 * Which configuration-item changes the master keeps in its history (the events table), next to the compliance
 * changes, which it always keeps.
 *
 * Configuration items are most of the events (about 95%) and of the write units; AWS Config itself keeps every
 * recorded resource's configuration history (`GetResourceConfigHistory`, retention configurable up to 7 years) and
 * the delivery channel's S3 snapshots, so the master's copy is a convenience, not the only record. Whatever the
 * choice, a deletion (`ResourceDeleted`, `ResourceDeletedNotRecorded`) is recorded: the compliance history is ordered by it.
 *
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_GetResourceConfigHistory.html
 */
export enum ConfigurationItemHistory {
  /**
   * Every configuration-item change: one write unit per change, and its storage for `historyRetention`.
   * The events table alone answers "what changed on any resource".
   */
  ALL = 'ALL',
  /**
   * Only the changes of resources that have at least one compliance item (some rule evaluated them), which keeps
   * the changes that explain a compliance change. Costs one eventually consistent read (0.5 read unit) per change of
   * a resource not yet known to the handler's container. Loses the changes of resources no rule evaluates, and
   * those that arrive before a resource's first evaluation (a new resource's creation, usually): read them from
   * AWS Config.
   */
  RESOURCES_WITH_COMPLIANCE = 'RESOURCES_WITH_COMPLIANCE',
  /**
   * No configuration-item change but deletions: the events table holds the compliance history and the deletions;
   * every other configuration change is read from AWS Config (its history, or the delivery channel's snapshots).
   */
  NONE = 'NONE',
}

/** The default: the changes that explain compliance, not the rest. */
export const DEFAULT_CONFIGURATION_ITEM_HISTORY = ConfigurationItemHistory.RESOURCES_WITH_COMPLIANCE;

/**
 * Throws when a value (a string from JavaScript or another jsii language) is none of the enum's; returns it as the
 * handler reads it (CONFIGURATION_ITEM_HISTORY).
 *
 * @internal
 */
export function configurationItemHistoryValue(value: ConfigurationItemHistory): ConfigurationItemHistoryValue {
  const allowed: readonly string[] = CONFIGURATION_ITEM_HISTORY_VALUES;
  if (!allowed.includes(value)) {
    throw new Error(`configurationItemHistory must be one of ${CONFIGURATION_ITEM_HISTORY_VALUES.join(', ')}, got '${String(value)}': `
      + 'use ConfigurationItemHistory.ALL, RESOURCES_WITH_COMPLIANCE or NONE');
  }
  return value as ConfigurationItemHistoryValue;
}
