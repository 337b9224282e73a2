import { createHash } from 'crypto';

/**
 * A number in [0, 1) derived from the event id alone. SQS and EventBridge redeliver an event with the same id,
 * so a redelivery makes the same sampling decision as the first delivery: a sampled-out event never comes back
 * forwarded, and a forwarded one is never dropped on retry.
 */
export function samplingPoint(eventId: string): number {
  const digest = createHash('sha256').update(eventId, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Whether an event with this id is kept at this rate (0 keeps none, 1 keeps all). */
export function isSampledIn(eventId: string, rate: number): boolean {
  return samplingPoint(eventId) < rate;
}
