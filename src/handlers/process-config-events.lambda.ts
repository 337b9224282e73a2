import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readFunctionEnvironment } from '../contract/function-environments';
import { parseForwardingSettings } from '../runtime/agent/forwarding-settings';
import { OversizedItemResolver } from '../runtime/agent/oversized-item-resolver';
import { processConfigEvents } from '../runtime/agent/process-config-events';
import { PutEventsSender } from '../runtime/agent/put-events-sender';
import { Logger } from '../runtime/observability/logger';
import { DeadLetterQueue } from '../runtime/pipeline/dead-letter';

const environment = readFunctionEnvironment('ProcessConfigEvents', process.env);
const logger = new Logger();
const settings = parseForwardingSettings(environment.forwardingSettings);
// The central bus may be in another region: the client must call that region's endpoint.
const busRegion = settings.centralEventBusArn.split(':')[3] || undefined;
const dependencies = {
  settings,
  sender: new PutEventsSender(new EventBridgeClient({ region: busRegion, retryMode: 'adaptive', maxAttempts: 3 })),
  resolver: new OversizedItemResolver(new S3Client({}), settings.oversizedItemsBucket, logger),
  deadLetters: new DeadLetterQueue(new SQSClient({}), environment.deadLetterQueueUrl),
  logger,
};

/** SQS buffer of this account's Config events → filtered, enriched events on the central bus. Thin: the rules live in runtime/agent. */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  // A batch has no one correlation id: each line names its record (messageId), the context names the invocation.
  logger.startInvocation(context);
  const { batchItemFailures, metrics } = await processConfigEvents(event.Records, dependencies);
  metrics.flush(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'ProcessConfigEvents');
  logger.info('batch processed', {
    records: event.Records.length,
    forwarded: metrics.get('EventsForwarded'),
    failed: batchItemFailures.length,
    deadLettered: metrics.get('EventsDeadLettered'),
  });
  return { batchItemFailures };
};
