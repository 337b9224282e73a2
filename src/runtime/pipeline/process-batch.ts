import type { SQSBatchItemFailure, SQSRecord } from 'aws-lambda';
import type { AccountActivityRecorder } from './account-activity-recorder';
import { sightingOf, type AccountSighting } from './account-sighting';
import { applyComplianceResult } from './apply-compliance-result';
import { applyConfigItem } from './apply-config-item';
import { applyRemediationResult } from './apply-remediation-result';
import type { DeadLetterQueue } from './dead-letter';
import { isPermanentFailure } from './failure-kind';
import type { WriteContext } from './write-context';
import { describeError, type Logger } from '../observability/logger';
import { MetricsBatch } from '../observability/metrics';
import { parseEventBridgeEvent } from '../parsing/parse-event';
import { InvalidEventError, type ParsedEvent } from '../parsing/parsed-event';
import { resourceKey } from '../store/keys';
import { executionKey } from '../store/remediation-repository';

export interface BatchDependencies {
  readonly context: WriteContext;
  readonly deadLetters: DeadLetterQueue;
  readonly logger: Logger;
  /** Resources processed at once; each resource's events run in order, one after the other. */
  readonly concurrency?: number;
  /** Records the accounts and regions each batch came from (at most one write per account-region per 15 minutes). */
  readonly activity?: AccountActivityRecorder;
}

export interface BatchResult {
  readonly batchItemFailures: SQSBatchItemFailure[];
  readonly metrics: MetricsBatch;
}

type StoredEvent = Exclude<ParsedEvent, { kind: 'skipped' }>;

interface WorkItem {
  readonly record: SQSRecord;
  readonly event: StoredEvent;
  readonly orderMs: number;
  readonly identity: string;
}

const DEFAULT_CONCURRENCY = 16;

/**
 * Processes one SQS batch: every record is parsed on its own, so one bad record never fails the others.
 * Records of one resource run in event-time order (fewer stale writes, history in order); resources run in parallel.
 * Identical evaluations delivered twice in the same batch are written once.
 */
export async function processBatch(records: SQSRecord[], dependencies: BatchDependencies): Promise<BatchResult> {
  const metrics = new MetricsBatch();
  const failures: SQSBatchItemFailure[] = [];
  const deadLettered: Array<{ record: SQSRecord; reason: string }> = [];
  const groups = new Map<string, WorkItem[]>();
  const sightings: AccountSighting[] = [];
  const nowMs = dependencies.context.now().getTime();

  for (const record of records) {
    let event: ParsedEvent;
    try {
      const body = parseBody(record.body);
      // Every event proves its sender forwards, whatever becomes of it (status notifications included).
      const sighting = sightingOf(body, nowMs);
      if (sighting) sightings.push(sighting);
      // The batch's clock bounds every event time: a time beyond it plus the skew is dead-lettered, never stored.
      event = parseEventBridgeEvent(body, nowMs);
    } catch (error) {
      deadLettered.push({ record, reason: reasonOf(error) });
      continue;
    }
    if (event.kind === 'skipped') {
      metrics.add('EventsSkipped');
      dependencies.logger.debug('skipped event', { messageId: record.messageId, detailType: event.detailType, reason: event.reason });
      continue;
    }
    if (event.kind === 'remediation' && !dependencies.context.remediations) {
      metrics.add('EventsSkipped');
      dependencies.logger.warn('remediation event skipped: the handler has no remediation repository', { messageId: record.messageId });
      continue;
    }
    const item = toWorkItem(record, event);
    const key = groupKey(event);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }

  // In parallel with the batch's writes; never throws, so it can never fail a record.
  const activityWrite = dependencies.activity?.record(sightings);

  await runWithConcurrency([...groups.values()], dependencies.concurrency ?? DEFAULT_CONCURRENCY, async (group) => {
    group.sort((a, b) => a.orderMs - b.orderMs);
    const done = new Map<string, boolean>();
    for (const work of group) {
      const earlier = done.get(work.identity);
      if (earlier !== undefined) {
        // Same evaluation twice in one batch: it shares the first copy's fate, so a failure redelivers both.
        if (earlier) metrics.add('StaleOrDuplicateEvents'); else failures.push({ itemIdentifier: work.record.messageId });
        continue;
      }
      const succeeded = await processOne(work, dependencies, metrics, deadLettered, failures);
      done.set(work.identity, succeeded);
    }
  });

  for (const { record, reason } of deadLettered) {
    try {
      await dependencies.deadLetters.send(record.body, reason, record.messageId);
      metrics.add('EventsDeadLettered');
      dependencies.logger.warn('record sent to the dead-letter queue', { messageId: record.messageId, reason });
    } catch (error) {
      // Not acknowledged: SQS redelivers it, and its redrive policy still ends it in the dead-letter queue.
      failures.push({ itemIdentifier: record.messageId });
      dependencies.logger.error('could not dead-letter a record', { messageId: record.messageId, reason, ...describeError(error) });
    }
  }
  await activityWrite;
  metrics.add('EventsFailed', failures.length);
  return { batchItemFailures: failures, metrics };
}

