/**
 * A small, readable morning in the example organization (two member accounts × two regions, the
 * agent accounts of demo/example-app.ts). Account 222222222222 forwards through the enriching agent:
 * its aws.config events first go through the agent's buffer (`agentBatches`), and the master receives
 * what the agent forwarded (`viaEnrichedAgent` deliveries). Account 333333333333 forwards directly.
 * The master's buffer queue delivers in three SQS batches, with a duplicate, out-of-order deliveries,
 * a deletion overtaken by a stale evaluation, and records that can never be processed. Afterwards the
 * reconciliation reads an aggregator that knows one evaluation the events lost and no longer knows
 * one resource whose deletion event was lost (`reconciliation`).
 *
 * Each delivery carries a note, printed as it is replayed, so the demo's output tells the story.
 * Events are built here (shapes as in the real samples), never read from ../shared at run time.
 */
import { CI_CHANGE, COMPLIANCE_CHANGE, ConfigEvent, configEvent } from '../bench/workload';

export const ACCOUNTS = ['222222222222', '333333333333'];
export const REGIONS = ['eu-west-1', 'us-east-1'];

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
const at = (minutes: number) => T0 + minutes * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

type Status = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

export interface Subject {
  readonly account: string;
  readonly region: string;
  readonly type: string;
  readonly id: string;
  readonly rule: string;
  readonly arn: string;
}

const SG: Subject = {
  account: '222222222222',
  region: 'eu-west-1',
  type: 'AWS::EC2::SecurityGroup',
  id: 'sg-0a1b2c3d4e5f60001',
  rule: 'restricted-ssh',
  arn: 'arn:aws:ec2:eu-west-1:222222222222:security-group/sg-0a1b2c3d4e5f60001',
};
const BUCKET: Subject = {
  account: '222222222222',
  region: 'us-east-1',
  type: 'AWS::S3::Bucket',
  id: 'payments-archive-222222222222',
  rule: 's3-bucket-public-read-prohibited',
  arn: 'arn:aws:s3:::payments-archive-222222222222',
};
const TRAIL: Subject = {
  account: '333333333333',
  region: 'eu-west-1',
  type: 'AWS::::Account',
  id: '333333333333',
  rule: 'cloudtrail-enabled',
  arn: 'arn:aws:iam::333333333333:root',
};
const VOLUME: Subject = {
  account: '333333333333',
  region: 'us-east-1',
  type: 'AWS::EC2::Volume',
  id: 'vol-0f1e2d3c4b5a60001',
  rule: 'encrypted-volumes',
  arn: 'arn:aws:ec2:us-east-1:333333333333:volume/vol-0f1e2d3c4b5a60001',
};
const ROLE: Subject = {
  account: '333333333333',
  region: 'us-east-1',
  type: 'AWS::IAM::Role',
  id: 'AROA3XFRBF23EXAMPLE01',
  rule: 'iam-no-inline-policy-check-conformance-pack-k2l7xq9zp',
  arn: 'arn:aws:iam::333333333333:role/deploy-pipeline',
};

const INSTANCE: Subject = {
  account: '222222222222',
  region: 'eu-west-1',
  type: 'AWS::EC2::Instance',
  id: 'i-0a1b2c3d4e5f60001',
  rule: 'rds-storage-encrypted',
  arn: 'arn:aws:ec2:eu-west-1:222222222222:instance/i-0a1b2c3d4e5f60001',
};
const inventory = (n: number): Subject => ({
  account: '222222222222',
  region: 'eu-west-1',
  type: 'AWS::SSM::ManagedInstanceInventory',
  id: `i-0a1b2c3d4e5f6000${n}`,
  rule: '',
  arn: `arn:aws:ssm:eu-west-1:222222222222:managed-instance-inventory/i-0a1b2c3d4e5f6000${n}`,
});
const SECOND_VOLUME: Subject = { ...VOLUME, id: 'vol-0f1e2d3c4b5a60002', arn: 'arn:aws:ec2:us-east-1:333333333333:volume/vol-0f1e2d3c4b5a60002' };

let idCounter = 0;
/** Envelope ids: stable across runs, distinct per event. */
const nextId = () => `7e0b2f4c-0000-4000-8000-${(++idCounter).toString().padStart(12, '0')}`;

function evaluation(s: Subject, status: Status, recordedMs: number, annotation?: string) {
  return {
    evaluationResultIdentifier: {
      evaluationResultQualifier: { configRuleName: s.rule, resourceType: s.type, resourceId: s.id },
      orderingTimestamp: iso(recordedMs - 1_200),
    },
    complianceType: status,
    resultRecordedTime: iso(recordedMs),
    configRuleInvokedTime: iso(recordedMs - 480),
    ...(annotation ? { annotation } : {}),
  };
}

