import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ruleScopeKey, type AggregatorReader, type RulePage } from './aggregator-reader';
import { DeadlineReached } from './backoff';
import { emptyCounts, HASHES_PER_CHUNK, type CursorState, type PassCounts, type PassState, type ReconciliationStateStore } from './reconciliation-state';
import { hash53, itemKey, scopeKey, type SeenSet } from './seen-set';
import type { ComplianceResult } from '../models/compliance-result';
import type { Logger } from '../observability/logger';
import { applyComplianceResult } from '../pipeline/apply-compliance-result';
import type { WriteContext } from '../pipeline/write-context';
import { isRuleSortKey, resourceKey, ruleSortKey } from '../store/keys';

/** Items written at once: enough to hide DynamoDB latency, few enough to stay far from any partition limit. */
const WRITE_CONCURRENCY = 16;

/** How many healed and how many retired keys one log line names: enough to investigate, small enough for one event. */
const DRIFT_SAMPLE = 10;

/** The only statuses the aggregator reports per resource (API reference, AggregateEvaluationResult.ComplianceType). */
const AGGREGATED_STATUSES = new Set(['COMPLIANT', 'NON_COMPLIANT']);

export interface ReconciliationDependencies {
  readonly reader: AggregatorReader;
  readonly state: ReconciliationStateStore;
  /** The event handler's write context: reconciliation writes through the same path. */
  readonly context: WriteContext;
  readonly documentClient: DynamoDBDocumentClient;
  readonly complianceTableName: string;
  readonly logger: Logger;
  readonly now: () => number;
  /** Epoch ms by which the invocation stops working and saves its cursor. */
  readonly deadlineMs: number;
  /** How long a started invocation holds the cursor: its timeout, so a crashed one frees it when it is surely dead. */
  readonly leaseMs: number;
  /** The least time between the starts of two passes. */
  readonly intervalMs: number;
  /** Items evaluated less than this before a pass started are never retired by it (the aggregator lags its sources). */
  readonly retirementGraceMs: number;
  /** How often a long invocation saves its cursor, so a crash repeats little work. */
  readonly checkpointEveryMs: number;
  /** Told before anything is written whether this pass is the first complete one (the baseline). */
  readonly onBaseline?: (baseline: boolean) => void;
}

export type RunOutcome =
  /** Another invocation holds the cursor. */
  | 'busy'
  /** No pass due yet. */
  | 'idle'
  /** Worked until the deadline; the next invocation resumes. */
  | 'progress'
  /** Finished a pass. */
  | 'completed';

export interface ReconciliationRun {
  readonly outcome: RunOutcome;
  /** This invocation's share. */
  readonly counts: PassCounts;
  /** The whole pass, when this invocation completed it. */
  readonly passCounts?: PassCounts;
  readonly throttled: number;
  readonly driftSample: string[];
}

/**
 * One invocation of the reconciliation: resumes the unfinished pass, or starts one when the interval has passed.
 *
 * A pass reads every (account, region, rule) of the aggregator (DescribeAggregateComplianceByConfigRules) and every
 * evaluation of each (GetAggregateComplianceDetailsByConfigRule), applies each through the event handler's write
 * path (newest wins, so a newer event-driven state is never overwritten) and remembers what it saw; then it scans
 * the compliance table once and retires the items the aggregator no longer reports.
 */
export async function reconcile(deps: ReconciliationDependencies): Promise<ReconciliationRun> {
  const cursor = await deps.state.read();
  const now = deps.now();
  const none = { counts: emptyCounts(), throttled: 0, driftSample: [] };
  if (cursor.leaseUntilMs > now) return { outcome: 'busy', ...none };
  if (!cursor.pass && cursor.lastPassStartedAtMs !== undefined && now - cursor.lastPassStartedAtMs < deps.intervalMs) {
    return { outcome: 'idle', ...none };
  }
  const pass = cursor.pass ?? newPass(now);
  const leased: CursorState = {
    ...cursor, version: cursor.version + 1, leaseUntilMs: now + deps.leaseMs, pass: { ...pass, invocations: pass.invocations + 1 },
  };
  if (!(await deps.state.write(leased, cursor))) return { outcome: 'busy', ...none };
  if (!cursor.pass) deps.logger.info('reconciliation pass started', { passId: pass.id });
  deps.onBaseline?.(cursor.completedPasses === 0);
  return new PassRunner(deps, leased).run();
}

