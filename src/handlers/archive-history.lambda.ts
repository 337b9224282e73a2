import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { readFunctionEnvironment } from '../contract/function-environments';
import { archiveHistory } from '../runtime/archive/archive-history';
import { S3ArchiveSink, SqsUnarchivableSink } from '../runtime/archive/archive-sinks';
import { Logger } from '../runtime/observability/logger';

const environment = readFunctionEnvironment('ArchiveHistory', process.env);
const logger = new Logger();
const sink = new S3ArchiveSink(new S3Client({}), environment.archiveBucketName);
const unarchivable = new SqsUnarchivableSink(new SQSClient({}), environment.deadLetterQueueUrl);

/** Events-table stream (TTL removals only) → gzipped JSON Lines in S3. Thin: the work is in runtime/archive. */
export const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  logger.startInvocation(context);
  const outcome = await archiveHistory(event.Records, sink, unarchivable);
  const fields = {
    records: event.Records.length,
    archived: outcome.archived,
    objects: outcome.objects.length,
    skipped: outcome.skipped,
    unarchivable: outcome.unarchivable,
    failedObjects: outcome.failedObjects,
  };
  if (outcome.failedObjects > 0) logger.error('archive objects not written, records will be retried', { ...fields, failures: outcome.response.batchItemFailures });
  else logger.info('history archived', fields);
  return outcome.response;
};