/** A `Config Rules Compliance Change` event; `previous` absent on a first evaluation. */
export function complianceChange(
  s: Subject, status: Status, recordedMs: number, previous?: { status: Status; recordedMs: number }, annotation?: string,
): ConfigEvent {
  const notified = recordedMs + 900;
  const detail: Record<string, unknown> = {
    awsAccountId: s.account,
    configRuleName: s.rule,
    configRuleARN: `arn:aws:config:${s.region}:${s.account}:config-rule/config-rule-${s.rule.length.toString(36)}x7k2q`,
    resourceType: s.type,
    resourceId: s.id,
    awsRegion: s.region,
    newEvaluationResult: evaluation(s, status, recordedMs, annotation),
    ...(previous ? { oldEvaluationResult: evaluation(s, previous.status, previous.recordedMs) } : {}),
    notificationCreationTime: iso(notified),
    messageType: 'ComplianceChangeNotification',
    recordVersion: '1.0',
  };
  return configEvent({
    detailType: COMPLIANCE_CHANGE, id: nextId(), account: s.account, region: s.region, emittedMs: notified, resources: [], detail,
  });
}

/** A `Config Configuration Item Change` event: an update, or a deletion (`configuration: null`). */
export function configurationItemChange(
  s: Subject, change: 'UPDATE' | 'DELETE', capturedMs: number, configuration?: Record<string, unknown>, changedProperties?: Record<string, unknown>,
): ConfigEvent {
  const deleted = change === 'DELETE';
  const notified = capturedMs + 2_000;
  return configEvent({
    detailType: CI_CHANGE,
    id: nextId(),
    account: s.account,
    region: s.region,
    emittedMs: notified,
    resources: [s.arn],
    detail: {
      recordVersion: '1.3',
      messageType: 'ConfigurationItemChangeNotification',
      configurationItemDiff: deleted ? null : {
        changedProperties: changedProperties
          ?? { 'Configuration.IpPermissions.0': { previousValue: null, updatedValue: configuration?.ipPermissions, changeType: 'CREATE' } },
        changeType: 'UPDATE',
      },
      notificationCreationTime: iso(notified),
      configurationItem: {
        relatedEvents: [],
        relationships: [],
        configuration: deleted ? null : configuration ?? {},
        supplementaryConfiguration: {},
        tags: deleted ? {} : { team: 'payments' },
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: iso(capturedMs),
        configurationStateId: capturedMs,
        awsAccountId: s.account,
        configurationItemStatus: deleted ? 'ResourceDeleted' : 'OK',
        resourceType: s.type,
        resourceId: s.id,
        resourceName: null,
        ARN: s.arn,
        awsRegion: s.region,
        availabilityZone: deleted ? null : `${s.region}a`,
        configurationStateMd5Hash: '',
        resourceCreationTime: deleted ? null : '2026-03-02T10:00:00.000Z',
      },
    },
  });
}

/** The same event as an enriching agent forwards it (runtime-contract.md, "Agent envelope"). */
export function viaAgent(e: ConfigEvent, enrichment: Record<string, unknown>) {
  return {
    'version': '0',
    'id': nextId(),
    'detail-type': e['detail-type'],
    'source': 'monitoring.agent.config',
    'account': e.account,
    'time': e.time,
    'region': e.region,
    'resources': [],
    'detail': {
      schemaVersion: '1',
      event: { 'id': e.id, 'account': e.account, 'region': e.region, 'time': e.time, 'detail-type': e['detail-type'], 'detail': e.detail },
      enrichment,
    },
  };
}

export interface Delivery {
  /** What SQS delivers: an event, or a raw (possibly malformed) body. */
  readonly body: unknown;
  readonly note: string;
  /**
   * The body is an aws.config event of an enriching agent's account: the master receives what the agent
   * forwarded for it (its `monitoring.agent.config` event), or nothing when the agent dropped it.
   */
  readonly viaEnrichedAgent?: boolean;
}

/** What the reconciliation's aggregator knows that the events did not say. */
export interface ReconciliationTruth {
  /** An evaluation whose event was lost: the aggregator reports it, the table lacks it (healed). */
  readonly lost: ConfigEvent;
  /** A resource deleted while its deletion event was lost: in the table, no longer in the aggregator (retired). */
  readonly disappeared: {
    readonly account: string;
    readonly region: string;
    readonly resourceType: string;
    readonly resourceId: string;
    readonly configRuleName: string;
  };
  /** When the pass runs: late enough that the morning's items are past the retirement grace. */
  readonly runAtMs: number;
}

