import { throttling } from './fake-aggregator';
import { DeadlineReached, fullJitterDelay, isRetryable, withBackoff, type BackoffOptions } from '../../../src/runtime/reconciliation/backoff';

function options(overrides: Partial<BackoffOptions> = {}): BackoffOptions & { slept: number[] } {
  const slept: number[] = [];
  let now = 0;
  return {
    baseMs: 100,
    capMs: 1_000,
    maxAttempts: 5,
    random: () => 0.999,
    now: () => now,
    deadlineMs: () => 1_000_000,
    sleep: async (ms) => { slept.push(ms); now += ms; },
    ...overrides,
    slept,
  };
}

describe('full-jitter backoff', () => {
  test('the delay is drawn from [0, min(cap, base × 2^attempt))', () => {
    expect(fullJitterDelay(0, { baseMs: 100, capMs: 1_000, random: () => 0.999 })).toBe(99);
    expect(fullJitterDelay(3, { baseMs: 100, capMs: 1_000, random: () => 0.999 })).toBe(799);
    expect(fullJitterDelay(10, { baseMs: 100, capMs: 1_000, random: () => 0.999 })).toBe(999);
    expect(fullJitterDelay(10, { baseMs: 100, capMs: 1_000, random: () => 0 })).toBe(0);
  });

  test.each([
    ['ThrottlingException', throttling(), true],
    ['a "Rate exceeded" message under another name', Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' }), true],
    ['HTTP 429', Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } }), true],
    ['a server fault', Object.assign(new Error('internal'), { name: 'InternalFailure', $fault: 'server' }), true],
    ['AccessDeniedException', Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $fault: 'client' }), false],
    ['NoSuchConfigurationAggregatorException', Object.assign(new Error('no such'), { name: 'NoSuchConfigurationAggregatorException' }), false],
    ['a string', 'boom', false],
  ])('isRetryable: %s → %s', (_name, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });

  test('retries throttling until it succeeds, sleeping the growing jittered delays', async () => {
    const opts = options();
    let calls = 0;
    const retried: number[] = [];

    const result = await withBackoff(async () => { if (++calls < 4) throw throttling(); return 'ok'; }, opts, (_e, delay) => retried.push(delay));

    expect(result).toBe('ok');
    expect(opts.slept).toEqual([99, 199, 399]);
    expect(retried).toEqual(opts.slept);
  });

  test('fails at once on an error that is not retryable', async () => {
    const opts = options();
    await expect(withBackoff(async () => { throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' }); }, opts)).rejects.toThrow('denied');
    expect(opts.slept).toEqual([]);
  });

  test('fails with the last error after maxAttempts', async () => {
    const opts = options({ maxAttempts: 3 });
    let calls = 0;
    await expect(withBackoff(async () => { calls++; throw throttling(); }, opts)).rejects.toThrow('Rate exceeded');
    expect(calls).toBe(3);
  });

  test('fails with DeadlineReached rather than sleep past the deadline', async () => {
    const opts = options({ deadlineMs: () => 250 });
    await expect(withBackoff(async () => { throw throttling(); }, opts)).rejects.toBeInstanceOf(DeadlineReached);
    expect(opts.slept).toEqual([99]);
  });
});
