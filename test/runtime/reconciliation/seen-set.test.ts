import { decodeHashes, encodeHashes, hash53, itemKey, scopeKey, SeenSet } from '../../../src/runtime/reconciliation/seen-set';

describe('seen set', () => {
  test('hashes are stable, exact doubles below 2^53, and differ for near keys', () => {
    const a = hash53(itemKey('222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-1', 'RULE#restricted-ssh'));
    expect(a).toBe(hash53(itemKey('222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-1', 'RULE#restricted-ssh')));
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(a).not.toBe(hash53(itemKey('222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-2', 'RULE#restricted-ssh')));
  });

  test('membership over chunks, through the binary encoding DynamoDB stores', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => itemKey(`pk-${i}`, 'RULE#r'));
    const chunks = [keys.slice(0, 4_000), keys.slice(4_000)].map((part) => decodeHashes(encodeHashes(part.map(hash53))));

    const set = SeenSet.fromChunks([...chunks, decodeHashes(encodeHashes([hash53(scopeKey('222222222222', 'eu-west-1'))]))]);

    expect(set.size).toBe(10_001);
    expect(keys.every((key) => set.has(key))).toBe(true);
    expect(set.has(scopeKey('222222222222', 'eu-west-1'))).toBe(true);
    expect(set.has(itemKey('pk-10000', 'RULE#r'))).toBe(false);
    expect(set.has(scopeKey('333333333333', 'eu-west-1'))).toBe(false);
  });

  test('decodes a view that starts at an odd offset of a larger buffer', () => {
    const bytes = encodeHashes([1, 2, 3]);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(decodeHashes(padded.subarray(3)))).toEqual([1, 2, 3]);
  });
});