async function processOne(
  work: WorkItem,
  dependencies: BatchDependencies,
  metrics: MetricsBatch,
  deadLettered: Array<{ record: SQSRecord; reason: string }>,
  failures: SQSBatchItemFailure[],
): Promise<boolean> {
  try {
    if (work.event.kind === 'compliance') {
      const { outcome, notified } = await applyComplianceResult(work.event.result, dependencies.context, { logger: dependencies.logger });
      if (outcome === 'transition') {
        const r = work.event.result;
        metrics.add('ComplianceTransitions');
        if (r.complianceStatus === 'NON_COMPLIANT') metrics.add('NonCompliantTransitions');
        // Read by the dashboard's Contributor Insights rule (non-compliance by rule and account): keep the message and field names.
        dependencies.logger.info('compliance transition', {
          account: r.account,
          region: r.region,
          resource_type: r.resourceType,
          resource_id: r.resourceId,
          config_rule_name: r.configRuleName,
          compliance_status: r.complianceStatus,
        });
      }
      if (outcome === 'stale' || outcome === 'duplicate' || outcome === 'retired') metrics.add('StaleOrDuplicateEvents');
      if (notified) metrics.add('NotificationsSent');
    } else if (work.event.kind === 'remediation') {
      const r = work.event.result;
      const context = { ...dependencies.context, remediations: dependencies.context.remediations! };
      const { outcome, notified, linkedItem } = await applyRemediationResult(r, context);
      if (outcome !== 'recorded') metrics.add('StaleOrDuplicateEvents');
      if (notified) metrics.add('NotificationsSent');
      dependencies.logger.info('remediation execution', {
        account: r.account,
        region: r.region,
        document: r.documentName,
        execution_id: r.executionId,
        remediation_status: r.status,
        config_rule_name: r.configRuleName,
        linked: linkedItem !== undefined,
        outcome,
      });
    } else {
      const { outcome } = await applyConfigItem(work.event.item, dependencies.context);
      if (outcome === 'duplicate') metrics.add('StaleOrDuplicateEvents');
    }
    metrics.add('EventsProcessed');
    return true;
  } catch (error) {
    if (isPermanentFailure(error)) {
      deadLettered.push({ record: work.record, reason: reasonOf(error) });
      return true;
    }
    failures.push({ itemIdentifier: work.record.messageId });
    dependencies.logger.warn('record failed, SQS will redeliver it', { messageId: work.record.messageId, ...describeError(error) });
    return false;
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new InvalidEventError(`record body is not JSON: ${body.slice(0, 80)}`);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// Events of one resource run in order; the statuses of one remediation execution too.
function groupKey(event: StoredEvent): string {
  if (event.kind === 'remediation') return executionKey(event.result.account, event.result.region, event.result.executionId);
  return resourceKey(event.kind === 'compliance' ? event.result : event.item);
}

function toWorkItem(record: SQSRecord, event: StoredEvent): WorkItem {
  if (event.kind === 'compliance') {
    const r = event.result;
    return { record, event, orderMs: r.evaluatedAtMs, identity: `C|${r.configRuleName}|${r.evaluatedAtMs}|${r.complianceStatus}` };
  }
  if (event.kind === 'remediation') {
    const r = event.result;
    return { record, event, orderMs: r.eventTimeMs, identity: `R|${r.executionId}|${r.eventTimeMs}|${r.status}` };
  }
  const i = event.item;
  return { record, event, orderMs: i.capturedAtMs, identity: `I|${i.configurationStateId ?? ''}|${i.capturedAtMs}|${i.configurationItemStatus}` };
}

async function runWithConcurrency<T>(items: T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await worker(items[next++]);
  });
  await Promise.all(lanes);
}