/** Failures the SNS/SQS stand-in injects just before a batch: transient errors the handler must survive. */
export interface Fault {
  readonly beforeBatch: number;
  readonly service: 'sns' | 'sqs';
  readonly kind: 'throttle' | 'server-error';
  readonly count: number;
  readonly note: string;
}

export interface Scenario {
  /** The enriching agent's buffer (account 222222222222): its aws.config events, as its SQS queue delivers them. */
  readonly agentBatches: Delivery[][];
  readonly batches: Delivery[][];
  readonly faults: Fault[];
  /** The aws.config events the master must learn (agent-dropped and malformed records left out): the expected state derives from them. */
  readonly underlying: ConfigEvent[];
  readonly reconciliation: ReconciliationTruth;
}

export function buildScenario(): Scenario {
  idCounter = 0;
  const sgOpen = complianceChange(SG, 'NON_COMPLIANT', at(0), undefined, 'The security group allows ingress from 0.0.0.0/0 on port 22.');
  const sgChange = configurationItemChange(SG, 'UPDATE', at(0) - 15_000, { groupId: SG.id, ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ['0.0.0.0/0'] }] });
  const sgClosed = complianceChange(SG, 'COMPLIANT', at(4), { status: 'NON_COMPLIANT', recordedMs: at(0) });
  const bucketFirst = complianceChange(BUCKET, 'COMPLIANT', at(1));
  const bucketPublic = complianceChange(BUCKET, 'NON_COMPLIANT', at(20), { status: 'COMPLIANT', recordedMs: at(1) }, 'Bucket policy allows public read.');
  const bucketFixed = complianceChange(BUCKET, 'COMPLIANT', at(30), { status: 'NON_COMPLIANT', recordedMs: at(20) });
  const trailOff = complianceChange(TRAIL, 'NON_COMPLIANT', at(2), { status: 'COMPLIANT', recordedMs: at(-24 * 60) });
  const trailOn = complianceChange(TRAIL, 'COMPLIANT', at(45), { status: 'NON_COMPLIANT', recordedMs: at(2) });
  const volumeFirst = complianceChange(VOLUME, 'NON_COMPLIANT', at(3), undefined, 'The volume is not encrypted.');
  const volumeLate = complianceChange(VOLUME, 'COMPLIANT', at(35), { status: 'NON_COMPLIANT', recordedMs: at(3) });
  const volumeDeleted = configurationItemChange(VOLUME, 'DELETE', at(40));
  const roleFirst = complianceChange(ROLE, 'COMPLIANT', at(5));
  const notApplicable = complianceChange(INSTANCE, 'NOT_APPLICABLE', at(6));
  const relationshipOnly = configurationItemChange(SG, 'UPDATE', at(7), { groupId: SG.id },
    { 'Relationships.0': { previousValue: null, updatedValue: { resourceId: 'eni-0a1b2c3d4e5f60001', name: 'Is associated with NetworkInterface' }, changeType: 'CREATE' } });
  const inventories = [1, 2, 3, 4].map((n) => configurationItemChange(inventory(n), 'UPDATE', at(8) + n * 1_000, { instanceId: inventory(n).id },
    { 'Configuration.AWS:Application': { previousValue: null, updatedValue: { name: 'amazon-ssm-agent' }, changeType: 'UPDATE' } }));
  const lost = complianceChange(SECOND_VOLUME, 'NON_COMPLIANT', at(12), undefined, 'The volume is not encrypted.');
  const snapshotDelivered = {
    'version': '0',
    'id': nextId(),
    'detail-type': 'Config Configuration Snapshot Delivery Status',
    'source': 'aws.config',
    'account': '222222222222',
    'time': '2026-11-26T09:06:00Z',
    'region': 'eu-west-1',
    'resources': [],
    'detail': { configSnapshotId: '0a1b2c3d-0000-4000-8000-000000000001', s3ObjectKey: 'AWSLogs/222222222222/Config/eu-west-1/snapshot.json.gz', s3Bucket: 'config-bucket-222222222222', notificationCreationTime: '2026-11-26T09:06:00.000Z', messageType: 'ConfigurationSnapshotDeliveryCompleted', recordVersion: '1.1' },
  };
  const noResult = complianceChange(SG, 'COMPLIANT', at(50));
  delete (noResult.detail as Record<string, unknown>).newEvaluationResult;

  const agent = (body: ConfigEvent, note: string): Delivery => ({ body, note, viaEnrichedAgent: true });
  return {
    agentBatches: [
      [
        { body: sgChange, note: 'eu-west-1: the security group\'s configuration item (SSH opened to the world)' },
        { body: sgOpen, note: 'eu-west-1: restricted-ssh NON_COMPLIANT' },
        { body: sgOpen, note: 'eu-west-1: the same event again (SQS delivered it twice)' },
        { body: bucketFirst, note: 'us-east-1: the new bucket COMPLIANT' },
        { body: notApplicable, note: 'eu-west-1: rds-storage-encrypted NOT_APPLICABLE to an instance (first evaluation)' },
        { body: relationshipOnly, note: 'eu-west-1: the security group gains a network interface (a relationship-only change)' },
        ...inventories.map((e, i) => ({ body: e, note: `eu-west-1: SSM inventory of instance ${i + 1} changed (sampled at 10 %)` })),
        { body: snapshotDelivered, note: 'eu-west-1: a snapshot-delivery status event' },
      ],
      [
        { body: sgClosed, note: 'eu-west-1: restricted-ssh COMPLIANT' },
        { body: bucketFixed, note: 'us-east-1: the bucket COMPLIANT again (09:30)' },
        { body: bucketPublic, note: 'us-east-1: the bucket NON_COMPLIANT (09:20), delivered late' },
        { body: noResult, note: 'eu-west-1: a compliance change without newEvaluationResult (forwarded as it is: the master decides)' },
      ],
    ],
    batches: [
      [
        agent(sgChange, '222…/eu-west-1: someone opens SSH to the world on a security group (configuration item)'),
        agent(sgOpen, '  …restricted-ssh turns NON_COMPLIANT (first evaluation)'),
        agent(bucketFirst, '222…/us-east-1: a new bucket is evaluated COMPLIANT'),
        agent(sgOpen, '  the security group\'s NON_COMPLIANT event again (EventBridge delivered it twice)'),
        { body: trailOff, note: '333…/eu-west-1: CloudTrail is switched off: cloudtrail-enabled NON_COMPLIANT' },
        { body: volumeFirst, note: '333…/us-east-1: an unencrypted volume: encrypted-volumes NON_COMPLIANT' },
        { body: roleFirst, note: '333…/us-east-1: a role evaluated COMPLIANT by a Control Tower conformance pack rule' },
        ...inventories.map((e, i) => agent(e, `222…/eu-west-1: SSM inventory of instance ${i + 1} (kept by the agent's 10 % sample)`)),
        { body: '{"version":"0","id":"truncated', note: 'a malformed record (truncated JSON): must go to the dead-letter queue' },
        agent(snapshotDelivered as unknown as ConfigEvent, 'a snapshot-delivery status event: not a compliance or item change, must be skipped quietly'),
      ],
      [
        agent(sgClosed, '222…/eu-west-1: remediation closes the port: restricted-ssh COMPLIANT'),
        { body: trailOn, note: '333…/eu-west-1: CloudTrail back on (recorded 09:45)…' },
        { body: trailOff, note: '  …and its NON_COMPLIANT (09:02) delivered again in the same batch: a duplicate, out of order' },
        agent(bucketFixed, '222…/us-east-1: the bucket is COMPLIANT again (recorded 09:30), whose NON_COMPLIANT (09:20) is late'),
        { body: volumeDeleted, note: '333…/us-east-1: the volume is deleted (ResourceDeleted at 09:40)' },
      ],
      [
        agent(bucketPublic, '222…/us-east-1: the bucket\'s NON_COMPLIANT recorded at 09:20 finally arrives: stale, must not win or notify'),
        { body: volumeLate, note: '333…/us-east-1: an evaluation recorded at 09:35, before the deletion, arrives after it: must not bring the volume back' },
        { body: trailOn, note: 'the CloudTrail COMPLIANT event again, one batch later (duplicate)' },
        agent(noResult, 'a compliance change without newEvaluationResult: can never be processed, dead-letter queue'),
      ],
    ],
    faults: [{
      beforeBatch: 2,
      service: 'sns',
      kind: 'throttle',
      count: 8,
      note: 'SNS throttles the next 8 Publish calls: more than the SDK retries absorb, so the record must be reported failed and redelivered, not lost',
    }],
    underlying: [
      sgChange, sgOpen, sgClosed, bucketFirst, bucketPublic, bucketFixed, trailOff, trailOn, volumeFirst, volumeLate, volumeDeleted, roleFirst,
    ],
    reconciliation: {
      lost,
      disappeared: { account: ROLE.account, region: ROLE.region, resourceType: ROLE.type, resourceId: ROLE.id, configRuleName: ROLE.rule },
      runAtMs: at(4 * 60),
    },
  };
}

