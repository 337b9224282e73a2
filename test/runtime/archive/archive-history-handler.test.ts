/* eslint-disable @typescript-eslint/no-require-imports -- modules loaded fresh per test need require() */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { historyItem, ttlRemoval } from './ttl-removal-records';

type Handler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
const originalEnv = { ...process.env };
afterEach(() => { process.env = { ...originalEnv }; });

function load() {
  Object.assign(process.env, {
    ARCHIVE_BUCKET_NAME: 'archive-bucket',
    DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/ArchiveDlq',
    AWS_REGION: 'eu-west-1',
    LOG_LEVEL: 'ERROR',
  });
  let loaded: { handler: Handler; s3: AwsClientStub<S3Client>; sqs: AwsClientStub<SQSClient> } | undefined;
  jest.isolateModules(() => {
    const s3 = mockClient(require('@aws-sdk/client-s3').S3Client as typeof S3Client);
    const sqs = mockClient(require('@aws-sdk/client-sqs').SQSClient as typeof SQSClient);
    loaded = { handler: require('../../../src/handlers/archive-history.lambda').handler, s3, sqs };
  });
  return loaded!;
}

describe('ArchiveHistory handler', () => {
  test('writes the batch to the bucket named by ARCHIVE_BUCKET_NAME and reports no failure', async () => {
    const { handler, s3 } = load();
    const record = ttlRemoval(historyItem());
    s3.resolves({});

    const response = await handler({ Records: [record] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3.calls()).toHaveLength(1);
    expect(s3.calls()[0].args[0].input).toMatchObject({
      Bucket: 'archive-bucket',
      Key: `history/dt=2025-11-20/account=222222222222/${record.dynamodb!.SequenceNumber}.json.gz`,
    });
  });

  test('an S3 error becomes a batch item failure (the records stay in the stream), not a thrown error', async () => {
    const { handler, s3 } = load();
    const record = ttlRemoval(historyItem());
    s3.rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    await expect(handler({ Records: [record] })).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }] });
  });

  test('an unarchivable record is sent to DEAD_LETTER_QUEUE_URL with its reason', async () => {
    const { handler, sqs } = load();
    const record = ttlRemoval({ ...historyItem(), account: 'unknown' });
    sqs.resolves({ MessageId: '5fea7756-0ea4-451a-a703-a558b933e274' });

    await handler({ Records: [record] });

    expect(sqs.calls()[0].args[0].input).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/ArchiveDlq',
      MessageBody: JSON.stringify(record),
      MessageAttributes: { reason: { DataType: 'String', StringValue: 'account "unknown" is not a 12-digit account id' } },
    });
  });

  test('fails at load when ARCHIVE_BUCKET_NAME is missing', () => {
    delete process.env.ARCHIVE_BUCKET_NAME;
    expect(() => jest.isolateModules(() => require('../../../src/handlers/archive-history.lambda'))).toThrow(/ARCHIVE_BUCKET_NAME is not set/);
  });
});
