import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HistoryArchive } from '../../../src/master/archive/history-archive';
import { createComplianceStore } from '../../../src/master/compliance-store';
import { acknowledgements, describeViolations, guardApp, nag, removeAcknowledgements } from '../../support/policy-checks';

// The same checks as test/policy/*, over the store with the archive on, with and without a customer-managed key.

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function buildApp(name: string): App {
  const app = new App({ outdir: path.join(outdir, name) });
  const env = { account: '111111111111', region: 'eu-west-1' };
  for (const withKey of [false, true]) {
    const stack = new Stack(app, withKey ? 'WithKey' : 'Defaults', { env });
    const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
    const store = createComplianceStore(stack, { encryptionKey, removalPolicy: RemovalPolicy.RETAIN, historyStream: true });
    new HistoryArchive(stack, 'HistoryArchive', { eventsTable: store.eventsTable, encryptionKey });
  }
  return app;
}

describe('cdk-nag AwsSolutions over the store with the history archive', () => {
  test('no unacknowledged findings', () => {
    expect(describeViolations(nag(buildApp('nag')))).toEqual([]);
  });

  test('the acknowledgements: IAM5 for history/* only; without them, exactly those findings remain', () => {
    const app = buildApp('bare');
    const acks = acknowledgements(app);
    expect([...new Set(acks.map((a) => `${a.id} at ${a.path}`))].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::<HistoryArchiveBucket489C1AFB.Arn>/history/*] at Defaults/HistoryArchive/Role',
      'AwsSolutions-IAM5[Resource::<HistoryArchiveBucket489C1AFB.Arn>/history/*] at WithKey/HistoryArchive/Role',
      'AwsSolutions-SQS3 at Defaults/HistoryArchive/DeadLetterQueue',
      'AwsSolutions-SQS3 at WithKey/HistoryArchive/DeadLetterQueue',
    ]);
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(40);

    removeAcknowledgements(app);
    expect(describeViolations(nag(app)).sort()).toEqual([
      'error AwsSolutions-IAM5[Resource::<HistoryArchiveBucket489C1AFB.Arn>/history/*] at Defaults/HistoryArchive/Role/DefaultPolicy/Resource',
      'error AwsSolutions-IAM5[Resource::<HistoryArchiveBucket489C1AFB.Arn>/history/*] at WithKey/HistoryArchive/Role/DefaultPolicy/Resource',
      'error AwsSolutions-SQS3 at Defaults/HistoryArchive/DeadLetterQueue/Resource',
      'error AwsSolutions-SQS3 at WithKey/HistoryArchive/DeadLetterQueue/Resource',
    ]);
  });
});

describe('Control Tower proactive controls over the store with the history archive', () => {
  const findings = guardApp(buildApp('guard'));
  const archiveFindings = findings.filter((f) => f.resource.startsWith('HistoryArchive'))
    .map((f) => `${f.control} ${f.stack} ${f.resource.replace(/[0-9A-F]{8}$/, '')}`).sort();

  test('the archive passes every control but the documented policy choices', () => {
    expect(archiveFindings).toEqual([
      // Server access logs cannot be delivered to a bucket encrypted with SSE-KMS, so the log bucket stays SSE-S3.
      'CT.S3.PR.10 Defaults HistoryArchiveAccessLogsBucket',
      'CT.S3.PR.10 WithKey HistoryArchiveAccessLogsBucket',
      // Without a customer-managed key: the archive bucket is SSE-S3 and the log group uses CloudWatch Logs' own keys.
      'CT.S3.PR.10 Defaults HistoryArchiveBucket',
      'CT.CLOUDWATCH.PR.3 Defaults HistoryArchiveLogGroup',
      // The function calls only regional APIs scoped by IAM (S3, SQS; the stream is polled by Lambda); a VPC would
      // add NAT or endpoints.
      'CT.LAMBDA.PR.3 Defaults HistoryArchiveFunction',
      'CT.LAMBDA.PR.3 WithKey HistoryArchiveFunction',
      // Object Lock: a retry rewrites an object in place (by design, so nothing is archived twice), and a lock would
      // block retention changes and clean-up; versioning keeps overwritten or deleted objects for 30 days.
      'CT.S3.PR.9 Defaults HistoryArchiveAccessLogsBucket',
      'CT.S3.PR.9 Defaults HistoryArchiveBucket',
      'CT.S3.PR.9 WithKey HistoryArchiveAccessLogsBucket',
      'CT.S3.PR.9 WithKey HistoryArchiveBucket',
      // The log bucket itself is not logged (it would need another log bucket).
      'CT.S3.PR.2 Defaults HistoryArchiveAccessLogsBucket',
      'CT.S3.PR.2 WithKey HistoryArchiveAccessLogsBucket',
    ].sort());
  });
});