function newPass(now: number): PassState {
  return { id: String(now), startedAtMs: now, phase: 'evaluate', ruleIndex: 0, chunks: 0, complete: true, invocations: 0, counts: emptyCounts() };
}

/** Thrown when another invocation took the cursor: this one stops without writing more. */
class LeaseLost extends Error {
  constructor() {
    super('another invocation took the reconciliation cursor');
    this.name = 'LeaseLost';
  }
}

class PassRunner {
  private pass: PassState;
  private pendingHashes: number[] = [];
  private readonly counts = emptyCounts();
  private readonly driftSample: string[] = [];
  private lastCheckpointMs: number;
  private restarted = false;

  constructor(private readonly deps: ReconciliationDependencies, private cursor: CursorState) {
    this.pass = cursor.pass!;
    this.lastCheckpointMs = deps.now();
  }

  async run(): Promise<ReconciliationRun> {
    try {
      await this.evaluate();
      const passCounts = await this.sweepAndFinish();
      return this.result('completed', passCounts);
    } catch (error) {
      if (error instanceof LeaseLost) {
        this.deps.logger.warn('reconciliation stopped: the cursor was taken over', { passId: this.pass.id });
        return this.result('busy');
      }
      // Keep what was done: a deadline is the normal way out of a long pass, a failure resumes at the next trigger.
      await this.checkpoint(true);
      if (error instanceof DeadlineReached) return this.result('progress');
      throw error;
    }
  }

  private result(outcome: RunOutcome, passCounts?: PassCounts): ReconciliationRun {
    return { outcome, counts: this.counts, passCounts, throttled: this.deps.reader.throttled, driftSample: this.driftSample };
  }

  // ---- evaluate phase --------------------------------------------------------------------------------------------

  private async evaluate(): Promise<void> {
    while (this.pass.phase === 'evaluate') {
      this.checkDeadline();
      let page: RulePage;
      try {
        page = await this.deps.reader.describeRules(this.pass.describeToken);
      } catch (error) {
        if ((error as Error).name !== 'InvalidNextTokenException' || this.restarted) throw error;
        await this.restartPass();
        continue;
      }
      for (let index = this.locate(page); index < page.rules.length; index++) {
        const rule = page.rules[index];
        this.pass = { ...this.pass, ruleIndex: index, ruleKey: ruleScopeKey(rule) };
        this.seen(scopeKey(rule.account, rule.region));
        if (this.pass.detailsToken === undefined) this.count('rules');
        do {
          this.checkDeadline();
          const evaluations = await this.deps.reader.evaluations(rule, this.pass.detailsToken);
          await this.applyAll(evaluations.results);
          this.count('invalid', evaluations.invalid);
          this.pass = { ...this.pass, detailsToken: evaluations.nextToken };
          await this.maybeCheckpoint();
        } while (this.pass.detailsToken !== undefined);
        const next = page.rules[index + 1];
        this.pass = { ...this.pass, ruleIndex: index + 1, ruleKey: next ? ruleScopeKey(next) : undefined };
      }
      this.pass = page.nextToken !== undefined
        ? { ...this.pass, describeToken: page.nextToken, ruleIndex: 0, ruleKey: undefined }
        : { ...this.pass, phase: 'sweep', describeToken: undefined, ruleIndex: 0, ruleKey: undefined };
      await this.maybeCheckpoint();
    }
  }

