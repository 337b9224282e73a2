import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { counts, evaluation, putEvaluations, smallOrganization } from './report-test-data';
import { generateDailyReport } from '../../../src/runtime/report/generate-daily-report';
import { renderReportLocally } from '../../../src/runtime/report/render-locally';
import type { DailyReport } from '../../../src/runtime/report/report-model';
import { S3ReportSink, SnsSummaryPublisher } from '../../../src/runtime/report/report-sinks';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

const BUCKET = 'config-monitoring-reports';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111111111111:compliance-transitions';
const DAY1 = new Date('2026-11-25T06:00:00.000Z');
const DAY2 = new Date('2026-11-26T06:00:00.000Z');

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
beforeEach(() => {
  s3.reset();
  sns.reset();
  // As the services answer (PutObject: ETag and, on a versioned bucket, VersionId; Publish: MessageId).
  s3.on(PutObjectCommand).callsFake(() => ({ ETag: '"0d5c1b2a"', VersionId: `v${s3.commandCalls(PutObjectCommand).length}`, ServerSideEncryption: 'AES256' }));
  sns.on(PublishCommand).resolves({ MessageId: '5a1e0f4c-0b7b-5c1e-9d0e-000000000001' });
});

function options(tables: { complianceTable: string; eventsTable: string }, now: Date) {
  return {
    client: db.documentClient,
    complianceTable: tables.complianceTable,
    eventsTable: tables.eventsTable,
    sink: new S3ReportSink(new S3Client({ region: 'eu-west-1' }), BUCKET),
    publisher: new SnsSummaryPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC_ARN),
    now,
    scanSegments: 3,
  };
}

function putObjects() {
  return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
}

