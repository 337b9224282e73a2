/** FNV-1a's 32-bit offset basis. */
export const FNV1A_OFFSET_BASIS = 0x811c9dc5;

/**
 * 32-bit FNV-1a over the UTF-16 code units of `text`: stable across processes and runtimes, so a key always lands
 * on the same shard. Another `basis` gives an independent hash of the same text.
 */
/* eslint-disable no-bitwise -- hashing is bit arithmetic by definition */
export function fnv1a(text: string, basis: number = FNV1A_OFFSET_BASIS): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
/* eslint-enable no-bitwise */
