import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ConfigMonitoringMaster } from '../../../src';
import { DailyReport } from '../../../src/master/reporting/daily-report';
import { acknowledgements, describeViolations, guardApp, nag, removeAcknowledgements } from '../../support/policy-checks';

// The same checks as test/policy/*, over a master with the daily report, with and without a customer-managed key.

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function buildApp(name: string): App {
  const app = new App({ outdir: path.join(outdir, name) });
  const env = { account: '111111111111', region: 'eu-west-1' };
  for (const withKey of [false, true]) {
    const stack = new Stack(app, withKey ? 'WithKey' : 'Defaults', { env });
    const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
    const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', encryptionKey });
    new DailyReport(stack, 'DailyReport', {
      complianceTable: master.complianceTable,
      eventsTable: master.eventsTable,
      notificationTopic: master.notificationTopic,
      encryptionKey,
    });
  }
  return app;
}

describe('cdk-nag AwsSolutions over a master with the daily report', () => {
  test('no unacknowledged findings', () => {
    expect(describeViolations(nag(buildApp('nag')))).toEqual([]);
  });

  test('the acknowledgements: IAM5 for the two object prefixes only; without them, exactly those findings remain', () => {
    const app = buildApp('bare');
    const acks = acknowledgements(app);
    // Each acknowledge() call stores the construct's acknowledgements so far: count each one once.
    expect([...new Set(acks.map((a) => `${a.id} at ${a.path}`))].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/latest/*] at Defaults/DailyReport/Role',
      'AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/latest/*] at WithKey/DailyReport/Role',
      'AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/reports/*] at Defaults/DailyReport/Role',
      'AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/reports/*] at WithKey/DailyReport/Role',
    ]);
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(40);

    removeAcknowledgements(app);
    expect(describeViolations(nag(app)).sort()).toEqual([
      'error AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/latest/*] at Defaults/DailyReport/Role/DefaultPolicy/Resource',
      'error AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/latest/*] at WithKey/DailyReport/Role/DefaultPolicy/Resource',
      'error AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/reports/*] at Defaults/DailyReport/Role/DefaultPolicy/Resource',
      'error AwsSolutions-IAM5[Resource::<DailyReportBucket4B3F7319.Arn>/reports/*] at WithKey/DailyReport/Role/DefaultPolicy/Resource',
    ]);
  });
});

describe('Control Tower proactive controls over a master with the daily report', () => {
  const app = buildApp('guard');
  const findings = guardApp(app);
  const reportFindings = findings.filter((f) => f.resource.startsWith('DailyReport'))
    .map((f) => `${f.control} ${f.stack} ${f.resource.replace(/[0-9A-F]{8}$/, '')}`).sort();

  test('the report passes every control but the documented policy choices', () => {
    expect(reportFindings).toEqual([
      // Server access logs cannot be delivered to a bucket encrypted with SSE-KMS, so the log bucket stays SSE-S3.
      'CT.S3.PR.10 Defaults DailyReportAccessLogsBucket',
      // Without a customer-managed key: the report bucket is SSE-S3 and the log group uses CloudWatch Logs' own keys.
      'CT.S3.PR.10 Defaults DailyReportBucket',
      'CT.CLOUDWATCH.PR.3 Defaults DailyReportLogGroup',
      'CT.S3.PR.10 WithKey DailyReportAccessLogsBucket',
      // The function calls only regional APIs scoped by IAM (DynamoDB, S3, SNS); a VPC would add NAT or endpoints.
      'CT.LAMBDA.PR.3 Defaults DailyReportFunction',
      'CT.LAMBDA.PR.3 WithKey DailyReportFunction',
      // Object Lock: the reports are regenerable from the table; versioning and lifecycle already keep overwritten
      // or deleted objects for 30 days, and a lock would block retention changes and clean-up.
      'CT.S3.PR.9 Defaults DailyReportAccessLogsBucket',
      'CT.S3.PR.9 Defaults DailyReportBucket',
      'CT.S3.PR.9 WithKey DailyReportAccessLogsBucket',
      'CT.S3.PR.9 WithKey DailyReportBucket',
      // The log bucket itself is not logged (it would need another log bucket).
      'CT.S3.PR.2 Defaults DailyReportAccessLogsBucket',
      'CT.S3.PR.2 WithKey DailyReportAccessLogsBucket',
    ].sort());
  });
});