describe('generateDailyReport', () => {
  test('writes JSON, CSV and HTML under reports/YYYY/MM/DD/ and latest/, dated first', async () => {
    // Prepare
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());

    // Act
    await generateDailyReport(options(tables, DAY2));

    // Assess
    expect(putObjects().map((o) => [o.Bucket, o.Key, o.ContentType, o.CacheControl])).toEqual([
      [BUCKET, 'reports/2026/11/26/compliance-report.json', 'application/json; charset=utf-8', undefined],
      [BUCKET, 'reports/2026/11/26/compliance-report.csv', 'text/csv; charset=utf-8', undefined],
      [BUCKET, 'reports/2026/11/26/compliance-report.html', 'text/html; charset=utf-8', undefined],
      [BUCKET, 'latest/compliance-report.json', 'application/json; charset=utf-8', 'no-cache'],
      [BUCKET, 'latest/compliance-report.csv', 'text/csv; charset=utf-8', 'no-cache'],
      [BUCKET, 'latest/compliance-report.html', 'text/html; charset=utf-8', 'no-cache'],
    ]);
    const json = JSON.parse(putObjects()[0].Body as string) as DailyReport;
    expect(json.current.totals).toEqual(counts({ COMPLIANT: 3, NON_COMPLIANT: 2, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 1 }));
    expect(json.changes.recentNonCompliantCount).toBe(1);
    expect(putObjects()[3].Body).toBe(putObjects()[0].Body);
  });

  test('stores the day\'s snapshot in the events table and publishes one summary with its attributes', async () => {
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());

    const result = await generateDailyReport(options(tables, DAY2));

    const { Items } = await db.documentClient.send(new QueryCommand({
      TableName: tables.eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'REPORT#daily' },
    }));
    expect(Items!.map((i) => [i.sk, i.totals.NON_COMPLIANT])).toEqual([['2026-11-26', 2]]);
    const publishes = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(publishes).toHaveLength(1);
    expect(publishes[0]).toMatchObject({
      TopicArn: TOPIC_ARN,
      Subject: 'Config compliance 2026-11-26: 60.0%, 2 non-compliant',
      MessageAttributes: {
        message_type: { DataType: 'String', StringValue: 'DAILY_REPORT' },
        report_date: { DataType: 'String', StringValue: '2026-11-26' },
      },
    });
    expect(publishes[0].Message).toContain(`Full report: s3://${BUCKET}/reports/2026/11/26/compliance-report.html`);
    expect(result.location).toBe(`s3://${BUCKET}/reports/2026/11/26/compliance-report.html`);
  });

  test('the next day compares with the stored snapshot: changes, the trend, and only newer non-compliant evaluations', async () => {
    // Prepare: day 1 as above; overnight one security group turns non-compliant.
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());
    await generateDailyReport(options(tables, DAY1));
    await putEvaluations(db.documentClient, tables.complianceTable, [
      evaluation({ resourceId: 'sg-2', configRuleName: 'restricted-ssh', complianceStatus: 'NON_COMPLIANT', evaluatedAtMs: Date.parse('2026-11-25T22:00:00.000Z') }),
    ]);
    s3.resetHistory();

    // Act
    const { report } = await generateDailyReport(options(tables, DAY2));

    // Assess
    expect(report.changes.previousDate).toBe('2026-11-25');
    expect(report.changes.totals).toMatchObject({ COMPLIANT: -1, NON_COMPLIANT: 1, total: 0 });
    expect(report.changes.byAccount).toEqual([{ key: '222222222222', nonCompliantBefore: 2, nonCompliantNow: 3, totalBefore: 4, totalNow: 4 }]);
    expect(report.changes.byRule).toEqual([{ key: 'restricted-ssh', nonCompliantBefore: 1, nonCompliantNow: 2, totalBefore: 4, totalNow: 4 }]);
    // sg-1 was evaluated at 03:00 on day 2 (after day 1's report), sg-2 at 22:00 on day 1.
    expect(report.changes.recentNonCompliant.map((r) => r.resourceId)).toEqual(['sg-1', 'sg-2']);
    expect(report.trend.map((p) => [p.date, p.nonCompliant])).toEqual([['2026-11-25', 2], ['2026-11-26', 3]]);
    expect(sns.commandCalls(PublishCommand)[1].args[0].input.Subject).toBe('Config compliance 2026-11-26: 40.0%, 3 non-compliant (+1)');
  });

  test('a second run the same day rewrites the same keys and keeps one snapshot', async () => {
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());
    await generateDailyReport(options(tables, DAY2));
    const { report } = await generateDailyReport(options(tables, new Date('2026-11-26T09:00:00.000Z')));

    expect(new Set(putObjects().map((o) => o.Key)).size).toBe(6);
    expect(report.changes.previousDate).toBeUndefined();
    const { Items } = await db.documentClient.send(new QueryCommand({
      TableName: tables.eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'REPORT#daily' },
    }));
    expect(Items!.map((i) => [i.sk, i.generated_at])).toEqual([['2026-11-26', '2026-11-26T09:00:00.000Z']]);
  });

  test('fails when S3 refuses a write, before storing the snapshot or announcing anything', async () => {
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());
    const accessDenied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    s3.on(PutObjectCommand).rejects(accessDenied);

    await expect(generateDailyReport(options(tables, DAY2))).rejects.toThrow('Access Denied');

    const { Items } = await db.documentClient.send(new QueryCommand({
      TableName: tables.eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'REPORT#daily' },
    }));
    expect(Items).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('renderReportLocally', () => {
  test('writes the same files to a folder, stores the snapshot, and sends nothing', async () => {
    // Prepare
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());
    const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-report-'));

    try {
      // Act
      const result = await renderReportLocally({ documentClient: db.documentClient, ...tables, outputDir, now: DAY2 });

      // Assess
      expect(result.location).toBe(path.join(outputDir, 'reports', '2026', '11', '26', 'compliance-report.html'));
      for (const file of result.files) {
        expect(fs.readFileSync(path.join(outputDir, file.key), 'utf-8')).toBe(file.body);
      }
      expect(result.files).toHaveLength(6);
      expect(result.summary.subject).toBe('Config compliance 2026-11-26: 60.0%, 2 non-compliant');
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
      const { Items } = await db.documentClient.send(new QueryCommand({
        TableName: tables.eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'REPORT#daily' },
      }));
      expect(Items).toHaveLength(1);
    } finally {
      fs.rmSync(outputDir, { recursive: true, force: true });
    }
  });

  test('without an events table: no history read, none stored', async () => {
    const tables = await db.createTables();
    await putEvaluations(db.documentClient, tables.complianceTable, smallOrganization());
    const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-report-'));
    try {
      const { report } = await renderReportLocally({
        documentClient: db.documentClient, complianceTable: tables.complianceTable, outputDir, now: DAY2,
      });
      expect(report.trend).toHaveLength(1);
      const { Items } = await db.documentClient.send(new QueryCommand({
        TableName: tables.eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'REPORT#daily' },
      }));
      expect(Items).toEqual([]);
    } finally {
      fs.rmSync(outputDir, { recursive: true, force: true });
    }
  });
});
