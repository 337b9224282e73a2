import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../../demo/example-app';
import { masterVariantsApp } from '../support/policy-apps';
import { acknowledgements, describeViolations, nag, removeAcknowledgements } from '../support/policy-checks';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag AwsSolutions over the example app', () => {
  // Prepare: one synth of the whole example organization.
  const app = buildExampleApp(path.join(outdir, 'example'));
  const violations = nag(app);

  test('no unacknowledged errors or warnings', () => {
    expect(describeViolations(violations)).toEqual([]);
  });

  test('every acknowledgement sits on a resource construct, never on a stack or the app, and says why', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(Stack.isStack(ack.construct) || App.isApp(ack.construct)).toBe(false);
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });

  test('the acknowledgements are exactly the expected ones', () => {
    const acks = [...new Set(acknowledgements(app).map((ack) => `${ack.id} at ${ack.path}`))].sort();
    const master = 'ConfigMonitoringMaster/Monitoring';
    const api = `${master}/ComplianceApi/Resource`;
    const perRecordingAgent = (region: string) => {
      const agent = `ConfigMonitoringAgent-222222222222-${region}`;
      const remediation = `${agent}/Agent/ComplianceRules/RestrictedSshRemediationRole`;
      return [
        `AwsSolutions-IAM5[Resource::*] at ${remediation}`,
        `AwsSolutions-IAM5[Resource::arn:aws:ec2:${region}:222222222222:security-group/*] at ${remediation}`,
      ];
    };
    const expected = [
      `AwsSolutions-APIG3 at ${api}/DeploymentStage.v1`,
      `AwsSolutions-COG4 at ${api}/Default/compliance/GET`,
      `AwsSolutions-COG4 at ${api}/Default/resources/{account}/{region}/{resourceType}/{resourceId}/GET`,
      `AwsSolutions-COG4 at ${api}/Default/resources/{account}/{region}/{resourceType}/{resourceId}/history/GET`,
      `AwsSolutions-COG4 at ${api}/Default/summary/GET`,
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSConfigRoleForOrganizations] at ${master}/Reconciliation/AggregatorRole`,
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs] at ${api}/CloudWatchRole`,
      `AwsSolutions-IAM5[Resource::<MonitoringDailyReportBucket298A8124.Arn>/latest/*] at ${master}/DailyReport/Role`,
      `AwsSolutions-IAM5[Resource::<MonitoringDailyReportBucket298A8124.Arn>/reports/*] at ${master}/DailyReport/Role`,
      `AwsSolutions-IAM5[Resource::<MonitoringHistoryArchiveBucket607EA783.Arn>/history/*] at ${master}/HistoryArchive/Role`,
      `AwsSolutions-SQS3 at ${master}/HistoryArchive/DeadLetterQueue`,
      ...perRecordingAgent('eu-west-1'),
      ...perRecordingAgent('us-east-1'),
      'AwsSolutions-SQS3 at ConfigMonitoringAgent-333333333333-eu-west-1/Agent/DeadLetterQueue',
      'AwsSolutions-SQS3 at ConfigMonitoringAgent-333333333333-us-east-1/Agent/DeadLetterQueue',
      'AwsSolutions-SQS3 at ConfigMonitoringRollout/ManagementAccountAgent/DeadLetterQueue',
    ].sort();
    expect(acks).toEqual(expected);
  });

  test('the acknowledgements hide nothing else, and each still hides a finding', () => {
    // Prepare: the same app, acknowledgements removed from the metadata (test only: constructs offers no public
    // way to remove metadata), so that an acknowledgement that no longer hides anything is noticed.
    const acks = acknowledgements(app);
    const bare = buildExampleApp(path.join(outdir, 'bare'));
    removeAcknowledgements(bare);
    const found = nag(bare).flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '(no construct path)' })));
    const hiddenBy = (f: { rule: string; path: string }) => acks.find((ack) =>
      (f.path === ack.path || f.path.startsWith(`${ack.path}/`)) && (ack.id === f.rule || ack.id.startsWith(`${f.rule}[`)));
    expect(found.filter((f) => !hiddenBy(f)).map((f) => `${f.rule} at ${f.path}`)).toEqual([]);
    // Some acknowledgements are written twice (once per statement of a role): compare by rule and path.
    const key = (ack: { id: string; path: string }) => `${ack.id} at ${ack.path}`;
    const hiding = new Set(found.map(hiddenBy).filter((ack) => ack !== undefined).map((ack) => key(ack!)));
    expect([...new Set(acks.map(key))].filter((ack) => !hiding.has(ack))).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions over other master configurations', () => {
  test('defaults (no customer-managed key), accounts list, own topic and own bus: no findings', () => {
    expect(describeViolations(nag(masterVariantsApp(path.join(outdir, 'variants'))))).toEqual([]);
  });
});
