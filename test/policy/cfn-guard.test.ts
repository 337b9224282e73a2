import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildExampleApp } from '../../demo/example-app';
import { defaultPropsApp } from '../support/policy-apps';
import { GUARD_BINARY, GUARD_RULES, GuardException, guardApp, unexcused } from '../support/policy-checks';

const FUNCTIONS_OUTSIDE_A_VPC = new RegExp('(HandleConfigEvents|Reconciliation|DailyReportFunction|ComplianceApiHandler'
  + '|AccountActivityCheckFunction|EnrichedForwarderFunction|HistoryArchiveFunction|ServiceLinkedRoleFunction)[0-9A-F]{8}$');

/** Policy choices of the constructs, also justified in docs/guide/policy-checks.md. */
const EXCEPTIONS: GuardException[] = [
  {
    control: 'CT.LAMBDA.PR.3',
    resources: FUNCTIONS_OUTSIDE_A_VPC,
    reason: 'The functions only call regional AWS APIs (DynamoDB, SQS, SNS, S3, EventBridge, Config, IAM for the one-shot '
      + 'service-linked-role custom resource) that IAM scopes to their own resources; a VPC would add NAT or interface '
      + 'endpoints (cost, failure modes) and protect nothing.',
  },
  {
    control: 'CT.S3.PR.9',
    resources: /(DeliveryBucket|AccessLogsBucket|DailyReportBucket|HistoryArchiveBucket)[0-9A-F]{8}$/,
    reason: 'Object Lock: AWS Config does not deliver to a bucket with Object Lock, daily reports overwrite latest/ and expire '
      + 'through lifecycle rules, the history archive rewrites an object when a stream batch is retried, and access-log buckets '
      + 'expire their logs; versioning keeps every overwritten object.',
  },
  {
    control: 'CT.S3.PR.2',
    resources: /AccessLogsBucket[0-9A-F]{8}$/,
    reason: 'The access-log bucket is the server access logging target itself: logging it would log into itself.',
  },
  {
    control: 'CT.S3.PR.10',
    resources: /AccessLogsBucket[0-9A-F]{8}$/,
    reason: 'S3 server access logs can only be delivered to a bucket encrypted with SSE-S3, not with a KMS key.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resources: /ServiceLinkedRoleLogGroup[0-9A-F]{8}$/,
    reason: 'The log group of the one-shot custom resource that creates the Config service-linked role at deploy time holds '
      + 'only CloudFormation request logs; CloudWatch Logs encrypts it at rest.',
  },
];

/** Only without a customer-managed key or an alarm topic, which the user chooses. */
const DEFAULT_PROPS_EXCEPTIONS: GuardException[] = [
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resources: /LogGroup[0-9A-F]{8}$/,
    reason: 'CloudWatch Logs always encrypts log data at rest; a customer-managed key is used when encryptionKey is given. '
      + 'Creating a key by default would cost every user a key and a key policy to maintain.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.1',
    resources: /Alarm[0-9A-F]{8}$/,
    reason: 'Alarm actions go to a topic the user chooses (dashboard.alarmTopic, recording alarmTopic); without one the alarms '
      + 'still show their state on the dashboard.',
  },
  {
    control: 'CT.S3.PR.10',
    resources: /DeliveryBucket[0-9A-F]{8}$/,
    reason: 'Without a customer-managed key the delivery bucket uses SSE-S3, which AWS Config supports everywhere; pass '
      + 'DeliveryDestination.newBucket({ encryptionKey }) for SSE-KMS.',
  },
];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('the cfn-guard binary and the Control Tower rules are where the test expects them', () => {
  expect(fs.existsSync(GUARD_BINARY)).toBe(true);
  expect(fs.readdirSync(GUARD_RULES).length).toBeGreaterThan(30);
});

describe('Control Tower proactive controls over the example app', () => {
  // Prepare: one synth of the whole example organization, guard over every template.
  const findings = guardApp(buildExampleApp(path.join(outdir, 'example')), { oneControlEach: true });

  test('every template is checked', () => {
    expect(fs.readdirSync(path.join(outdir, 'example')).filter((f) => f.endsWith('.template.json'))).toHaveLength(6);
  });

  // The management account's agent in the rollout's stack has the rollout guide's props: no customer-managed key,
  // no alarm topic, so the default-props exceptions apply to it (and to it only); its StackSets pass every control.
  const ROLLOUT_TEMPLATE = 'ConfigMonitoringRollout.template.json';

  test('no failures beyond the documented exceptions', () => {
    expect(unexcused(findings.filter((f) => f.template !== ROLLOUT_TEMPLATE), EXCEPTIONS)).toEqual([]);
  });

  test('the rollout\'s stack: its StackSets pass every control, its own agent has only the default-props exceptions', () => {
    const rollout = findings.filter((f) => f.template === ROLLOUT_TEMPLATE);
    expect(rollout.length).toBeGreaterThan(0);
    expect(rollout.filter((f) => !f.resource.startsWith('ManagementAccountAgent'))).toEqual([]);
    expect(unexcused(rollout, [...EXCEPTIONS, ...DEFAULT_PROPS_EXCEPTIONS])).toEqual([]);
  });

  test('the agent stacks that adopt an existing recorder pass every control', () => {
    expect(findings.filter((f) => f.template.startsWith('ConfigMonitoringAgent-333333333333'))).toEqual([]);
  });

  test('every exception is still needed, and carries its reason', () => {
    for (const exception of EXCEPTIONS) {
      expect(findings.some((f) => f.control === exception.control)).toBe(true);
      expect(exception.reason.length).toBeGreaterThan(40);
    }
  });
});

describe('Control Tower proactive controls over a master and an agent with default props', () => {
  const app = defaultPropsApp(path.join(outdir, 'defaults'));
  const findings = guardApp(app, { oneControlEach: true });

  test('no failures beyond the documented exceptions', () => {
    expect(unexcused(findings, [...EXCEPTIONS, ...DEFAULT_PROPS_EXCEPTIONS])).toEqual([]);
  });

  test('every default-props exception is still needed', () => {
    for (const exception of DEFAULT_PROPS_EXCEPTIONS) {
      expect(findings.some((f) => f.control === exception.control && exception.resources.test(f.resource))).toBe(true);
    }
  });
});