  /**
   * Where to resume in a page fetched again. The page should be the same, but rules may have come or gone since:
   * if the next rule cannot be found, a rule may be skipped, so this pass must not retire anything.
   */
  private locate(page: RulePage): number {
    if (this.pass.ruleKey === undefined) return Math.min(this.pass.ruleIndex, page.rules.length);
    const index = page.rules.findIndex((rule) => ruleScopeKey(rule) === this.pass.ruleKey);
    if (index >= 0) return index;
    this.deps.logger.warn('reconciliation could not find its place again; this pass retires nothing', { passId: this.pass.id, ruleKey: this.pass.ruleKey });
    this.pass = { ...this.pass, complete: false, detailsToken: undefined };
    return Math.min(this.pass.ruleIndex, page.rules.length);
  }

  /** The aggregator forgot our page token (it expired between invocations): start the pass over. */
  private async restartPass(): Promise<void> {
    this.restarted = true;
    this.deps.logger.warn('reconciliation page token expired; the pass starts over', { passId: this.pass.id });
    await this.deps.state.deleteChunks(this.pass.id);
    this.pendingHashes = [];
    this.pass = { ...newPass(this.deps.now()), invocations: 1 };
    await this.checkpoint(false);
  }

  private async applyAll(results: ComplianceResult[]): Promise<void> {
    await forEachLimited(results, WRITE_CONCURRENCY, async (result) => {
      const pk = resourceKey(result);
      const sk = ruleSortKey(result.configRuleName);
      this.seen(itemKey(pk, sk));
      this.count('evaluations');
      // The aggregator's evaluation overrules a stored one it should have reported by now: one forged, or dated in
      // the future, before the write path checked senders and times.
      const { outcome } = await applyComplianceResult(result, this.deps.context, {
        authoritativeBeforeMs: this.pass.startedAtMs - this.deps.retirementGraceMs,
        logger: this.deps.logger,
      });
      switch (outcome) {
        case 'transition':
          this.count('healed');
          this.sampleDrift('healed', `healed ${pk} ${sk} ${result.complianceStatus}`);
          break;
        case 'refreshed': this.count('refreshed'); break;
        case 'stale': this.count('stale'); break;
        case 'duplicate': this.count('unchanged'); break;
        case 'retired': this.count('deletedResource'); break;
      }
    });
  }

  // ---- sweep phase -----------------------------------------------------------------------------------------------

