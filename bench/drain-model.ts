/**
 * How long one million first evaluations (a new conformance pack across a big organization) take to drain, modelled
 * from the burst measured here and the template's defaults. Everything assumed is a named constant, printed.
 */

export const DRAIN_ASSUMPTIONS = {
  /** DynamoDB request latency seen by the handler in-region (p50, SDK and network included), ms. Assumed, not measured. */
  requestLatencyMs: 8,
  /** Resources the handler processes in parallel within a batch (its in-batch parallelism). */
  inBatchParallelism: 16,
  /** CPU per unit of work on Lambda arm64 (Graviton) over this machine's core. Assumed, not measured. */
  armCpuFactor: 1.2,
  /** Lambda gives one vCPU at 1,769 MB, proportionally less below. */
  mbPerVcpu: 1769,
  /** DynamoDB's per-partition write limit, WCU/s. */
  partitionWriteLimit: 1000,
  /** Status index shards per status value (the status index spreads each status over this many partition keys). */
  statusShards: 16,
  targetMinutes: 30,
  evaluations: 1_000_000,
};

export interface BurstMeasurement {
  readonly events: number;
  /** Handler CPU here, ms (profiled). */
  readonly handlerCpuMs: number;
  /** DynamoDB requests the handler made. */
  readonly requests: number;
  readonly writeUnits: number;
  /** Write units of the compliance table's indexes. */
  readonly indexWriteUnits: number;
  readonly indexes: number;
  /** Share of the evaluations per status, and of the largest rule. */
  readonly statusShare: Record<string, number>;
  readonly largestRuleShare: number;
}

export interface DrainModel {
  readonly assumptions: typeof DRAIN_ASSUMPTIONS;
  readonly memoryMb: number;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly cpuMsPerEventHere: number;
  readonly vcpuShare: number;
  readonly cpuBoundPerContainer: number;
  readonly requestsPerEvent: number;
  readonly latencyBoundPerContainer: number;
  readonly perContainer: number;
  readonly boundBy: 'cpu' | 'latency';
  readonly total: number;
  readonly drainMinutes: number;
  /** Highest modelled write rate on one status-index shard and on one rule-index shard, WCU/s. */
  readonly statusShardWcu: number;
  readonly ruleShardWcu: number;
  readonly underPartitionLimit: boolean;
  readonly pass: boolean;
}

export function drainModel(m: BurstMeasurement, template: { memoryMb: number; maxConcurrency: number; batchSize: number },
  a = DRAIN_ASSUMPTIONS): DrainModel {
  const cpuMsPerEventHere = m.handlerCpuMs / m.events;
  const vcpuShare = Math.min(1, template.memoryMb / a.mbPerVcpu);
  const cpuBoundPerContainer = vcpuShare / ((cpuMsPerEventHere * a.armCpuFactor) / 1000);
  const requestsPerEvent = m.requests / m.events;
  const latencyBoundPerContainer = a.inBatchParallelism / ((requestsPerEvent * a.requestLatencyMs) / 1000);
  const perContainer = Math.min(cpuBoundPerContainer, latencyBoundPerContainer);
  const total = perContainer * template.maxConcurrency;
  const drainMinutes = a.evaluations / total / 60;
  const perIndexUnitsPerEvent = m.indexes ? m.indexWriteUnits / m.indexes / m.events : 0;
  const topStatus = Math.max(0, ...Object.values(m.statusShare));
  const statusShardWcu = (total * topStatus * perIndexUnitsPerEvent) / a.statusShards;
  const ruleShardWcu = (total * m.largestRuleShare * perIndexUnitsPerEvent) / a.statusShards;
  const underPartitionLimit = statusShardWcu < a.partitionWriteLimit && ruleShardWcu < a.partitionWriteLimit;
  return {
    assumptions: a,
    memoryMb: template.memoryMb,
    concurrency: template.maxConcurrency,
    batchSize: template.batchSize,
    cpuMsPerEventHere,
    vcpuShare,
    cpuBoundPerContainer,
    requestsPerEvent,
    latencyBoundPerContainer,
    perContainer,
    boundBy: cpuBoundPerContainer < latencyBoundPerContainer ? 'cpu' : 'latency',
    total,
    drainMinutes,
    statusShardWcu,
    ruleShardWcu,
    underPartitionLimit,
    pass: drainMinutes <= a.targetMinutes && underPartitionLimit,
  };
}
