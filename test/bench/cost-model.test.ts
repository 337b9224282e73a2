import { Item } from '../../bench/billing';
import { GB, lambdaComputeMonthly, measureTableBytes, steadyStateStorage } from '../../bench/cost-model';
import { DRAIN_ASSUMPTIONS, drainModel } from '../../bench/drain-model';

// Items of exactly 900 bytes: name 'pk' (2) + 48-byte value, name 'sk' (2) + 48, name 'd' (1) + 799 = 900.
const item = (i: number, ttl: boolean): Item => ({
  pk: { S: `p${String(i).padStart(47, '0')}` },
  sk: { S: 's'.repeat(48) },
  d: { S: 'x'.repeat(799) },
  ...(ttl ? { expires_at: { N: '1' } } : {}),
});

describe('the storage and PITR model', () => {
  test('a hand-checked example: 1,000 history items a day of 1,012 stored bytes, kept 365 days', () => {
    // With the TTL attribute (name 10 bytes + a one-digit number, 2 bytes) each item is 912 bytes, +100 overhead = 1,012 bytes.
    const history = measureTableBytes({ keyAttributes: ['pk', 'sk'], indexes: [] }, Array.from({ length: 1_000 }, (_, i) => item(i, true)), 'expires_at');
    expect(history.expiringBytes).toBe(1_012_000);
    expect(history.lastingBytes).toBe(0);
    // Half a day's events: a day writes 2,024,000 bytes; 365 days: 738,760,000 bytes = 0.68802 GB (2^30 bytes).
    const cost = steadyStateStorage([history], 0.5, 365);
    expect(cost.storedGb).toBeCloseTo(738_760_000 / GB, 9);
    expect(cost.storageUsd).toBeCloseTo(0.68802 * 0.25, 4);
    expect(cost.pitrUsd).toBeCloseTo(0.68802 * 0.2, 4);
  });

  test('lasting items are counted once; index entries count for storage, not PITR', () => {
    const table = { keyAttributes: ['pk', 'sk'], indexes: [{ name: 'byD', keyAttributes: ['d'], projection: 'KEYS_ONLY' as const }] };
    const state = measureTableBytes(table, [item(1, false), item(2, false)], 'expires_at');
    // Table: 2 × (900 + 100); index entry: pk, sk, d = 900 bytes + 100.
    expect(state.lastingBytes).toBe(2_000);
    expect(state.indexLastingBytes).toBe(2_000);
    const cost = steadyStateStorage([state], 1, 365);
    expect(cost.storedGb * GB).toBeCloseTo(4_000, 6);
    expect(cost.pitrGb * GB).toBeCloseTo(2_000, 6);
  });

  test('Lambda compute: GB-seconds of the billed milliseconds at the memory size', () => {
    // 2 invocations of 999.2 ms and 1 ms (billed 1,000 + 1 ms) at 512 MB, a tenth of a day: 1.001 s × 0.5 GB × 10 × 30.
    const c = lambdaComputeMonthly([999.2, 0.4], 512, 0.1);
    expect(c.gbSeconds).toBeCloseTo(150.15, 6);
    expect(c.usd).toBeCloseTo(150.15 * 0.0000133334, 9);
  });
});

describe('the drain model', () => {
  test('per-container rate is the lower of the CPU and latency bounds; total scales with concurrency', () => {
    const a = { ...DRAIN_ASSUMPTIONS, armCpuFactor: 1, requestLatencyMs: 10, inBatchParallelism: 16 };
    // 1,769 MB: one vCPU; 1 ms CPU per event → 1,000 events/s CPU-bound; 4 requests × 10 ms / 16 → 400 events/s.
    const measured = {
      events: 1000,
      handlerCpuMs: 1000,
      requests: 4000,
      writeUnits: 3000,
      indexWriteUnits: 3000,
      indexes: 3,
      statusShare: { COMPLIANT: 0.7, NON_COMPLIANT: 0.3 },
      largestRuleShare: 0.1,
    };
    const m = drainModel(measured, { memoryMb: 1769, maxConcurrency: 5, batchSize: 100 }, a);
    expect(m.cpuBoundPerContainer).toBeCloseTo(1000, 6);
    expect(m.latencyBoundPerContainer).toBeCloseTo(400, 6);
    expect(m.boundBy).toBe('latency');
    expect(m.total).toBeCloseTo(2000, 6);
    expect(m.drainMinutes).toBeCloseTo(1e6 / 2000 / 60, 6);
    // 2,000 events/s × 70% × 1 unit per index / 16 shards.
    expect(m.statusShardWcu).toBeCloseTo(87.5, 6);
    expect(m.pass).toBe(true);
    // 20 ms CPU per event at 512 MB (0.289 vCPU): 14.5 events/s per container, 72 in all: 230 minutes.
    const slow = drainModel({ ...measured, handlerCpuMs: 20_000 }, { memoryMb: 512, maxConcurrency: 5, batchSize: 100 }, a);
    expect(slow.boundBy).toBe('cpu');
    expect(slow.pass).toBe(false);
  });
});
