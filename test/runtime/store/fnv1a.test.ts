import { fnv1a } from '../../../src/runtime/store/fnv1a';

// The shard of every stored item depends on these values: a change here moves items to other index partitions.
test('the published FNV-1a 32-bit test vectors', () => {
  expect(fnv1a('')).toBe(0x811c9dc5);
  expect(fnv1a('a')).toBe(0xe40c292c);
  expect(fnv1a('foobar')).toBe(0xbf9cf968);
});

test('another offset basis gives another hash of the same text', () => {
  expect(fnv1a('foobar', 0x050c5d1f)).not.toBe(fnv1a('foobar'));
});
