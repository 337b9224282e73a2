import { EventSourceConfig, poissonArrivals, simulateEventSource, SimMessage } from '../../bench/event-source-model';

const base: EventSourceConfig = { batchSize: 100, windowMs: 10_000, maxConcurrency: 5, visibilityTimeoutMs: 370_000, maxReceiveCount: 5 };

function steady(perSecond: number, seconds: number): SimMessage[] {
  return poissonArrivals(Math.round(perSecond * seconds), perSecond, 0, 'test').map((arrivalMs) => ({ arrivalMs, bytes: 1_700 }));
}

const fixed = (durationMs: number) => async () => ({ durationMs, failed: [] as number[] });

describe('the SQS event source model', () => {
  test('at 2.9 deliveries/s, 5 pollers and a 10 s window, batches hold about 6-7 records', async () => {
    const r = await simulateEventSource(steady(2.9, 3_600), base, fixed(200));
    // A poller's batch: its first message, plus what 2.9/5 a second brings in 10 s.
    expect(r.meanBatchSize).toBeGreaterThan(5);
    expect(r.meanBatchSize).toBeLessThan(8);
    expect(r.invocations.every((i) => i.closedBy === 'window')).toBe(true);
    expect(r.invocations.reduce((s, i) => s + i.records, 0)).toBe(Math.round(2.9 * 3_600));
  });

  test('with a 60 s window, about 35', async () => {
    const r = await simulateEventSource(steady(2.9, 3_600), { ...base, windowMs: 60_000 }, fixed(200));
    expect(r.meanBatchSize).toBeGreaterThan(30);
    expect(r.meanBatchSize).toBeLessThan(40);
  });

  test('a burst fills every batch, and never runs more than the maximum concurrency', async () => {
    const burst: SimMessage[] = Array.from({ length: 10_000 }, (_, i) => ({ arrivalMs: i / 10, bytes: 1_700 }));
    const r = await simulateEventSource(burst, { ...base, maxConcurrency: 3 }, fixed(5_000));
    expect(r.invocations.length).toBe(100);
    expect(r.invocations.filter((i) => i.records === 100).length).toBe(100);
    expect(r.peakConcurrency).toBe(3);
    expect(r.containers).toBe(3);
    // Never more than 3 on the clock at once, checked from the log itself.
    for (const a of r.invocations) expect(r.invocations.filter((b) => b.startMs <= a.startMs && b.endMs > a.startMs).length).toBeLessThanOrEqual(3);
    expect(r.invocations.some((i) => i.waitedMs > 0)).toBe(true);
  });

  test('a warm container is reused; a new one only when all are busy', async () => {
    const r = await simulateEventSource(steady(2.9, 600), base, fixed(50));
    // Containers are created only when every one is busy: as many as ever ran at once, each cold once.
    expect(r.containers).toBe(r.peakConcurrency);
    expect(r.containers).toBeLessThan(5);
    expect(r.invocations.filter((i) => i.cold).length).toBe(r.containers);
  });

  test('a failed record comes back after the visibility timeout, and is redriven after maxReceiveCount receives', async () => {
    const messages: SimMessage[] = [{ arrivalMs: 0, bytes: 100 }, { arrivalMs: 1, bytes: 100 }];
    const seen: { index: number; receiveCount: number; startMs: number }[] = [];
    const r = await simulateEventSource(messages, { ...base, visibilityTimeoutMs: 30_000 }, async (records, startMs) => {
      for (const x of records) seen.push({ ...x, startMs });
      return { durationMs: 100, failed: records.filter((x) => x.index === 1).map((x) => x.index) };
    });
    const again = seen.filter((s) => s.index === 1);
    expect(again.map((s) => s.receiveCount)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < again.length; i++) expect(again[i].startMs - again[i - 1].startMs).toBeGreaterThanOrEqual(30_000);
    expect(r.redriven).toBe(1);
    expect(r.redeliveries).toBe(4);
  });

  test('a batch closes before it passes 6 MB', async () => {
    const big: SimMessage[] = Array.from({ length: 50 }, (_, i) => ({ arrivalMs: i, bytes: 250_000 }));
    const r = await simulateEventSource(big, { ...base, pollers: 1, maxConcurrency: 1 }, fixed(10));
    expect(Math.max(...r.invocations.map((i) => i.records))).toBe(25);
    expect(r.invocations[0].closedBy).toBe('bytes');
  });
});
