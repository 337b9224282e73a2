import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { PutEventsSender, type OutgoingEntry } from '../../../src/runtime/agent/put-events-sender';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => eventBridge.reset());
afterAll(() => eventBridge.restore());

function entries(count: number, size = 100): OutgoingEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `e${i}`,
    size,
    entry: { Source: 'monitoring.agent.config', DetailType: 'Config Rules Compliance Change', Detail: JSON.stringify({ key: `e${i}` }) },
  }));
}

const keyOf = (entry: { Detail?: string }) => JSON.parse(entry.Detail!).key as string;

/** Answers like EventBridge: one result per request entry, in order; `fail` decides an entry's error code. */
function answer(fail: (key: string, attempt: number) => string | undefined) {
  const attempts = new Map<string, number>();
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    const results = input.Entries!.map((entry) => {
      const key = keyOf(entry);
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const code = fail(key, attempt);
      return code ? { ErrorCode: code, ErrorMessage: `${code} for ${key}` } : { EventId: `id-${key}-${attempt}` };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  });
  return attempts;
}

const calls = () => eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.map(keyOf));

describe('PutEventsSender', () => {
  test('sends requests of at most 10 entries', async () => {
    answer(() => undefined);
    const sender = new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { sleep: async () => {} });

    const outcome = await sender.send(entries(23));

    expect(calls().map((c) => c.length)).toEqual([10, 10, 3]);
    expect(outcome.delivered).toHaveLength(23);
    expect(outcome.failed).toEqual([]);
  });

  test('keeps each request under the byte budget', () => {
    const sender = new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { maxRequestBytes: 1000 });
    expect(sender.pack(entries(7, 300)).map((r) => r.length)).toEqual([3, 3, 1]);
    expect(sender.pack(entries(2, 1000)).map((r) => r.length)).toEqual([1, 1]);
  });

  test('resends only the entries that failed with a retryable code, with growing delays', async () => {
    const attempts = answer((key, attempt) => {
      if (key === 'e1' && attempt === 1) return 'ThrottlingException';
      if (key === 'e4' && attempt <= 2) return 'InternalFailure';
      return undefined;
    });
    const delays: number[] = [];
    const sender = new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { sleep: async (ms) => { delays.push(ms); }, random: () => 1 });

    const outcome = await sender.send(entries(5));

    expect(calls()).toEqual([['e0', 'e1', 'e2', 'e3', 'e4'], ['e1', 'e4'], ['e4']]);
    expect(outcome.delivered.sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(outcome.failed).toEqual([]);
    expect(outcome.resent).toBe(3);
    expect(delays).toEqual([200, 400]);
    expect([...attempts.values()].filter((n) => n > 1)).toHaveLength(2);
  });

  test('does not resend an entry that failed with a non-retryable code', async () => {
    answer((key) => (key === 'e2' ? 'NotAuthorizedForSourceException' : undefined));
    const sender = new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { sleep: async () => {} });

    const outcome = await sender.send(entries(3));

    expect(calls()).toEqual([['e0', 'e1', 'e2']]);
    expect(outcome.failed).toEqual([{ key: 'e2', errorCode: 'NotAuthorizedForSourceException', errorMessage: 'NotAuthorizedForSourceException for e2' }]);
  });

  test('gives up after maxAttempts and reports the last error', async () => {
    answer((key) => (key === 'e0' ? 'ThrottlingException' : undefined));
    const sender = new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { maxAttempts: 3, sleep: async () => {} });

    const outcome = await sender.send(entries(2));

    expect(calls()).toEqual([['e0', 'e1'], ['e0'], ['e0']]);
    expect(outcome.failed.map((f) => [f.key, f.errorCode])).toEqual([['e0', 'ThrottlingException']]);
  });

  test('a call that fails as a whole fails its entries: retried when transient, not when refused', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    eventBridge.on(PutEventsCommand).rejectsOnce(throttled).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }, { EventId: 'b' }] });
    const sender = new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { sleep: async () => {} });
    expect((await sender.send(entries(2))).delivered).toEqual(['e0', 'e1']);

    eventBridge.reset();
    eventBridge.on(PutEventsCommand).rejects(denied);
    const outcome = await sender.send(entries(2));
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(outcome.failed.map((f) => f.errorCode)).toEqual(['AccessDeniedException', 'AccessDeniedException']);
  });

  test('a missing result entry is a failure, never a success', async () => {
    eventBridge.on(PutEventsCommand).resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }] }).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const sender = new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { sleep: async () => {} });

    const outcome = await sender.send(entries(2));

    expect(calls()).toEqual([['e0', 'e1'], ['e1']]);
    expect(outcome.delivered).toEqual(['e0', 'e1']);
  });
});
