import { NotificationInFlight } from './owed-notification';
import { InvalidEventError } from '../parsing/parsed-event';

/**
 * Whether a failed record is worth retrying. Malformed events and requests DynamoDB rejects as invalid never
 * succeed, so they go to the dead-letter queue at once; everything else (throttling, 5xx, network, timeouts,
 * contention, a notification another invocation is sending) is reported as a batch item failure and redelivered.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof InvalidEventError) return true;
  if (error instanceof NotificationInFlight) return false;
  const name = (error as Error | undefined)?.name;
  return name === 'ValidationException' || name === 'SerializationException';
}
