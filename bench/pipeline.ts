/**
 * Run a workload through the shipped HandleConfigEvents bundle the way the master runs it in AWS:
 * SQS batches (default 100, the construct's default batch size) from the buffer queue, partial batch
 * responses, redelivery of reported failures, a redrive after `maxReceiveCount` receives.
 *
 * Everything the handler touches is local and measured: DynamoDB is dynalite behind the capacity
 * proxy (billed write/read units), SNS and SQS are the recording endpoint (notifications, dead-letter
 * messages). Tables and environment come from the master's synthesized template.
 */
import { compareState, CurrentItemPredicate, defaultCurrentItem, readComplianceTable, StateComparison } from './compare-state';
import { countDuplicateNotifications } from './notification-duplicates';
import { Workload } from './workload';
import { CapacityReport } from '../demo/local/capacity-proxy';
import { CfnTemplate } from '../demo/local/dynamodb-from-template';
import { sumEmfMetrics } from '../demo/local/emf-metrics';
import { eventSourceSettings } from '../demo/local/handler-environment';
import { indexOfMessageId, invoke, SqsEvent, toSqsRecord } from '../demo/local/lambda-runner';
import { startLocalMaster } from '../demo/local/local-master';

export interface PipelineOptions {
  readonly bundle: string;
  readonly template: CfnTemplate;
  /** @default the template's event source mapping BatchSize, else 100 */
  readonly batchSize?: number;
  /** Receives before SQS moves a record to the buffer's dead-letter queue. @default the buffer queue's redrive policy, else 5 */
  readonly maxReceiveCount?: number;
  readonly onProgress?: (done: number, total: number, invocations: number) => void;
  /** @default every 20 batches */
  readonly progressEveryBatches?: number;
  readonly isCurrentItem?: CurrentItemPredicate;
}

export interface PipelineResult {
  readonly batchSize: number;
  readonly maxReceiveCount: number;
  readonly invocations: number;
  readonly deliveries: number;
  /** Records the handler reported failed and SQS delivered again. */
  readonly redeliveries: number;
  /** Records that failed `maxReceiveCount` times (SQS would redrive them to the buffer's DLQ). */
  readonly redriven: number;
  /** Invocations that threw (Lambda fails the whole batch). */
  readonly handlerErrors: number;
  readonly firstHandlerError?: string;
  readonly capacity: CapacityReport;
  readonly notifications: number;
  /** Messages about an evaluation already notified. */
  readonly duplicateNotifications: number;
  /** Messages the handler itself sent to the dead-letter queue (unprocessable records). */
  readonly deadLettered: number;
  readonly deadLetterReasons: Record<string, number>;
  readonly wallMs: number;
  /** Sum of invocation durations here (not Lambda's billed duration). */
  readonly busyMs: number;
  readonly loadMs: number;
  /** The handler's own EMF metrics, summed. */
  readonly metrics: Record<string, number>;
  readonly state: StateComparison;
  readonly environment: Record<string, string>;
}

export async function runPipeline(workload: Workload, options: PipelineOptions): Promise<PipelineResult> {
  const local = await startLocalMaster({ template: options.template, bundle: options.bundle, measureCapacity: true });
  const { recording: rec, capacity: proxy, environment, loaded } = local;
  const ddb = local.db.client();
  try {
    const source = eventSourceSettings(options.template, local.handlerFunction.logicalId);
    const batchSize = options.batchSize ?? source?.batchSize ?? 100;
    const maxReceive = options.maxReceiveCount ?? source?.maxReceiveCount ?? 5;
    const deliveries = workload.deliveries;
    const receives = new Map<number, number>();
    let retry: number[] = [];
    let next = 0;
    let invocations = 0;
    let redeliveries = 0;
    let redriven = 0;
    let handlerErrors = 0;
    let firstHandlerError: string | undefined;
    let busyMs = 0;
    const logs: string[] = [];
    const every = options.progressEveryBatches ?? 20;
    const started = Date.now();

    while (next < deliveries.length || retry.length > 0) {
      // Failed records come back first (their visibility timeout ran out), then new ones fill the batch.
      const indices = retry.splice(0, batchSize);
      while (indices.length < batchSize && next < deliveries.length) indices.push(next++);
      const event: SqsEvent = {
        Records: indices.map((i) => {
          const n = (receives.get(i) ?? 0) + 1;
          receives.set(i, n);
          if (n > 1) redeliveries += 1;
          return toSqsRecord(deliveries[i], i, n);
        }),
      };
      const r = await invoke(loaded, event, { captureLogs: true });
      invocations += 1;
      busyMs += r.durationMs;
      logs.push(...r.logs);
      if (r.error) {
        handlerErrors += 1;
        firstHandlerError ??= r.error.stack ?? r.error.message;
      }
      const failed = r.failedMessageIds.map(indexOfMessageId);
      retry = [...retry, ...failed.filter((i) => (receives.get(i) ?? 0) < maxReceive)];
      redriven += failed.filter((i) => (receives.get(i) ?? 0) >= maxReceive).length;
      if (invocations % every === 0) options.onProgress?.(Math.min(next, deliveries.length), deliveries.length, invocations);
    }
    const wallMs = Date.now() - started;

    const sent = rec.sent();
    const reasons: Record<string, number> = {};
    for (const m of sent) {
      const reason = (m.MessageAttributes.reason?.StringValue ?? '(no reason attribute)').slice(0, 80);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    const complianceTable = environment.COMPLIANCE_TABLE_NAME;
    const actual = await readComplianceTable(ddb, complianceTable, options.isCurrentItem ?? defaultCurrentItem);
    return {
      batchSize,
      maxReceiveCount: maxReceive,
      invocations,
      deliveries: deliveries.length,
      redeliveries,
      redriven,
      handlerErrors,
      firstHandlerError,
      capacity: proxy!.report(),
      notifications: rec.published().length,
      duplicateNotifications: countDuplicateNotifications(rec.published()),
      deadLettered: sent.length,
      deadLetterReasons: reasons,
      wallMs,
      busyMs,
      loadMs: loaded.loadMs,
      metrics: sumEmfMetrics(logs),
      state: compareState(actual, workload.expected),
      environment,
    };
  } finally {
    ddb.destroy();
    await local.close();
  }
}
