import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readFunctionEnvironment } from '../contract/function-environments';
import { createDocumentClient } from '../runtime/aws-clients';
import { Logger } from '../runtime/observability/logger';
import { AccountActivityRecorder, activityWriteIntervalMs } from '../runtime/pipeline/account-activity-recorder';
import { DeadLetterQueue } from '../runtime/pipeline/dead-letter';
import { processBatch } from '../runtime/pipeline/process-batch';
import { TransitionNotifier } from '../runtime/pipeline/transition-notifier';
import { CLOCK_SKEW_MS, NOTIFICATION_LEASE_MS, type WriteContext } from '../runtime/pipeline/write-context';
import { ConfigComplianceRepository } from '../runtime/store/config-compliance-repository';
import { EvaluationLog } from '../runtime/store/evaluation-log';
import { HistoryRepository } from '../runtime/store/history-repository';
import { RemediationRepository } from '../runtime/store/remediation-repository';
import { ResourceCompliancePresence } from '../runtime/store/resource-compliance-presence';

const environment = readFunctionEnvironment('HandleConfigEvents', process.env);
const documentClient = createDocumentClient();
const logger = new Logger();
const deadLetters = new DeadLetterQueue(new SQSClient({}), environment.deadLetterQueueUrl);
const context: WriteContext = {
  compliance: new ConfigComplianceRepository(documentClient, environment.complianceTableName),
  history: new HistoryRepository(documentClient, environment.eventsTableName),
  evaluations: new EvaluationLog(documentClient, environment.eventsTableName),
  notifier: new TransitionNotifier(new SNSClient({}), environment.notificationTopicArn),
  refusedNotifications: deadLetters,
  historyRetentionDays: environment.historyRetentionDays,
  configurationItemHistory: environment.configurationItemHistory,
  compliancePresence: new ResourceCompliancePresence(documentClient, environment.complianceTableName),
  remediations: new RemediationRepository(documentClient, environment.complianceTableName, environment.eventsTableName),
  clockSkewMs: CLOCK_SKEW_MS,
  notificationLeaseMs: NOTIFICATION_LEASE_MS,
  now: () => new Date(),
};
// Module scope: its memory of what it wrote and read keeps the cost near one write per account-region per interval
// (an eighth of the silent-account period, from 15 minutes to 1 hour), whatever the number of containers.
const activity = new AccountActivityRecorder(documentClient, environment.complianceTableName, {
  logger,
  writeIntervalMs: activityWriteIntervalMs(environment.silentAfterSeconds * 1000),
});

/** SQS buffer → compliance state, history and notifications. Thin: the write rules live in runtime/pipeline. */
export const handler = async (event: SQSEvent, lambdaContext?: Context): Promise<SQSBatchResponse> => {
  // A batch has no one correlation id: each line names its record (messageId), the context names the invocation.
  logger.startInvocation(lambdaContext);
  const { batchItemFailures, metrics } = await processBatch(event.Records, { context, deadLetters, logger, activity });
  metrics.flush(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'HandleConfigEvents');
  logger.info('batch processed', {
    records: event.Records.length,
    failed: batchItemFailures.length,
    transitions: metrics.get('ComplianceTransitions'),
    deadLettered: metrics.get('EventsDeadLettered'),
  });
  return { batchItemFailures };
};
