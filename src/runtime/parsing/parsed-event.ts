import type { ComplianceResult } from '../models/compliance-result';
import type { ConfigItemChange } from '../models/config-item';
import type { RemediationResult } from '../models/remediation-result';

/** What one incoming event turns into. Status notifications carry no state we keep, so they are skipped, not failed. */
export type ParsedEvent =
  | { readonly kind: 'compliance'; readonly result: ComplianceResult }
  | { readonly kind: 'configuration-item'; readonly item: ConfigItemChange }
  | { readonly kind: 'remediation'; readonly result: RemediationResult }
  | { readonly kind: 'skipped'; readonly detailType: string; readonly reason: 'status-notification' | 'unknown-detail-type' };

/**
 * An event that can never be processed, whatever the retry: the handler dead-letters it with `reason`
 * instead of letting SQS redeliver it. The reason names the field and the bad value, so the log line alone
 * is enough to find the producer's bug.
 */
export class InvalidEventError extends Error {
  public readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidEventError';
    this.reason = reason;
  }
}

/** Envelope facts a message body falls back to when it does not carry them itself. */
export interface MessageContext {
  /**
   * The account EventBridge delivered the event from, when the message came through EventBridge: it is set from the
   * caller's credentials, so it is the one account a sender cannot choose. An account the message names itself must
   * equal it (trusted-account.ts). Absent only for messages read outside EventBridge (an SNS body, a direct call).
   */
  readonly account?: string;
  readonly region?: string;
  readonly eventId?: string;
  readonly time?: string;
}

/** Where the message and its envelope sit in the input, so error messages name the exact field. */
export interface FieldLocation {
  /** Path of the message body, e.g. `detail`, `detail.event.detail` or `message`. */
  readonly messagePath: string;
  /** Path of the envelope the context came from, e.g. `` (root), `detail.event` or `context`. */
  readonly envelopePath: string;
  /** Where the context's account was read, when not `<envelopePath>.account` (a forwarded event: the root `account`). */
  readonly accountPath?: string;
}

// ---- Field readers: every read of untrusted input goes through one of these, so a wrong shape is always
// ---- an InvalidEventError naming the field, never a TypeError or a silently wrong value.

export type JsonObject = { readonly [key: string]: unknown };

/** A field path: `at('detail', 'awsAccountId')` → `detail.awsAccountId`, `at('', 'source')` → `source`. */
export function at(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** Short, single-line rendering of a bad value for error messages (result tokens can be kilobytes long). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // JSON escapes C0 controls; DEL and C1 controls are escaped too, so a hostile value cannot corrupt the log line.
  const escaped = text.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 120 ? `${escaped.slice(0, 117)}...` : escaped;
}

export function invalidField(path: string, value: unknown, expected: string): InvalidEventError {
  return new InvalidEventError(`${path}: expected ${expected}, got ${describeValue(value)}`);
}

/** Config writes "no value" as a missing key or as null, depending on the channel: treat both alike. */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, path: string): JsonObject {
  if (!isPlainObject(value)) throw invalidField(path, value, 'an object');
  return value;
}

export function optionalObject(value: unknown, path: string): JsonObject | undefined {
  return isAbsent(value) ? undefined : requireObject(value, path);
}

/** An object, or a JSON string of one: SNS delivers `Message` as a string, the AWS docs print it as an object. */
export function requireJsonObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'string') return requireObject(value, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw invalidField(path, value, `a JSON object (${(error as Error).message})`);
  }
  return requireObject(parsed, path);
}

export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidField(path, value, 'a non-empty string');
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') throw invalidField(path, value, 'a string');
  return value;
}

/** A value read from the first place that has it, with the path it was read from. */
export interface Candidate {
  readonly value: unknown;
  readonly path: string;
}

/** The first present candidate; when none is, the paths of all of them, so the error says where we looked. */
export function pick(...candidates: Candidate[]): Candidate {
  return candidates.find((c) => !isAbsent(c.value)) ?? { value: undefined, path: candidates.map((c) => c.path).join(' or ') };
}

export function requirePickedString(candidate: Candidate): string {
  return requireString(candidate.value, candidate.path);
}

export function optionalPickedString(candidate: Candidate): string | undefined {
  return optionalString(candidate.value, candidate.path);
}

/**
 * Drops properties whose value is undefined, so optional fields are absent rather than `undefined`:
 * DynamoDB marshalling rejects undefined values and exact-equality tests stay honest.
 */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
