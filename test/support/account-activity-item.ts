import { AccountActivityItem, activityPartitionKey } from '../../src/runtime/store/account-activity-keys';

/** An account-activity item as the recorder stores it: the account and region last reported at `lastEventMs`. */
export function accountActivityItem(account: string, region: string, lastEventMs: number): AccountActivityItem {
  return {
    pk: activityPartitionKey(account),
    sk: `${account}#${region}`,
    item_type: 'ACCOUNT_ACTIVITY',
    account,
    region,
    last_event_ms: lastEventMs,
    last_event_at: new Date(lastEventMs).toISOString(),
  };
}
