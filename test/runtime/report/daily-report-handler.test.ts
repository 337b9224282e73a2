import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { putEvaluations, smallOrganization } from './report-test-data';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

const ENV_NAMES = ['COMPLIANCE_TABLE_NAME', 'EVENTS_TABLE_NAME', 'REPORT_BUCKET_NAME', 'NOTIFICATION_TOPIC_ARN', 'SCAN_SEGMENTS', 'READ_FLEET_COVERAGE',
  'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_LAMBDA_FUNCTION_NAME'];
const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

/** An EventBridge scheduled event as the rule delivers it. */
const SCHEDULED_EVENT: ScheduledEvent = {
  'version': '0',
  'id': '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  'source': 'aws.events',
  'account': '111111111111',
  'time': '2026-11-26T06:00:00Z',
  'region': 'eu-west-1',
  'resources': ['arn:aws:events:eu-west-1:111111111111:rule/Master-MonitoringDailyReportSchedule'],
  'detail': {},
};

let db: LocalDynamoDb;
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
let stdout: jest.SpyInstance;

beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => {
  await db.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]; else process.env[name] = value;
  }
});
beforeEach(() => {
  s3.reset();
  sns.reset();
  s3.on(PutObjectCommand).resolves({ ETag: '"0d5c1b2a"' });
  sns.on(PublishCommand).resolves({ MessageId: '5a1e0f4c-0b7b-5c1e-9d0e-000000000001' });
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => stdout.mockRestore());

type HandlerModule = typeof import('../../../src/handlers/daily-report.lambda');

/** In the shared module registry, so the SDK clients it creates are the ones aws-sdk-client-mock patched. */
function loadHandler(): HandlerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the environment is set
  return require('../../../src/handlers/daily-report.lambda');
}

/** A fresh copy, to run the module-level environment checks again. */
function loadHandlerAfresh(): HandlerModule {
  let loaded: HandlerModule | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module registry
  jest.isolateModules(() => { loaded = require('../../../src/handlers/daily-report.lambda'); });
  return loaded!;
}

describe('daily-report handler', () => {
  test('reads the tables named in its environment, writes to its bucket and topic, logs the metrics', async () => {
    // Prepare: the environment the construct sets, pointed at dynalite.
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());
    Object.assign(process.env, {
      COMPLIANCE_TABLE_NAME: tables.complianceTable,
      EVENTS_TABLE_NAME: tables.eventsTable,
      REPORT_BUCKET_NAME: 'reports-bucket',
      NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:compliance-transitions',
      SCAN_SEGMENTS: '2',
      READ_FLEET_COVERAGE: 'false',
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_LAMBDA_FUNCTION_NAME: 'Master-DailyReport',
    });
    const { handler } = loadHandler();

    // Act
    const result = await handler(SCHEDULED_EVENT);

    // Assess
    expect(result.location).toMatch(/^s3:\/\/reports-bucket\/reports\/\d{4}\/\d{2}\/\d{2}\/compliance-report\.html$/);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Bucket)).toEqual(Array(6).fill('reports-bucket'));
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.TopicArn).toBe('arn:aws:sns:eu-west-1:111111111111:compliance-transitions');
    const lines = stdout.mock.calls.map((call) => JSON.parse(String(call[0])));
    const emf = lines.find((line) => line._aws);
    expect(emf).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'ConfigMonitoring', Dimensions: [['FunctionName']] }] },
      FunctionName: 'Master-DailyReport',
      NonCompliantItems: 2,
      CompliantItems: 3,
      CompliancePercent: 60,
    });
    expect(lines.find((line) => line.message === 'daily report written')).toMatchObject({ itemsRead: 7, itemsSkipped: 0, nonCompliant: 2 });
  });

  test('fails at load when a variable the construct sets is missing', () => {
    delete process.env.REPORT_BUCKET_NAME;
    expect(() => loadHandlerAfresh()).toThrow('environment variable REPORT_BUCKET_NAME is not set');
  });
});
