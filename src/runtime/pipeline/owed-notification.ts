import { isPermanentPublishError } from './transition-notifier';
import type { WriteContext } from './write-context';
import type { Logger } from '../observability/logger';
import { descriptionOf, notificationKey, type ComplianceItem, type PendingNotification } from '../store/compliance-item';

/** A delivery found its notification being sent by another live invocation: retried once the lease has run out. */
export class NotificationInFlight extends Error {
  constructor(key: string) {
    super(`notification ${key} is being sent by another invocation`);
    this.name = 'NotificationInFlight';
  }
}

export type NotificationOutcome = 'sent' | 'refused';

/**
 * Sends a notification the item owes, then drops it from the item. The one holding the lease sends: the invocation
 * that committed it, or, once the lease ran out (that invocation died), a later delivery of the same evaluation that
 * takes it over. A publish failure gives the lease back, so the redelivery sends at once; a crash between the publish
 * and the removal is the one window where a message is sent twice (measured in the invariant suite).
 *
 * A message SNS refuses for good (invalid parameter) goes to the dead-letter queue with the reason, and is dropped:
 * the state moves on; nothing retries what can never be sent.
 *
 * @param leaseUntilMs the lease this caller holds, if it just committed the notification
 */
export async function sendOwedNotification(
  item: ComplianceItem, owed: PendingNotification, context: WriteContext, logger: Logger | undefined, heldLeaseUntilMs?: number,
): Promise<NotificationOutcome> {
  const key = notificationKey(owed);
  let lease = heldLeaseUntilMs ?? owed.lease_until_ms;
  if (heldLeaseUntilMs === undefined) {
    const now = context.now().getTime();
    if (owed.lease_until_ms > now) throw new NotificationInFlight(key);
    lease = now + context.notificationLeaseMs;
    if (!(await context.compliance.setNotificationLease(item.pk, item.sk, key, owed.lease_until_ms, lease))) throw new NotificationInFlight(key);
  }
  let outcome: NotificationOutcome = 'sent';
  try {
    await context.notifier.notify(item, owed, owed.described ?? descriptionOf(item));
  } catch (error) {
    if (!isPermanentPublishError(error)) {
      // Given back, so the redelivered record sends it without waiting for the lease (unless this write fails too).
      await context.compliance.setNotificationLease(item.pk, item.sk, key, lease, 0).catch(() => undefined);
      throw error;
    }
    outcome = 'refused';
    const reason = `notification refused by SNS: ${(error as Error).name}: ${(error as Error).message}`;
    logger?.error('notification refused for good', { pk: item.pk, sk: item.sk, key, reason });
    await context.refusedNotifications?.send(JSON.stringify({ ...owed, pk: item.pk, sk: item.sk }), reason, `${item.pk}|${item.sk}|${key}`);
  }
  await context.compliance.removeNotification(item.pk, item.sk, key, lease);
  return outcome;
}
