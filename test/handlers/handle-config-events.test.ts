/* eslint-disable @typescript-eslint/no-require-imports -- modules loaded fresh per test need require() */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { complianceChangeEvent, sqsRecord } from '../support/config-events';
import { startLocalDynamoDb, type LocalDynamoDb } from '../support/local-dynamodb';
import { masterTableSpecs } from '../support/master-tables';

let db: LocalDynamoDb;
const originalEnv = { ...process.env };
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => {
  process.env = originalEnv;
  await db.close();
});

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** Loads the handler module fresh (it reads its environment at load), with the SDK clients of that same module registry mocked. */
function loadHandler(env: Record<string, string>) {
  Object.assign(process.env, env);
  let loaded: { handler: Handler; sns: ReturnType<typeof mockClient>; sqs: ReturnType<typeof mockClient> } | undefined;
  jest.isolateModules(() => {
    const sns = mockClient(require('@aws-sdk/client-sns').SNSClient as typeof SNSClient);
    const sqs = mockClient(require('@aws-sdk/client-sqs').SQSClient as typeof SQSClient);
    sns.onAnyCommand().resolves({ MessageId: 'm' });
    sqs.onAnyCommand().resolves({ MessageId: 'd' });
    loaded = { handler: require('../../src/handlers/handle-config-events.lambda').handler, sns, sqs };
  });
  return loaded!;
}

describe('HandleConfigEvents handler', () => {
  test('wires the environment the construct sets: tables, topic, dead-letter queue and retention', async () => {
    const tables = await db.createTables();
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    // Powertools writes WARN and ERROR lines to stderr (Lambda sends both streams to the log group).
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { handler, sns, sqs } = loadHandler({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      COMPLIANCE_TABLE_NAME: tables.complianceTable,
      EVENTS_TABLE_NAME: tables.eventsTable,
      NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:t',
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/dlq',
      HISTORY_RETENTION_DAYS: '7',
      CONFIGURATION_ITEM_HISTORY: 'RESOURCES_WITH_COMPLIANCE',
      SILENT_AFTER_SECONDS: '86400',
      AWS_LAMBDA_FUNCTION_NAME: 'handle-config-events',
    });
    const event = complianceChangeEvent({ id: 'e1', account: '222222222222', region: 'eu-west-1', resourceType: 'AWS::S3::Bucket', resourceId: 'logs', rule: 's3-bucket-ssl-requests-only', status: 'NON_COMPLIANT', recordedAt: '2026-11-20T10:00:00.000Z' });

    const response = await handler({ Records: [sqsRecord(event, 'm1'), sqsRecord('garbage', 'm2')] });

    const written = stdout.mock.calls.map(([line]) => String(line));
    const warnings = stderr.mock.calls.map(([line]) => JSON.parse(String(line)));
    stdout.mockRestore();
    stderr.mockRestore();
    expect(warnings).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'record sent to the dead-letter queue', messageId: 'm2' }));
    expect(response).toEqual({ batchItemFailures: [] });
    const items = (await db.documentClient.send(new ScanCommand({ TableName: tables.complianceTable }))).Items!
      .filter((item) => item.item_type !== 'ACCOUNT_ACTIVITY');
    expect(items[0]).toMatchObject({ resource_id: 'logs', compliance_status: 'NON_COMPLIANT' });
    const [history] = (await db.documentClient.send(new ScanCommand({ TableName: tables.eventsTable }))).Items!;
    expect(history.expires_at).toBe(Date.parse('2026-11-20T10:00:00.000Z') / 1000 + 7 * 86400);
    expect((sns.calls()[0].args[0].input as { TopicArn: string }).TopicArn).toBe('arn:aws:sns:eu-west-1:111111111111:t');
    expect((sqs.calls()[0].args[0].input as { QueueUrl: string }).QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/111111111111/dlq');
    const emf = written.map((line) => JSON.parse(line)).find((doc) => doc._aws);
    expect(emf).toMatchObject({ FunctionName: 'handle-config-events', EventsProcessed: 1, EventsDeadLettered: 1, NotificationsSent: 1 });
    sns.restore();
    sqs.restore();
  });

  test('fails at load, naming the variable, when deployed without its construct', () => {
    delete process.env.COMPLIANCE_TABLE_NAME;

    expect(() => jest.isolateModules(() => require('../../src/handlers/handle-config-events.lambda'))).toThrow(/COMPLIANCE_TABLE_NAME is not set/);
  });
});