/** The remediation document of restricted-ssh in the example app (RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22). */
export const SSH_REMEDIATION_DOCUMENT = 'AWS-DisableIncomingSSHOnPort22';

/** `Nov 26, 2026 1:06:00 PM`: how SSM writes StartTime and EndTime (UTC). */
function ssmTime(ms: number): string {
  const d = new Date(ms);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const h = d.getUTCHours() % 12 || 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h}:${mm}:${ss} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/**
 * An `EC2 Automation Execution Status-change Notification` (shape of test/fixtures/ssm/*.json, after the AWS
 * documentation's example). Like the real event, it names the document and the execution, not the resource.
 */
export function automationExecution(
  account: string, region: string, executionId: string, status: string, startMs: number, endMs: number, eventId: string,
) {
  return {
    'version': '0',
    'id': eventId,
    'detail-type': 'EC2 Automation Execution Status-change Notification',
    'source': 'aws.ssm',
    account,
    'time': iso(endMs + 1_000).replace(/\.\d{3}Z$/, 'Z'),
    region,
    'resources': [
      `arn:aws:ssm:${region}:${account}:automation-execution/${executionId}`,
      `arn:aws:ssm:${region}:${account}:automation-definition/${SSH_REMEDIATION_DOCUMENT}:$DEFAULT`,
    ],
    'detail': {
      ExecutionId: executionId,
      Definition: SSH_REMEDIATION_DOCUMENT,
      DefinitionVersion: 1.0,
      Status: status,
      StartTime: ssmTime(startMs),
      EndTime: ssmTime(endMs),
      Time: endMs - startMs + 120.0,
      ExecutedBy: `arn:aws:sts::${account}:assumed-role/AWSServiceRoleForConfigRemediation/config-remediation`,
      EventVersion: '1.0',
    },
  };
}

