/**
 * A discrete-event model of Lambda's SQS event source mapping, on a simulated clock: which records go into which
 * batch, when each batch is invoked, on which (warm or new) container, and when a failed record comes back.
 *
 * The model (our reading of the Lambda developer guide's "Using Lambda with Amazon SQS" and "Configuring scaling
 * behavior for SQS event source mappings"; the service's internals are not published):
 * - Messages reach the queue at given instants (`arrivalMs`) and are visible at once.
 * - `pollers` pollers (Lambda starts with five) long-poll the queue. A visible message goes to one poller that is
 *   polling, picked at random (seeded): SQS hands a message to whichever receive call is waiting.
 * - A poller accumulates its messages into one batch until it holds `batchSize` records, or `windowMs`
 *   (MaximumBatchingWindowInSeconds) has passed since its batch's first message, or the next message would take
 *   the payload past `maxBatchBytes` (6 MB, Lambda's synchronous invocation payload limit).
 * - A closed batch is invoked when fewer than `maxConcurrency` (ScalingConfig.MaximumConcurrency) invocations are
 *   running; otherwise the poller waits with it, and receives nothing meanwhile (the messages stay in the queue).
 * - While visible messages wait in the queue and every poller is busy, Lambda adds pollers (up to
 *   `scaleUpPerMinute` a minute, never beyond `maxConcurrency`; with the construct's defaults, five, the count stays 5).
 * - An invocation takes a free warm container (the one idle longest... here: the lowest-numbered free one), and a
 *   new container only when every existing one is busy (a cold start).
 * - Records the handler reports failed (partial batch response) become visible again when their visibility timeout,
 *   counted from their receipt, has run out (at the invocation's end at the earliest); after `maxReceiveCount`
 *   receives they are redriven to the dead-letter queue instead.
 *
 * What the simulation does not do: invocations run one after the other in real time (the handler sees the
 * simulated instant of its invocation's start, plus the real time it has been running); two invocations that
 * overlap on the simulated clock therefore do not interleave their DynamoDB requests. At the reference rate
 * invocations rarely overlap (see the report's peak concurrency). Invocation durations are measured on this
 * machine (against dynalite), not Lambda's.
 */

export interface EventSourceConfig {
  readonly batchSize: number;
  readonly windowMs: number;
  readonly maxConcurrency: number;
  /** @default 5 */
  readonly pollers?: number;
  /** @default 6 MB */
  readonly maxBatchBytes?: number;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  /** @default 300 */
  readonly scaleUpPerMinute?: number;
  /** Seed of the choice of poller. @default 'pollers' */
  readonly seed?: string;
}

export interface SimMessage {
  readonly arrivalMs: number;
  readonly bytes: number;
}

export interface BatchRecord {
  /** Index into the messages. */
  readonly index: number;
  /** ApproximateReceiveCount: > 1 for a redelivery. */
  readonly receiveCount: number;
}

export interface InvocationOutcome {
  /** How long the invocation ran, ms (on the simulated clock). */
  readonly durationMs: number;
  /** Indices of the records reported failed (all of them when the handler threw). */
  readonly failed: readonly number[];
}

export type InvokeBatch = (records: readonly BatchRecord[], startMs: number, container: number, cold: boolean) => Promise<InvocationOutcome>;

export interface InvocationLog {
  readonly startMs: number;
  readonly endMs: number;
  readonly records: number;
  readonly container: number;
  readonly cold: boolean;
  /** Why the batch closed. */
  readonly closedBy: 'size' | 'window' | 'bytes' | 'drain';
  /** How long the closed batch waited for a free concurrency slot, ms. */
  readonly waitedMs: number;
}

export interface EventSourceResult {
  readonly invocations: InvocationLog[];
  readonly containers: number;
  /** Most invocations running at once on the simulated clock. */
  readonly peakConcurrency: number;
  readonly redeliveries: number;
  readonly redriven: number;
  readonly firstArrivalMs: number;
  readonly lastEndMs: number;
  readonly meanBatchSize: number;
  readonly pollers: number;
}

