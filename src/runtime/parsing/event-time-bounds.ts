import { invalidField, isAbsent } from './parsed-event';
import { parseTimestampMs, toIsoTimestamp, type NumericTimeUnit } from './timestamps';

/**
 * How far ahead of the master's clock an event time may be. Evaluation, capture and remediation times are written by
 * the member account's side of AWS and by EventBridge, whose clocks are NTP-synchronised but not ours: a few seconds
 * of difference are normal, and five minutes covers any honest skew with a wide margin. Beyond it the time is a forgery or a bug, and storing it would be harmful: newest wins, so an
 * evaluation dated 2099 would make every genuine later one "stale" and a deletion dated 9999 would retire its resource
 * for good.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * No event time can be older than AWS Config, launched on 2014-11-12 (its API version is `2014-11-12`); the floor is
 * the start of that month, which also refuses epoch 0, negative times and seconds read as milliseconds.
 */
export const EARLIEST_EVENT_TIME_MS = Date.UTC(2014, 10, 1);

/** `ms` when it lies between EARLIEST_EVENT_TIME_MS and `nowMs` plus the skew; else an InvalidEventError naming the field and `value`. */
export function requireEventTimeWithinBounds(ms: number, value: unknown, path: string, nowMs: number): number {
  const latest = nowMs + MAX_CLOCK_SKEW_MS;
  if (!Number.isFinite(ms) || ms < EARLIEST_EVENT_TIME_MS || ms > latest) {
    throw invalidField(path, value, `a time from ${toIsoTimestamp(EARLIEST_EVENT_TIME_MS)} (before AWS Config existed) to `
      + `${toIsoTimestamp(latest)} (now plus ${MAX_CLOCK_SKEW_MS / 60_000} minutes of clock skew)`);
  }
  return ms;
}

/** parseTimestampMs, then the bounds: the form of every event time that is stored or orders the writes. */
export function parseEventTimeMs(value: unknown, path: string, nowMs: number, unit: NumericTimeUnit = 'auto'): number {
  return requireEventTimeWithinBounds(parseTimestampMs(value, path, unit), value, path, nowMs);
}

/** Like parseEventTimeMs, but missing / null is undefined. */
export function parseOptionalEventTimeMs(value: unknown, path: string, nowMs: number, unit: NumericTimeUnit = 'auto'): number | undefined {
  return isAbsent(value) ? undefined : parseEventTimeMs(value, path, nowMs, unit);
}
