import { createHash } from 'crypto';
import { badParameter } from './api-error';

/**
 * The opaque `nextToken`: base64url of `{ v, q, k }`, where `k` is the DynamoDB key to continue after and `q` a
 * fingerprint of the query (route, filters, index) that produced it, so a token is never applied to another query.
 *
 * The token carries no secret and grants nothing: it only positions the caller inside a query IAM already let them
 * run. A forged token can skip items, never reveal others.
 */
const VERSION = 1;

export type DynamoKey = Record<string, string | number>;

export function queryFingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodePageToken(fingerprint: string, key: DynamoKey): string {
  return Buffer.from(JSON.stringify({ v: VERSION, q: fingerprint, k: key }), 'utf8').toString('base64url');
}

/** How DynamoDB uses a key attribute, which sets its size limit. */
export type KeyRole = 'partition' | 'sort';

/**
 * DynamoDB's key size limits (a partition key value at most 2048 bytes, a sort key value at most 1024), the same for
 * an index's keys: a token position beyond them would only come back from DynamoDB as a ValidationException.
 */
const MAX_KEY_BYTES: Record<KeyRole, number> = { partition: 2048, sort: 1024 };

/**
 * The position a token holds, checked to be one this API could have issued for this query: the fingerprint matches,
 * the key has exactly the attributes of `keySchema`, each a non-empty string within DynamoDB's key limits (every key
 * of these tables is a string), and the attributes in `fixed` hold the query's own values (its partition). Anything
 * else is a 400 naming nextToken, so a forged token can neither make DynamoDB fail (500) nor start outside the query.
 *
 * @param keySchema the attribute names the key must have, exactly, with their role
 * @param fixed attributes whose value the query already determines
 */
export function decodePageToken(
  token: string | undefined,
  fingerprint: string,
  keySchema: Readonly<Record<string, KeyRole>>,
  fixed: Readonly<Record<string, string>> = {},
): Record<string, string> | undefined {
  if (token === undefined) return undefined;
  const invalid = (why: string) => badParameter('nextToken', `${why}: pass the nextToken of the previous page unchanged, `
    + 'with the same filters, or leave it out to start from the first page');
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(token)) throw invalid('is not a token this API issued');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a token this API issued');
  }
  const { v, q, k } = (parsed ?? {}) as { v?: unknown; q?: unknown; k?: unknown };
  if (v !== VERSION || typeof q !== 'string' || typeof k !== 'object' || k === null || Array.isArray(k)) throw invalid('is not a token this API issued');
  if (q !== fingerprint) throw invalid('belongs to a query with other filters');
  const key = k as Record<string, unknown>;
  if (Object.keys(key).sort().join() !== Object.keys(keySchema).sort().join()) throw invalid('is not a token this API issued');
  for (const [name, role] of Object.entries(keySchema)) {
    const value = key[name];
    if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES[role]) {
      throw invalid(`holds a position this API never issues (${name} must be a string of 1 to ${MAX_KEY_BYTES[role]} bytes)`);
    }
  }
  for (const [name, value] of Object.entries(fixed)) {
    if (key[name] !== value) throw invalid(`belongs to another ${name === 'pk' ? 'resource' : 'partition'} than this query's`);
  }
  return key as Record<string, string>;
}