/** A small seeded generator (mulberry32), enough to pick pollers reproducibly. */
export function seededRandom(seed: string): () => number {
  /* eslint-disable no-bitwise */
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /* eslint-enable no-bitwise */
}

/** Arrival instants of a Poisson process of `count` arrivals at `perSecond`, from `startMs` (seeded). */
export function poissonArrivals(count: number, perSecond: number, startMs: number, seed = 'arrivals'): number[] {
  const rnd = seededRandom(seed);
  const out: number[] = [];
  let t = startMs;
  for (let i = 0; i < count; i++) {
    t += (-Math.log(1 - rnd()) / perSecond) * 1000;
    out.push(t);
  }
  return out;
}

interface Poller {
  batch: BatchRecord[];
  bytes: number;
  firstAtMs: number;
  closedBy?: InvocationLog['closedBy'];
  closedAtMs?: number;
}

/** Run the messages through the event source on the simulated clock; `invoke` runs (or models) each batch. */
export async function simulateEventSource(messages: readonly SimMessage[], config: EventSourceConfig, invoke: InvokeBatch):
Promise<EventSourceResult> {
  const maxBytes = config.maxBatchBytes ?? 6 * 1024 * 1024;
  const rnd = seededRandom(config.seed ?? 'pollers');
  const maxPollers = Math.max(config.pollers ?? 5, config.maxConcurrency);
  const pollers: Poller[] = Array.from({ length: config.pollers ?? 5 }, () => ({ batch: [], bytes: 0, firstAtMs: 0 }));
  const order = messages.map((m, i) => ({ i, at: m.arrivalMs })).sort((a, b) => a.at - b.at || a.i - b.i);
  /** Visible (or soon visible) messages: index, when visible, receive count so far. */
  const queue: { index: number; visibleAtMs: number; receives: number }[] = [];
  let nextArrival = 0;
  const running: { endMs: number; container: number }[] = [];
  const containerBusyUntil: number[] = [];
  const invocations: InvocationLog[] = [];
  let redeliveries = 0;
  let redriven = 0;
  let peak = 0;
  let lastScaleMs = -Infinity;
  let now = order.length ? order[0].at : 0;
  const receivedAt = new Map<number, number>();

  const pending = () => nextArrival < order.length || queue.length > 0 || pollers.some((p) => p.batch.length > 0) || running.length > 0;

  const startInvocation = async (p: Poller) => {
    const records = p.batch;
    let container = containerBusyUntil.findIndex((busy) => busy <= now);
    const cold = container < 0;
    if (cold) container = containerBusyUntil.push(0) - 1;
    containerBusyUntil[container] = Infinity;
    const outcome = await invoke(records, now, container, cold);
    const endMs = now + outcome.durationMs;
    containerBusyUntil[container] = endMs;
    running.push({ endMs, container });
    peak = Math.max(peak, running.length);
    invocations.push({
      startMs: now,
      endMs,
      records: records.length,
      container,
      cold,
      closedBy: p.closedBy ?? 'drain',
      waitedMs: now - (p.closedAtMs ?? now),
    });
    const failed = new Set(outcome.failed);
    for (const r of records) {
      if (!failed.has(r.index)) continue;
      if (r.receiveCount >= config.maxReceiveCount) {
        redriven++;
      } else {
        const visibleAtMs = Math.max(endMs, (receivedAt.get(r.index) ?? now) + config.visibilityTimeoutMs);
        queue.push({ index: r.index, visibleAtMs, receives: r.receiveCount });
      }
    }
    p.batch = [];
    p.bytes = 0;
    p.closedBy = undefined;
    p.closedAtMs = undefined;
  };

  while (pending()) {
    // 1. Finished invocations free their concurrency slot.
    for (let i = running.length - 1; i >= 0; i--) if (running[i].endMs <= now) running.splice(i, 1);
    // 2. Arrivals join the queue.
    while (nextArrival < order.length && order[nextArrival].at <= now) {
      queue.push({ index: order[nextArrival].i, visibleAtMs: order[nextArrival].at, receives: 0 });
      nextArrival++;
    }
    // 3. Visible messages go to polling pollers (a poller holding a closed batch receives nothing).
    queue.sort((a, b) => a.visibleAtMs - b.visibleAtMs);
    while (queue.length > 0 && queue[0].visibleAtMs <= now) {
      const m = queue[0];
      const bytes = messages[m.index].bytes;
      const open = pollers.filter((p) => p.closedBy === undefined);
      if (open.length === 0) break;
      const p = open[Math.floor(rnd() * open.length)];
      if (p.batch.length > 0 && p.bytes + bytes > maxBytes) {
        p.closedBy = 'bytes';
        p.closedAtMs = now;
        continue;
      }
      queue.shift();
      if (p.batch.length === 0) p.firstAtMs = now;
      const receiveCount = m.receives + 1;
      if (receiveCount > 1) redeliveries++;
      receivedAt.set(m.index, now);
      p.batch.push({ index: m.index, receiveCount });
      p.bytes += bytes;
      if (p.batch.length >= config.batchSize) {
        p.closedBy = 'size';
        p.closedAtMs = now;
      }
    }
    // 4. Backlog with every poller holding a closed batch: Lambda adds pollers, at its scale-up rate.
    const backlog = queue.some((m) => m.visibleAtMs <= now);
    if (backlog && pollers.length < maxPollers && pollers.every((p) => p.closedBy !== undefined)
      && now - lastScaleMs >= 60_000 / (config.scaleUpPerMinute ?? 300)) {
      pollers.push({ batch: [], bytes: 0, firstAtMs: 0 });
      lastScaleMs = now;
      continue;
    }
    // 5. Windows that ran out close their batches; closed batches are invoked while concurrency allows.
    for (const p of pollers) {
      if (p.closedBy === undefined && p.batch.length > 0 && now >= p.firstAtMs + config.windowMs) {
        p.closedBy = 'window';
        p.closedAtMs = now;
      }
    }
    const closed = pollers.filter((p) => p.closedBy !== undefined).sort((a, b) => (a.closedAtMs ?? 0) - (b.closedAtMs ?? 0));
    for (const p of closed) {
      if (running.length >= config.maxConcurrency) break;
      await startInvocation(p);
    }
    // 6. Next instant something happens.
    const candidates: number[] = [];
    if (nextArrival < order.length) candidates.push(order[nextArrival].at);
    const waiting = queue.filter((m) => m.visibleAtMs > now);
    if (waiting.length) candidates.push(waiting.reduce((m, w) => Math.min(m, w.visibleAtMs), Infinity));
    for (const p of pollers) if (p.closedBy === undefined && p.batch.length > 0) candidates.push(p.firstAtMs + config.windowMs);
    if (running.length) candidates.push(running.reduce((m, r) => Math.min(m, r.endMs), Infinity));
    if (backlog && pollers.length < maxPollers) candidates.push(lastScaleMs + 60_000 / (config.scaleUpPerMinute ?? 300));
    const future = candidates.filter((t) => t > now);
    if (future.length === 0) {
      if (!pending()) break;
      // Nothing scheduled but something pending: batches blocked only by the concurrency cap just freed.
      if (running.length === 0 && closed.length === 0 && !queue.some((m) => m.visibleAtMs <= now)) break;
      continue;
    }
    now = future.reduce((m, t) => Math.min(m, t), Infinity);
  }

  const records = invocations.reduce((s, i) => s + i.records, 0);
  return {
    invocations,
    containers: containerBusyUntil.length,
    peakConcurrency: peak,
    redeliveries,
    redriven,
    firstArrivalMs: order.length ? order[0].at : 0,
    lastEndMs: invocations.reduce((m, i) => Math.max(m, i.endMs), 0),
    meanBatchSize: invocations.length ? records / invocations.length : 0,
    pollers: pollers.length,
  };
}