  private async sweepAndFinish(): Promise<PassCounts> {
    // Everything seen must be stored before it is read back.
    await this.checkpoint(false);
    if (this.pass.complete) {
      const seen = await this.deps.state.loadSeen(this.pass.id);
      const cutoff = this.pass.startedAtMs - this.deps.retirementGraceMs;
      do {
        this.checkDeadline();
        const page = await this.deps.documentClient.send(new ScanCommand({
          TableName: this.deps.complianceTableName,
          ExclusiveStartKey: this.pass.scanKey,
          ProjectionExpression: '#pk, #sk, #account, #region, #status, #at, #owed, #retired',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#sk': 'sk',
            '#account': 'account',
            '#region': 'region',
            '#status': 'compliance_status',
            '#at': 'evaluated_at_ms',
            '#owed': 'notifications',
            '#retired': 'retired_at_ms',
          },
        }));
        await forEachLimited(page.Items ?? [], WRITE_CONCURRENCY, (item) => this.sweepItem(item, seen, cutoff));
        this.pass = { ...this.pass, scanKey: page.LastEvaluatedKey };
        await this.maybeCheckpoint();
      } while (this.pass.scanKey !== undefined);
    }
    return this.finish();
  }

  private async sweepItem(item: Record<string, unknown>, seen: SeenSet, cutoffMs: number): Promise<void> {
    const { pk, sk, account, region } = item as { pk: string; sk: string; account?: string; region?: string };
    // Deletion markers and reconciliation's own items are not compliance items.
    if (!isRuleSortKey(sk) || account === undefined || region === undefined || item.retired_at_ms !== undefined) return;
    if (!seen.has(scopeKey(account, region))) {
      // An account or region the aggregator reported nothing for: it may have left the aggregator, or its
      // aggregation may be failing. Retiring its whole state on that evidence would be worse than keeping it.
      this.count('unreportedScope');
      return;
    }
    if (seen.has(itemKey(pk, sk))) return;
    const evaluatedAtMs = item.evaluated_at_ms as number;
    // The aggregator never reports NOT_APPLICABLE or INSUFFICIENT_DATA per resource: their absence proves nothing.
    if (!AGGREGATED_STATUSES.has(item.compliance_status as string)) return;
    // Newer than the pass (or the aggregator's lag): the aggregator could not have reported it yet.
    if (evaluatedAtMs >= cutoffMs) return;
    // Retiring keeps owed notifications, but the event path had better send them while the item is still current.
    if (Object.keys((item.notifications as object | undefined) ?? {}).length) return;
    if (await this.deps.context.compliance.retireIfNotNewer(pk, sk, evaluatedAtMs)) {
      this.count('retired');
      this.sampleDrift('retired', `retired ${pk} ${sk}`);
    }
  }

  private async finish(): Promise<PassCounts> {
    const passCounts = this.pass.counts;
    await this.deps.state.deleteChunks(this.pass.id);
    const now = this.deps.now();
    const next: CursorState = {
      version: this.cursor.version + 1,
      leaseUntilMs: 0,
      completedPasses: this.cursor.completedPasses + 1,
      lastPassStartedAtMs: this.pass.startedAtMs,
      lastPassCompletedAtMs: now,
    };
    if (!(await this.deps.state.write(next, this.cursor))) throw new LeaseLost();
    this.cursor = next;
    this.deps.logger.info('reconciliation pass completed', {
      passId: this.pass.id,
      durationMs: now - this.pass.startedAtMs,
      invocations: this.pass.invocations,
      drift: passCounts.healed + passCounts.retired,
      retirementSkipped: !this.pass.complete,
      ...passCounts,
    });
    return passCounts;
  }

  // ---- bookkeeping -----------------------------------------------------------------------------------------------

  private count(name: keyof PassCounts, value = 1): void {
    if (value === 0) return;
    this.counts[name] += value;
    this.pass = { ...this.pass, counts: { ...this.pass.counts, [name]: this.pass.counts[name] + value } };
  }

  private seen(key: string): void {
    this.pendingHashes.push(hash53(key));
  }

  private sampleDrift(kind: 'healed' | 'retired', line: string): void {
    if (this.driftSample.filter((sample) => sample.startsWith(kind)).length < DRIFT_SAMPLE) this.driftSample.push(line);
  }

  private checkDeadline(): void {
    if (this.deps.now() >= this.deps.deadlineMs) throw new DeadlineReached();
  }

  private async maybeCheckpoint(): Promise<void> {
    if (this.deps.now() - this.lastCheckpointMs >= this.deps.checkpointEveryMs) await this.checkpoint(false);
  }

  /**
   * Stores the hashes seen since the last checkpoint, then the position: in that order, so a crash between the two
   * repeats work (harmless: the write path is idempotent) and never forgets something seen (which would retire it).
   */
  private async checkpoint(release: boolean): Promise<void> {
    let chunks = this.pass.chunks;
    for (let start = 0; start < this.pendingHashes.length; start += HASHES_PER_CHUNK) {
      await this.deps.state.appendChunk(this.pass.id, chunks++, this.pendingHashes.slice(start, start + HASHES_PER_CHUNK));
    }
    this.pendingHashes = [];
    this.pass = { ...this.pass, chunks };
    const next: CursorState = {
      ...this.cursor,
      version: this.cursor.version + 1,
      leaseUntilMs: release ? 0 : this.cursor.leaseUntilMs,
      pass: this.pass,
    };
    if (!(await this.deps.state.write(next, this.cursor))) throw new LeaseLost();
    this.cursor = next;
    this.lastCheckpointMs = this.deps.now();
  }
}

/** Runs `task` over `items` with at most `limit` at once; the first failure rejects once the running ones settle. */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
