import { invalidField, isAbsent } from './parsed-event';

/**
 * How to read a number: the Config API wire format uses epoch seconds (floats, e.g. 1450314635.065),
 * JavaScript and configurationStateId-like values use milliseconds. `auto` takes values below 1e11 as
 * seconds (1e11 s is the year 5138, 1e11 ms is March 1973, before AWS Config existed).
 */
export type NumericTimeUnit = 'seconds' | 'milliseconds' | 'auto';

const AUTO_SECONDS_BELOW = 1e11;
/** The ECMAScript Date range, so toISOString never throws on a value we accepted. */
const MAX_ABS_MS = 8.64e15;

// Lenient ISO-8601: any number of fraction digits ("1970-01-01T00:00:00.0Z" in the Lambda console
// template, ".0885+0000" in the 2014 docs), seconds optional, offsets with or without a colon, no zone = UTC
// (Config always writes UTC). Our own parser, because Date.parse differs between engines on these forms.
const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds of an ISO string, a Date, or a number / numeric string (see NumericTimeUnit). */
export function parseTimestampMs(value: unknown, path: string, unit: NumericTimeUnit = 'auto'): number {
  const ms = toMs(value, unit);
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > MAX_ABS_MS) {
    throw invalidField(path, value, 'an ISO-8601 timestamp or epoch time');
  }
  return ms;
}

/** Like parseTimestampMs, but missing / null is undefined; a present but unreadable value still fails. */
export function parseOptionalTimestampMs(value: unknown, path: string, unit: NumericTimeUnit = 'auto'): number | undefined {
  return isAbsent(value) ? undefined : parseTimestampMs(value, path, unit);
}

/** The one ISO form stored and compared downstream. */
export function toIsoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function toMs(value: unknown, unit: NumericTimeUnit): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return fromNumber(value, unit);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return fromNumber(Number(text), unit);
  return fromIso(text);
}

function fromNumber(value: number, unit: NumericTimeUnit): number {
  const seconds = unit === 'seconds' || (unit === 'auto' && Math.abs(value) < AUTO_SECONDS_BELOW);
  return Math.round(seconds ? value * 1000 : value);
}

function fromIso(text: string): number | undefined {
  const match = ISO_PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 2024-02-31 over to March: reject instead of storing a day that was never sent.
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return utc - offsetMs(zone);
}

function offsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  return sign * (hours * 60 + minutes) * 60_000;
}
