import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { readFunctionEnvironment } from '../contract/function-environments';
import { createDocumentClient } from '../runtime/aws-clients';
import { Logger } from '../runtime/observability/logger';
import { CLOCK_SKEW_MS, NOTIFICATION_LEASE_MS } from '../runtime/pipeline/write-context';
import { AggregatorReader } from '../runtime/reconciliation/aggregator-reader';
import { DEFAULT_BACKOFF } from '../runtime/reconciliation/backoff';
import { BaselineNotifier } from '../runtime/reconciliation/baseline-notifier';
import { reconcile } from '../runtime/reconciliation/reconcile';
import { reconciliationEmf } from '../runtime/reconciliation/reconciliation-metrics';
import { ReconciliationStateStore } from '../runtime/reconciliation/reconciliation-state';
import { ConfigComplianceRepository } from '../runtime/store/config-compliance-repository';
import { EvaluationLog } from '../runtime/store/evaluation-log';
import { HistoryRepository } from '../runtime/store/history-repository';

const MINUTE_MS = 60_000;
/** Evaluations recorded this long before a pass are the only ones it may retire: aggregators lag their sources. */
const RETIREMENT_GRACE_MS = 3 * 60 * MINUTE_MS;

const environment = readFunctionEnvironment('ReconcileCompliance', process.env);
const documentClient = createDocumentClient();
const logger = new Logger();
const complianceTableName = environment.complianceTableName;
const notifier = new BaselineNotifier(new SNSClient({}), environment.notificationTopicArn);
const context = {
  compliance: new ConfigComplianceRepository(documentClient, complianceTableName),
  history: new HistoryRepository(documentClient, environment.eventsTableName),
  evaluations: new EvaluationLog(documentClient, environment.eventsTableName),
  notifier,
  historyRetentionDays: environment.historyRetentionDays,
  clockSkewMs: CLOCK_SKEW_MS,
  notificationLeaseMs: NOTIFICATION_LEASE_MS,
  now: () => new Date(),
};
// One attempt per SDK call: throttling is retried by our own full-jitter backoff, which knows the deadline.
const configClient = new ConfigServiceClient({ maxAttempts: 1 });
const state = new ReconciliationStateStore(documentClient, complianceTableName);
const aggregatorName = environment.aggregatorName;
const intervalMs = environment.reconciliationIntervalMinutes * MINUTE_MS;

/** Scheduled: resumes the unfinished reconciliation pass or starts a due one. Thin: the logic lives in runtime/reconciliation. */
export const handler = async (event: { id?: string } | undefined, lambdaContext: Context): Promise<void> => {
  // The schedule's event id: one id for the run, whether EventBridge retried it or not.
  logger.startInvocation(lambdaContext, event?.id);
  const startedAt = Date.now();
  const remaining = lambdaContext.getRemainingTimeInMillis();
  // Keep a fifth of the time (at most a minute) to finish the writes in flight and save the cursor.
  const deadlineMs = startedAt + remaining - Math.min(MINUTE_MS, remaining / 5);
  const reader = new AggregatorReader(configClient, aggregatorName, { ...DEFAULT_BACKOFF, deadlineMs: () => deadlineMs });
  const run = await reconcile({
    reader,
    state,
    context,
    documentClient,
    complianceTableName,
    logger,
    now: Date.now,
    deadlineMs,
    leaseMs: remaining + 5_000,
    intervalMs,
    retirementGraceMs: RETIREMENT_GRACE_MS,
    checkpointEveryMs: MINUTE_MS,
    onBaseline: (baseline) => { notifier.baseline = baseline; },
  });
  if (run.outcome === 'busy' || run.outcome === 'idle') {
    logger.debug('reconciliation not run', { outcome: run.outcome });
    return;
  }
  const { counts } = run;
  process.stdout.write(`${JSON.stringify(reconciliationEmf(lambdaContext.functionName, {
    ReconciliationDrift: counts.healed + counts.retired,
    ReconciliationHealed: counts.healed,
    ReconciliationRetired: counts.retired,
    ReconciliationEvaluations: counts.evaluations,
    ReconciliationThrottled: run.throttled,
    ReconciliationPassesCompleted: run.outcome === 'completed' ? 1 : 0,
  }))}\n`);
  const fields = { outcome: run.outcome, ...counts, throttled: run.throttled, drift: counts.healed + counts.retired };
  if (fields.drift > 0) logger.warn('reconciliation drift', { ...fields, sample: run.driftSample });
  else logger.info('reconciliation invocation', fields);
};
