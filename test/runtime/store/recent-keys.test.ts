import { RecentKeys } from '../../../src/runtime/store/recent-keys';

describe('RecentKeys', () => {
  test('remembers added keys and forgets the least recently added beyond its capacity', () => {
    const keys = new RecentKeys(2);

    keys.add('a');
    keys.add('b');
    keys.add('a');
    keys.add('c');

    expect(keys.has('a')).toBe(true);
    expect(keys.has('c')).toBe(true);
    expect(keys.has('b')).toBe(false);
  });
});
