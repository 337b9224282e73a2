/**
 * Which configuration-item changes the event handler appends to the history (`CONFIGURATION_ITEM_HISTORY`). The
 * master's `ConfigurationItemHistory` enum carries the same values; a deletion is recorded whatever the choice.
 */
export const CONFIGURATION_ITEM_HISTORY_VALUES = ['ALL', 'RESOURCES_WITH_COMPLIANCE', 'NONE'] as const;

export type ConfigurationItemHistoryValue = typeof CONFIGURATION_ITEM_HISTORY_VALUES[number];
