import { FNV1A_OFFSET_BASIS, fnv1a } from '../store/fnv1a';

/**
 * The (resource, rule) pairs and the (account, region) scopes the aggregator reported during one pass, as 53-bit
 * hashes: 8 bytes per pair, so a million evaluations fit in 8 MB of Lambda memory and 24 DynamoDB items.
 *
 * A collision can only make an unreported item look reported, which delays its retirement to a later pass; it can
 * never retire an item the aggregator reported. With 53 bits and a million pairs the odds of one collision in a
 * pass are about 1 in 18,000.
 */

/** Two independent 32-bit FNV-1a hashes folded into the 53 bits a double holds exactly. */
/* eslint-disable no-bitwise -- hashing is bit arithmetic by definition */
export function hash53(text: string): number {
  return fnv1a(text, FNV1A_OFFSET_BASIS) * 2 ** 21 + (fnv1a(text, 0x050c5d1f) >>> 11);
}
/* eslint-enable no-bitwise */

export function itemKey(pk: string, sk: string): string {
  return `ITEM|${pk}|${sk}`;
}

export function scopeKey(account: string, region: string): string {
  return `SCOPE|${account}|${region}`;
}

/** A sorted, frozen set of hashes, read with binary search. */
export class SeenSet {
  static fromChunks(chunks: Iterable<Float64Array>): SeenSet {
    const all: number[] = [];
    for (const chunk of chunks) for (const value of chunk) all.push(value);
    return new SeenSet(Float64Array.from(all).sort());
  }

  private constructor(private readonly sorted: Float64Array) {}

  get size(): number {
    return this.sorted.length;
  }

  has(key: string): boolean {
    const target = hash53(key);
    let low = 0;
    let high = this.sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1; // eslint-disable-line no-bitwise
      const value = this.sorted[middle];
      if (value === target) return true;
      if (value < target) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

/** Float64 values ⇄ the bytes of a DynamoDB binary attribute (little-endian, as on every Lambda architecture). */
export function encodeHashes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float64Array.from(values).buffer);
}

export function decodeHashes(bytes: Uint8Array): Float64Array {
  // Copy: the SDK may hand over a view into a larger buffer at an offset that is not a multiple of 8.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
