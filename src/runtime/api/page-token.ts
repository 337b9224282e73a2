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

/**
 * @param expectedKeys the attribute names the key must have, exactly
 */
export function decodePageToken(token: string | undefined, fingerprint: string, expectedKeys: readonly string[]): DynamoKey | undefined {
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
  if (v !== VERSION || typeof q !== 'string' || typeof k !== 'object' || k === null) throw invalid('is not a token this API issued');
  if (q !== fingerprint) throw invalid('belongs to a query with other filters');
  const key = k as Record<string, unknown>;
  const names = Object.keys(key).sort();
  if (names.join() !== [...expectedKeys].sort().join()
    || Object.values(key).some((value) => typeof value !== 'string' && typeof value !== 'number')) {
    throw invalid('is not a token this API issued');
  }
  return key as DynamoKey;
}