/** What the remediation step replays after the reconciliation, in order, and the evaluations it adds to the truth. */
export interface RemediationScenario {
  readonly failing: Subject;
  readonly remediated: Subject;
  readonly deliveries: Delivery[];
  /** The aws.config events among the deliveries: the expected state grows by them. */
  readonly underlying: ConfigEvent[];
}

/**
 * Two more security groups open SSH after the reconciliation (13:05 and 13:07). Config starts the automatic remediation
 * of restricted-ssh for each: on the first it fails (13:06, the group is still NON_COMPLIANT); on the second it succeeds
 * (13:08) and the rule's next evaluation (13:09) finds the group COMPLIANT. All of it reaches the master through the
 * enriching agent, which adds the rule and resource type of the document.
 */
export function buildRemediationScenario(): RemediationScenario {
  const group = (n: number): Subject => ({ ...SG, id: `sg-0a1b2c3d4e5f6000${n}`, arn: `arn:aws:ec2:eu-west-1:222222222222:security-group/sg-0a1b2c3d4e5f6000${n}` });
  const failing = group(2);
  const remediated = group(3);
  const failingOpen = complianceChange(failing, 'NON_COMPLIANT', at(245), undefined, 'The security group allows ingress from 0.0.0.0/0 on port 22.');
  const remediatedOpen = complianceChange(remediated, 'NON_COMPLIANT', at(247), undefined, 'The security group allows ingress from 0.0.0.0/0 on port 22.');
  const remediatedClosed = complianceChange(remediated, 'COMPLIANT', at(249), { status: 'NON_COMPLIANT', recordedMs: at(247) });
  const failed = automationExecution(SG.account, SG.region, '7c1d2e3f-4a5b-4c6d-8e9f-000000000001', 'Failed', at(246), at(246) + 4_000,
    '6a1b0c2d-0000-4000-8000-000000000101');
  const succeeded = automationExecution(SG.account, SG.region, '7c1d2e3f-4a5b-4c6d-8e9f-000000000002', 'Success', at(248), at(248) + 5_000,
    '6a1b0c2d-0000-4000-8000-000000000102');
  const agent = (body: unknown, note: string): Delivery => ({ body, note, viaEnrichedAgent: true });
  return {
    failing,
    remediated,
    deliveries: [
      agent(failingOpen, `13:05 ${failing.id} opens SSH: restricted-ssh NON_COMPLIANT`),
      agent(failed, `13:06 the automatic remediation ${SSH_REMEDIATION_DOCUMENT} on it ends Failed`),
      agent(remediatedOpen, `13:07 ${remediated.id} opens SSH: restricted-ssh NON_COMPLIANT`),
      agent(succeeded, '13:08 the automatic remediation on it ends Success'),
      agent(remediatedClosed, `13:09 restricted-ssh evaluates ${remediated.id} COMPLIANT`),
    ],
    underlying: [failingOpen, remediatedOpen, remediatedClosed],
  };
}
