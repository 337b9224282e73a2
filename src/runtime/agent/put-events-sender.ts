import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { MAX_ENTRY_BYTES } from './agent-envelope';

/** PutEvents takes at most 10 entries per call (aws-config-facts.md §H). */
export const MAX_ENTRIES_PER_REQUEST = 10;

/** Entry error codes worth resending: EventBridge's own transient failures. Every other code fails the same way again. */
export const RETRYABLE_ENTRY_CODES: ReadonlySet<string> = new Set(['InternalFailure', 'ThrottlingException']);

/** Entry error codes that no retry, redelivery or fix on the master's side can cure: the entry itself is wrong. */
export const MALFORMED_ENTRY_CODES: ReadonlySet<string> = new Set(['InvalidArgument', 'MalformedDetail']);

/** Whole-call errors that the SDK's own retries did not outlast but a later attempt may. */
const RETRYABLE_CALL_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException', 'InternalException', 'InternalFailure', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeout',
]);

export interface OutgoingEntry {
  /** The caller's key for the entry, reported back with its outcome. */
  readonly key: string;
  readonly entry: PutEventsRequestEntry;
  /** entrySize(entry), computed once by the caller. */
  readonly size: number;
}

export interface FailedEntry {
  readonly key: string;
  readonly errorCode: string;
  readonly errorMessage?: string;
}

export interface SendOutcome {
  readonly delivered: string[];
  readonly failed: FailedEntry[];
  /** Entries resent after a retryable failure (a count of resends, not of entries). */
  readonly resent: number;
}

export interface SenderOptions {
  /** Attempts per entry, the first included. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly maxRequestBytes?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Puts entries on the central bus: requests of at most 10 entries and at most `maxRequestBytes`, then only the
 * entries that failed with a retryable code are resent, with exponential backoff and full jitter. EventBridge keeps
 * processing the other entries of a request when one fails, so an entry that succeeded is never sent twice.
 */
export class PutEventsSender {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRequestBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly client: EventBridgeClient, options: SenderOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 3_000;
    this.maxRequestBytes = options.maxRequestBytes ?? MAX_ENTRY_BYTES;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async send(entries: OutgoingEntry[]): Promise<SendOutcome> {
    const delivered: string[] = [];
    const failed: FailedEntry[] = [];
    let pending = entries;
    let resent = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const retry: Array<{ entry: OutgoingEntry; failure: FailedEntry }> = [];
      for (const request of this.pack(pending)) {
        const results = await this.put(request);
        results.forEach((result, index) => {
          const entry = request[index];
          if (result.errorCode === undefined) {
            delivered.push(entry.key);
            return;
          }
          const failure = { key: entry.key, errorCode: result.errorCode, errorMessage: result.errorMessage };
          if (RETRYABLE_ENTRY_CODES.has(result.errorCode) || result.retryableCall) retry.push({ entry, failure });
          else failed.push(failure);
        });
      }
      if (retry.length === 0) break;
      if (attempt >= this.maxAttempts) {
        failed.push(...retry.map((r) => r.failure));
        break;
      }
      await this.sleep(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1)));
      pending = retry.map((r) => r.entry);
      resent += pending.length;
    }
    return { delivered, failed, resent };
  }

  /** Requests of at most 10 entries and maxRequestBytes, in the given order. */
  pack(entries: OutgoingEntry[]): OutgoingEntry[][] {
    const requests: OutgoingEntry[][] = [];
    let current: OutgoingEntry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      if (current.length > 0 && (current.length === MAX_ENTRIES_PER_REQUEST || bytes + entry.size > this.maxRequestBytes)) {
        requests.push(current);
        current = [];
        bytes = 0;
      }
      current.push(entry);
      bytes += entry.size;
    }
    if (current.length > 0) requests.push(current);
    return requests;
  }

  private async put(request: OutgoingEntry[]): Promise<Array<{ errorCode?: string; errorMessage?: string; retryableCall?: boolean }>> {
    let resultEntries: PutEventsResultEntry[];
    try {
      const response = await this.client.send(new PutEventsCommand({ Entries: request.map((e) => e.entry) }));
      resultEntries = response.Entries ?? [];
    } catch (error) {
      const name = (error as Error).name ?? 'Error';
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // No HTTP status means the request never got an answer (network, timeout): worth another attempt.
      const retryableCall = RETRYABLE_CALL_ERRORS.has(name) || status === undefined || status >= 500;
      return request.map(() => ({ errorCode: name, errorMessage: (error as Error).message, retryableCall }));
    }
    // Entries[i] answers request entry i; a missing answer is treated as a transient failure, never as success.
    return request.map((_, index) => {
      const result = resultEntries[index];
      if (result === undefined) return { errorCode: 'InternalFailure', errorMessage: 'no result entry for this request entry' };
      if (result.ErrorCode) return { errorCode: result.ErrorCode, errorMessage: result.ErrorMessage };
      if (!result.EventId) return { errorCode: 'InternalFailure', errorMessage: 'result entry has neither EventId nor ErrorCode' };
      return {};
    });
  }
}
