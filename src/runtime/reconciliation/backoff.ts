/**
 * Retries of aggregator API calls. AWS Config publishes no rate limits for its aggregator APIs and answers a busy
 * account with `ThrottlingException` ("Rate exceeded"); exponential backoff with full jitter spreads the retries of
 * concurrent callers instead of synchronising them (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
export interface BackoffOptions {
  /** First delay ceiling. */
  readonly baseMs: number;
  /** Largest delay ceiling. */
  readonly capMs: number;
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** Injected for tests: resolves after `ms`. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Injected for tests: uniform in [0, 1). */
  readonly random: () => number;
  /** Epoch ms after which no retry may start (the invocation must keep time to save its cursor). */
  readonly deadlineMs: () => number;
  readonly now: () => number;
}

export const DEFAULT_BACKOFF: Omit<BackoffOptions, 'deadlineMs'> = {
  baseMs: 250,
  capMs: 20_000,
  maxAttempts: 10,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

/** Thrown when a retry would run past the deadline: the caller saves its cursor and stops. */
export class DeadlineReached extends Error {
  constructor(message = 'the invocation deadline was reached') {
    super(message);
    this.name = 'DeadlineReached';
  }
}

/** Throttling and server-side faults are worth another attempt; anything else is a bug or a permission problem. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { name, message } = error;
  const fault = (error as { $fault?: string }).$fault;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'ThrottlingException'
    || name === 'TooManyRequestsException'
    || name === 'RequestLimitExceeded'
    || /rate exceeded/i.test(message)
    || status === 429
    || fault === 'server';
}

/** Full jitter: a delay drawn uniformly from [0, min(cap, base × 2^attempt)). */
export function fullJitterDelay(attempt: number, options: Pick<BackoffOptions, 'baseMs' | 'capMs' | 'random'>): number {
  return Math.floor(options.random() * Math.min(options.capMs, options.baseMs * 2 ** attempt));
}

/** Runs `call`, retrying throttling and server faults with full-jitter backoff until the attempts or the deadline run out. */
export async function withBackoff<T>(call: () => Promise<T>, options: BackoffOptions, onRetry?: (error: Error, delayMs: number) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= options.maxAttempts) throw error;
      const delay = fullJitterDelay(attempt, options);
      if (options.now() + delay >= options.deadlineMs()) throw new DeadlineReached(`throttled until the deadline: ${(error as Error).message}`);
      onRetry?.(error as Error, delay);
      await options.sleep(delay);
    }
  }
}
