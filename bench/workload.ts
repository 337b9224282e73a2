/**
 * A deterministic day of AWS Config events for the reference organization of
 * docs/guide/cost-and-performance.md: 100 accounts × 4 regions, 10,000 compliance changes and
 * 200,000 configuration-item changes a day, scaled to the requested number of events (default 20,000:
 * 952 compliance changes, 19,048 configuration-item changes).
 *
 * Why generated and not replayed: no public capture has this volume, and a benchmark must be
 * reproducible (same seed, same bytes) and must know the right answer. The shapes follow the real
 * samples (fixtures/aws-config: EventBridge CI change, the SNS compliance-change Message as `detail`):
 * `newEvaluationResult`/`oldEvaluationResult` with `evaluationResultIdentifier`, `resultRecordedTime`,
 * absent `oldEvaluationResult` on a first evaluation, `annotation` omitted or a string (and, for a few,
 * `annotation`/`resultToken` null as in the SNS sample), `resources: []` on compliance events,
 * `configuration: null` and sometimes a null diff on `ResourceDeleted`.
 *
 * Delivery imitates EventBridge → SQS: at least once (20% of events delivered twice, same envelope id)
 * and unordered (10% of deliveries moved later, by seconds to two hours). Compliance changes are real
 * transitions of a per-(resource, rule) sequence, several per key, so delivery order matters, and some
 * resources are deleted after their last evaluation (some evaluations then arrive after the deletion).
 *
 * The expected final state is computed independently from the unique events (not from the delivery
 * order): per (account, region, resource type, resource id, rule) the evaluation with the newest
 * `resultRecordedTime`, dropped when the resource was deleted (ResourceDeleted capture time) after it.
 *
 * IAM resources are never deleted here: their configuration items carry `awsRegion: "global"` while
 * their compliance events carry the rule's region, so which compliance items a deletion retires is a
 * design decision of the handler, not something a benchmark should presume.
 */

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

/** An EventBridge event as delivered to the master's buffer queue. */
export interface ConfigEvent {
  readonly 'version': '0';
  readonly 'id': string;
  readonly 'detail-type': 'Config Rules Compliance Change' | 'Config Configuration Item Change';
  readonly 'source': 'aws.config';
  readonly 'account': string;
  readonly 'time': string;
  readonly 'region': string;
  readonly 'resources': string[];
  readonly 'detail': any;
}

export interface WorkloadOptions {
  /** Unique events (before duplication). @default 20000 */
  readonly count?: number;
  /** @default 'reference-organization' */
  readonly seed?: string;
  /** @default 100 */
  readonly accounts?: number;
  /** @default us-east-1, us-west-2, eu-west-1, eu-central-1 */
  readonly regions?: readonly string[];
  /** Share of events delivered twice. @default 0.2 */
  readonly duplicateRate?: number;
  /** Share of deliveries moved later. @default 0.1 */
  readonly outOfOrderRate?: number;
  /** Start of the simulated day. @default '2026-11-02T00:00:00.000Z' */
  readonly dayStart?: string;
  /**
   * How long the events are spread over, in ms: a day for the whole day's volume; a shorter window (with a count
   * scaled to it) keeps the reference rate. Transitions of a compliance sequence and late deliveries may still fall
   * after the window's end. @default 86,400,000 (a day)
   */
  readonly spanMs?: number;
}

export interface ExpectedCompliance {
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly configRuleName: string;
  readonly complianceStatus: ComplianceType;
  readonly resultRecordedMs: number;
  readonly eventId: string;
}

export interface WorkloadStats {
  readonly uniqueEvents: number;
  readonly complianceChanges: number;
  readonly configurationItemChanges: number;
  readonly deliveries: number;
  readonly duplicateDeliveries: number;
  readonly movedLater: number;
  readonly complianceKeys: number;
  readonly resourcesDeleted: number;
  readonly keyResourcesDeleted: number;
  /** Compliance deliveries that arrive after a newer evaluation of the same key was delivered. */
  readonly staleComplianceDeliveries: number;
  /** Evaluations recorded before their resource's deletion but delivered after it. */
  readonly evaluationsDeliveredAfterDeletion: number;
  /** Compliance deliveries whose new status is NON_COMPLIANT (what the naive baseline notifies on), duplicates included. */
  readonly nonCompliantDeliveries: number;
  readonly expectedItems: number;
  readonly averageEventBytes: number;
}

export interface Workload {
  /** Unique events in emission order. */
  readonly events: ConfigEvent[];
  /** What SQS delivers: duplicates included, partly out of order. */
  readonly deliveries: ConfigEvent[];
  /** When each delivery reaches the buffer queue (epoch ms), in step with `deliveries` (non-decreasing). */
  readonly deliveryTimesMs: number[];
  /** complianceKey(…) → the final state the pipeline must hold. */
  readonly expected: Map<string, ExpectedCompliance>;
  readonly stats: WorkloadStats;
}

export const COMPLIANCE_CHANGE = 'Config Rules Compliance Change';
export const CI_CHANGE = 'Config Configuration Item Change';

/** The reference day's mix: 10,000 compliance changes to 200,000 configuration-item changes. */
const COMPLIANCE_SHARE = 10_000 / 210_000;

// ---------------------------------------------------------------------------------------------
// Seeded randomness: xmur3 string hash → sfc32 generator. Small, fast, and the same on every machine.
// Both are defined by 32-bit integer arithmetic, hence the bitwise operators.
/* eslint-disable no-bitwise */

function xmur3(s: string): () => number {
  let h = 1779033703 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}

/** A seeded PRNG with the helpers the generator needs. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    const h = xmur3(seed);
    [this.a, this.b, this.c, this.d] = [h(), h(), h(), h()];
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  public next(): number {
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  /* eslint-enable no-bitwise */

  /** Integer in [min, max]. */
  public int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  public chance(p: number): boolean {
    return this.next() < p;
  }

  public pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  public weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of choices) {
      if ((r -= w) < 0) return v;
    }
    return choices[choices.length - 1][0];
  }

  public hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }

  public alnum(n: number): string {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += chars[Math.floor(this.next() * chars.length)];
    return s;
  }

  /** A version-4-shaped UUID (EventBridge envelope ids look like this). */
  public uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The organization's resources and rules.

interface ResourceKind {
  readonly type: string;
  readonly rules: readonly string[];
  /** Relative share of resources of this kind. */
  readonly weight: number;
  readonly deletable: boolean;
}

const KINDS: readonly ResourceKind[] = [
  { type: 'AWS::EC2::SecurityGroup', rules: ['restricted-ssh', 'vpc-sg-open-only-to-authorized-ports'], weight: 5, deletable: true },
  { type: 'AWS::EC2::Instance', rules: ['ec2-instance-no-public-ip', 'ec2-imdsv2-check'], weight: 5, deletable: true },
  { type: 'AWS::EC2::Volume', rules: ['encrypted-volumes'], weight: 4, deletable: true },
  { type: 'AWS::S3::Bucket', rules: ['s3-bucket-public-read-prohibited', 's3-bucket-server-side-encryption-enabled', 's3-bucket-versioning-enabled-conformance-pack-'], weight: 3, deletable: true },
  { type: 'AWS::IAM::Role', rules: ['iam-no-inline-policy-check', 'iam-policy-no-statements-with-admin-access'], weight: 2, deletable: false },
  { type: 'AWS::Lambda::Function', rules: ['lambda-function-public-access-prohibited', 'lambda-inside-vpc'], weight: 2, deletable: true },
  { type: 'AWS::Logs::LogGroup', rules: ['cloudwatch-log-group-encrypted'], weight: 2, deletable: true },
];

const ACCOUNT_RULES = ['cloudtrail-enabled', 'iam-password-policy'];

interface Resource {
  readonly account: string;
  readonly region: string;
  readonly type: string;
  readonly id: string;
  readonly name: string | null;
  readonly arn: string;
  readonly createdAt: string;
  readonly kind: ResourceKind | undefined;
}

function accountId(i: number): string {
  return String(100_000_000_000 + i * 7_919_113).padStart(12, '0');
}

function makeResource(rnd: Random, account: string, region: string, kind: ResourceKind): Resource {
  const createdAt = new Date(Date.parse('2025-01-01T00:00:00Z') + rnd.int(0, 300) * 86_400_000).toISOString();
  switch (kind.type) {
    case 'AWS::EC2::SecurityGroup': {
      const id = `sg-${rnd.hex(17)}`;
      return { account, region, type: kind.type, id, name: null, arn: `arn:aws:ec2:${region}:${account}:security-group/${id}`, createdAt, kind };
    }
    case 'AWS::EC2::Instance': {
      const id = `i-${rnd.hex(17)}`;
      return { account, region, type: kind.type, id, name: null, arn: `arn:aws:ec2:${region}:${account}:instance/${id}`, createdAt, kind };
    }
    case 'AWS::EC2::Volume': {
      const id = `vol-${rnd.hex(17)}`;
      return { account, region, type: kind.type, id, name: null, arn: `arn:aws:ec2:${region}:${account}:volume/${id}`, createdAt, kind };
    }
    case 'AWS::S3::Bucket': {
      const id = `${rnd.pick(['app', 'logs', 'data', 'artifacts', 'backup'])}-${account.slice(-4)}-${region}-${rnd.alnum(6)}`;
      return { account, region, type: kind.type, id, name: id, arn: `arn:aws:s3:::${id}`, createdAt, kind };
    }
    case 'AWS::IAM::Role': {
      const name = `${rnd.pick(['deploy', 'readonly', 'lambda-exec', 'ci'])}-${rnd.alnum(8)}`;
      // IAM compliance events carry the role's unique id, not its name.
      const id = `AROA${rnd.alnum(17).toUpperCase()}`;
      return { account, region, type: kind.type, id, name, arn: `arn:aws:iam::${account}:role/${name}`, createdAt, kind };
    }
    case 'AWS::Lambda::Function': {
      const name = `${rnd.pick(['api', 'worker', 'cron', 'etl'])}-${rnd.alnum(8)}`;
      return { account, region, type: kind.type, id: name, name, arn: `arn:aws:lambda:${region}:${account}:function:${name}`, createdAt, kind };
    }
    default: {
      const name = `/aws/lambda/${rnd.pick(['api', 'worker', 'cron', 'etl'])}-${rnd.alnum(8)}`;
      return { account, region, type: kind.type, id: name, name, arn: `arn:aws:logs:${region}:${account}:log-group:${name}`, createdAt, kind };
    }
  }
}

function vpcOf(r: Resource): string {
  return `vpc-${r.id.replace(/^[a-z]+-/, '').slice(0, 8)}`;
}

/** A plausible `configuration` per type: sizes like real items (1–4 KB events). */
function configurationOf(rnd: Random, r: Resource, state: number): Record<string, unknown> {
  switch (r.type) {
    case 'AWS::EC2::SecurityGroup':
      return {
        ownerId: r.account,
        groupName: `sg-${r.id.slice(-6)}`,
        groupId: r.id,
        description: 'Managed by platform team',
        vpcId: vpcOf(r),
        ipPermissions: Array.from({ length: 1 + (state % 3) }, (_, i) => ({
          ipProtocol: 'tcp',
          fromPort: [22, 443, 8080][i],
          toPort: [22, 443, 8080][i],
          userIdGroupPairs: [],
          ipv6Ranges: [],
          prefixListIds: [],
          ipRanges: [state % 2 ? '0.0.0.0/0' : '10.0.0.0/8'],
          ipv4Ranges: [{ cidrIp: state % 2 ? '0.0.0.0/0' : '10.0.0.0/8' }],
        })),
        ipPermissionsEgress: [{ ipProtocol: '-1', fromPort: null, toPort: null, userIdGroupPairs: [], ipRanges: ['0.0.0.0/0'], prefixListIds: [] }],
        tags: [],
      };
    case 'AWS::EC2::Instance':
      return {
        amiLaunchIndex: 0,
        imageId: `ami-${r.id.slice(2, 10)}`,
        instanceId: r.id,
        instanceType: rnd.pick(['t3.small', 'm6g.large', 'c7g.xlarge']),
        launchTime: r.createdAt,
        monitoring: { state: 'disabled' },
        placement: { availabilityZone: `${r.region}a`, tenancy: 'default' },
        privateDnsName: `ip-10-0-${state % 250}-${r.id.charCodeAt(4) % 250}.ec2.internal`,
        privateIpAddress: `10.0.${state % 250}.${r.id.charCodeAt(4) % 250}`,
        state: { code: 16, name: 'running' },
        subnetId: `subnet-${r.id.slice(2, 10)}`,
        vpcId: vpcOf(r),
        architecture: 'arm64',
        metadataOptions: { state: 'applied', httpTokens: state % 2 ? 'optional' : 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
        blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { attachTime: r.createdAt, deleteOnTermination: true, status: 'attached', volumeId: `vol-${r.id.slice(2, 19)}` } }],
        securityGroups: [{ groupName: 'default', groupId: `sg-${r.id.slice(2, 19)}` }],
        ebsOptimized: true,
        enaSupport: true,
        hypervisor: 'nitro',
      };
    case 'AWS::S3::Bucket':
      return { name: r.id, owner: { displayName: null, id: rnd.hex(64) }, creationDate: r.createdAt };
    default:
      return { name: r.name ?? r.id, arn: r.arn, createdAt: r.createdAt, revision: state, encrypted: state % 2 === 0, tags: { team: 'platform', env: 'prod' } };
  }
}

// ---------------------------------------------------------------------------------------------
// Event builders (shapes as in the fixtures).

/** Envelope `time`: second precision with `Z`, as in the EventBridge sample. */
function envelopeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface ConfigEventParts {
  readonly detailType: ConfigEvent['detail-type'];
  readonly id: string;
  readonly account: string;
  readonly region: string;
  /** When EventBridge emitted it: the envelope `time`. */
  readonly emittedMs: number;
  readonly resources: string[];
  readonly detail: any;
}

/** An `aws.config` event in its EventBridge envelope. */
export function configEvent(e: ConfigEventParts): ConfigEvent {
  return {
    'version': '0',
    'id': e.id,
    'detail-type': e.detailType,
    'source': 'aws.config',
    'account': e.account,
    'time': envelopeTime(e.emittedMs),
    'region': e.region,
    'resources': e.resources,
    'detail': e.detail,
  };
}

interface Evaluation {
  readonly status: ComplianceType;
  readonly recordedMs: number;
  readonly annotation?: string | null;
  readonly nullTokens: boolean;
}

function evaluationResult(rule: string, r: Resource, e: Evaluation) {
  const result: Record<string, unknown> = {
    evaluationResultIdentifier: {
      evaluationResultQualifier: { configRuleName: rule, resourceType: r.type, resourceId: r.id },
      orderingTimestamp: new Date(e.recordedMs - 1_214).toISOString(),
    },
    complianceType: e.status,
    resultRecordedTime: new Date(e.recordedMs).toISOString(),
    configRuleInvokedTime: new Date(e.recordedMs - 491).toISOString(),
  };
  // EventBridge omits annotation when there is none and never carries resultToken; the SNS sample shows both null.
  if (e.nullTokens) {
    result.annotation = e.annotation ?? null;
    result.resultToken = null;
  } else if (e.annotation) {
    result.annotation = e.annotation;
  }
  return result;
}

function complianceEvent(rnd: Random, rule: string, ruleArn: string, r: Resource, next: Evaluation, previous: Evaluation | undefined): ConfigEvent {
  const notifiedMs = next.recordedMs + rnd.int(300, 2_500);
  const detail: Record<string, unknown> = {
    awsAccountId: r.account,
    configRuleName: rule,
    configRuleARN: ruleArn,
    resourceType: r.type,
    resourceId: r.id,
    awsRegion: r.region,
    newEvaluationResult: evaluationResult(rule, r, next),
  };
  if (previous) detail.oldEvaluationResult = evaluationResult(rule, r, previous);
  detail.notificationCreationTime = new Date(notifiedMs).toISOString();
  detail.messageType = 'ComplianceChangeNotification';
  detail.recordVersion = '1.0';
  return configEvent({
    detailType: COMPLIANCE_CHANGE, id: rnd.uuid(), account: r.account, region: r.region, emittedMs: notifiedMs, resources: [], detail,
  });
}

type CiChange = 'CREATE' | 'UPDATE' | 'DELETE';

function ciEvent(rnd: Random, r: Resource, change: CiChange, capturedMs: number, state: number): ConfigEvent {
  const deleted = change === 'DELETE';
  const configuration = deleted ? null : configurationOf(rnd, r, state);
  let diff: unknown;
  if (change === 'CREATE') {
    diff = { changedProperties: {}, changeType: 'CREATE' };
  } else if (deleted) {
    // The diff can be null on a deletion (aws-config-facts.md C); half of them are, to exercise both shapes.
    diff = rnd.chance(0.5)
      ? null
      : { changedProperties: { Configuration: { previousValue: configurationOf(rnd, r, state - 1), updatedValue: null, changeType: 'DELETE' } }, changeType: 'DELETE' };
  } else {
    diff = {
      changedProperties: rnd.chance(0.5)
        ? { 'Configuration.Revision': { previousValue: state - 1, updatedValue: state, changeType: 'UPDATE' } }
        : { [`Tags.${state % 4}`]: { previousValue: null, updatedValue: { key: 'cost-center', value: `cc-${state}` }, changeType: 'CREATE' } },
      changeType: 'UPDATE',
    };
  }
  const regional = r.type !== 'AWS::IAM::Role';
  const notifiedMs = capturedMs + rnd.int(500, 4_000);
  return configEvent({
    detailType: CI_CHANGE,
    id: rnd.uuid(),
    account: r.account,
    region: r.region,
    emittedMs: notifiedMs,
    resources: [r.arn],
    detail: {
      recordVersion: '1.3',
      messageType: 'ConfigurationItemChangeNotification',
      configurationItemDiff: diff,
      notificationCreationTime: new Date(notifiedMs).toISOString(),
      configurationItem: {
        relatedEvents: [],
        relationships: r.type.startsWith('AWS::EC2::') ? [{ resourceId: vpcOf(r), resourceName: null, resourceType: 'AWS::EC2::VPC', name: 'Is contained in Vpc' }] : [],
        configuration,
        supplementaryConfiguration: {},
        tags: deleted ? {} : { Name: r.name ?? r.id, team: 'platform' },
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: new Date(capturedMs).toISOString(),
        configurationStateId: capturedMs,
        awsAccountId: r.account,
        configurationItemStatus: deleted ? 'ResourceDeleted' : change === 'CREATE' ? 'ResourceDiscovered' : 'OK',
        resourceType: r.type,
        resourceId: r.id,
        resourceName: r.name,
        ARN: r.arn,
        awsRegion: regional ? r.region : 'global',
        availabilityZone: deleted ? null : regional ? (r.type.startsWith('AWS::EC2::') ? `${r.region}a` : 'Regional') : 'Not Applicable',
        configurationStateMd5Hash: '',
        resourceCreationTime: deleted ? null : r.createdAt,
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Keys and the expected state (independent of the generator's bookkeeping).

export function complianceKey(account: string, region: string, resourceType: string, resourceId: string, rule: string): string {
  return `${account}#${region}#${resourceType}#${resourceId}#${rule}`;
}

export function resourceKey(account: string, region: string, resourceType: string, resourceId: string): string {
  return `${account}#${region}#${resourceType}#${resourceId}`;
}

/**
 * The final compliance state implied by a set of events, whatever order they arrive in: newest
 * `resultRecordedTime` per key; a key is dropped when its resource's latest ResourceDeleted capture
 * time is after that evaluation. Duplicates (same id) are harmless.
 */
export function expectedComplianceState(events: readonly ConfigEvent[]): Map<string, ExpectedCompliance> {
  const newest = new Map<string, ExpectedCompliance>();
  const deletedAt = new Map<string, number>();
  for (const e of events) {
    if (e['detail-type'] === COMPLIANCE_CHANGE) {
      const d = e.detail;
      const n = d.newEvaluationResult;
      const key = complianceKey(d.awsAccountId, d.awsRegion, d.resourceType, d.resourceId, d.configRuleName);
      const recordedMs = Date.parse(n.resultRecordedTime);
      const prev = newest.get(key);
      if (!prev || recordedMs > prev.resultRecordedMs) {
        newest.set(key, {
          account: d.awsAccountId,
          region: d.awsRegion,
          resourceType: d.resourceType,
          resourceId: d.resourceId,
          configRuleName: d.configRuleName,
          complianceStatus: n.complianceType,
          resultRecordedMs: recordedMs,
          eventId: e.id,
        });
      }
    } else if (e['detail-type'] === CI_CHANGE) {
      const ci = e.detail?.configurationItem;
      if (ci?.configurationItemStatus !== 'ResourceDeleted') continue;
      const rk = resourceKey(ci.awsAccountId, ci.awsRegion, ci.resourceType, ci.resourceId);
      deletedAt.set(rk, Math.max(deletedAt.get(rk) ?? 0, Date.parse(ci.configurationItemCaptureTime)));
    }
  }
  for (const [key, v] of newest) {
    const del = deletedAt.get(resourceKey(v.account, v.region, v.resourceType, v.resourceId));
    if (del !== undefined && del > v.resultRecordedMs) newest.delete(key);
  }
  return newest;
}

// ---------------------------------------------------------------------------------------------
// The generator.

const FIRST_STATUS: readonly (readonly [ComplianceType, number])[] = [['COMPLIANT', 55], ['NON_COMPLIANT', 35], ['NOT_APPLICABLE', 7], ['INSUFFICIENT_DATA', 3]];
const ANNOTATIONS = ['The security group allows ingress from 0.0.0.0/0 on port 22.', 'Encryption is not enabled.', 'IMDSv2 is not required.', 'Bucket policy allows public read.'];

/** A status different from `from`: mostly the COMPLIANT ↔ NON_COMPLIANT flip. */
function nextStatus(rnd: Random, from: ComplianceType): ComplianceType {
  const choices = FIRST_STATUS.filter(([s]) => s !== from).map(([s, w]) => [s, s === 'COMPLIANT' || s === 'NON_COMPLIANT' ? w * 3 : w] as const);
  return rnd.weighted(choices);
}

interface Timed {
  readonly event: ConfigEvent;
  readonly emittedMs: number;
}

export function generateWorkload(options: WorkloadOptions = {}): Workload {
  const count = options.count ?? 20_000;
  const rnd = new Random(options.seed ?? 'reference-organization');
  const regions = options.regions ?? ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
  const accounts = Array.from({ length: options.accounts ?? 100 }, (_, i) => accountId(i + 1));
  const dayStartMs = Date.parse(options.dayStart ?? '2026-11-02T00:00:00.000Z');
  const dayMs = options.spanMs ?? 86_400_000;
  const duplicateRate = options.duplicateRate ?? 0.2;
  const outOfOrderRate = options.outOfOrderRate ?? 0.1;

  const complianceTarget = Math.round(count * COMPLIANCE_SHARE);
  const ciTarget = count - complianceTarget;
  const timed: Timed[] = [];
  const ruleArns = new Map<string, string>();
  const ruleArn = (account: string, region: string, rule: string) => {
    const k = `${account}#${region}#${rule}`;
    if (!ruleArns.has(k)) ruleArns.set(k, `arn:aws:config:${region}:${account}:config-rule/config-rule-${rnd.alnum(6)}`);
    return ruleArns.get(k)!;
  };
  const packSuffix = new Map<string, string>();
  const ruleName = (account: string, rule: string) => {
    if (!rule.endsWith('-conformance-pack-')) return rule;
    if (!packSuffix.has(account)) packSuffix.set(account, rnd.alnum(9));
    return `${rule}${packSuffix.get(account)}`;
  };
  const kindWeights = KINDS.map((k) => [k, k.weight] as const);

  // 1. Compliance sequences: 1–6 transitions per (resource, rule) key, several keys per resource.
  let complianceMade = 0;
  let ciMade = 0;
  let keyResourcesDeleted = 0;
  const keyResources: Resource[] = [];
  const deletedKeyResources = new Set<Resource>();
  const usedKeys = new Set<string>();
  let keys = 0;
  while (complianceMade < complianceTarget) {
    const account = rnd.pick(accounts);
    const region = rnd.pick(regions);
    const accountLevel = rnd.chance(0.04);
    const r: Resource = accountLevel
      ? { account, region, type: 'AWS::::Account', id: account, name: null, arn: `arn:aws:iam::${account}:root`, createdAt: '2020-01-01T00:00:00.000Z', kind: undefined }
      : makeResource(rnd, account, region, rnd.weighted(kindWeights));
    const candidates = accountLevel ? [rnd.pick(ACCOUNT_RULES)] : r.kind!.rules.filter(() => rnd.chance(0.7));
    if (candidates.length === 0) candidates.push(r.kind!.rules[0]);
    // One sequence per key: an account-level rule may already have one for this account and region.
    const rules = candidates.filter((rule) => !usedKeys.has(complianceKey(account, region, r.type, r.id, ruleName(account, rule))));
    rules.forEach((rule) => usedKeys.add(complianceKey(account, region, r.type, r.id, ruleName(account, rule))));
    if (rules.length === 0) continue;
    keyResources.push(r);

    let lastEvaluationMs = 0;
    const sequences: { rule: string; evaluations: Evaluation[] }[] = [];
    for (const baseRule of rules) {
      if (complianceMade >= complianceTarget) break;
      const rule = ruleName(account, baseRule);
      const n = Math.min(complianceTarget - complianceMade, rnd.int(1, 6));
      const evaluations: Evaluation[] = [];
      let t = dayStartMs + rnd.int(0, Math.floor(dayMs * 0.6));
      let status = rnd.weighted(FIRST_STATUS);
      for (let i = 0; i < n; i++) {
        if (i > 0) {
          // Close transitions happen (a security group opened, then closed by remediation a minute
          // later), and they are what makes delivery order matter.
          t += rnd.weighted([[rnd.int(20_000, 5 * 60_000), 4], [rnd.int(5 * 60_000, 60 * 60_000), 4], [rnd.int(3_600_000, 4 * 3_600_000), 2]]);
          status = nextStatus(rnd, status);
        }
        evaluations.push({
          status,
          recordedMs: t,
          annotation: status === 'NON_COMPLIANT' && rnd.chance(0.6) ? rnd.pick(ANNOTATIONS) : undefined,
          nullTokens: rnd.chance(0.05),
        });
      }
      sequences.push({ rule, evaluations });
      complianceMade += n;
      keys += 1;
      lastEvaluationMs = Math.max(lastEvaluationMs, t);
    }

    // Half the keys existed before the day: their first event in the window has an old result.
    for (const { rule, evaluations } of sequences) {
      const arn = ruleArn(account, region, rule.replace(/-conformance-pack-.*/, '-conformance-pack-'));
      let previous: Evaluation | undefined = rnd.chance(0.5)
        ? {
          status: nextStatus(rnd, evaluations[0].status),
          recordedMs: dayStartMs - rnd.int(3_600_000, 30 * 86_400_000),
          nullTokens: evaluations[0].nullTokens,
        }
        : undefined;
      for (const e of evaluations) {
        const ev = complianceEvent(rnd, rule, arn, r, e, previous);
        timed.push({ event: ev, emittedMs: Date.parse(ev.detail.notificationCreationTime) });
        previous = e;
      }
    }

    // Some resources are deleted after their last evaluation: their compliance items must retire.
    if (r.kind?.deletable && rnd.chance(0.12)) {
      const ev = ciEvent(rnd, r, 'DELETE', lastEvaluationMs + rnd.int(10_000, 30 * 60_000), 99);
      timed.push({ event: ev, emittedMs: Date.parse(ev.detail.notificationCreationTime) });
      ciMade += 1;
      keyResourcesDeleted += 1;
      deletedKeyResources.add(r);
    }
  }

  // 2. Configuration-item changes: the key resources change before they are evaluated; the rest of
  //    the organization's resources make up the bulk (mostly updates, some creations and deletions).
  const pool: Resource[] = [...keyResources.filter((r) => r.kind)];
  const poolSize = Math.max(50, Math.round(ciTarget / 8));
  while (pool.length < poolSize) pool.push(makeResource(rnd, rnd.pick(accounts), rnd.pick(regions), rnd.weighted(kindWeights)));
  // A deleted key resource gets no further changes (its deletion is its last event).
  const deleted = new Set<Resource>(deletedKeyResources);
  const keyResourceSet = new Set(keyResources);
  const state = new Map<Resource, number>();
  let resourcesDeleted = keyResourcesDeleted;
  while (ciMade < ciTarget) {
    const r = rnd.pick(pool);
    if (deleted.has(r)) continue;
    const s = (state.get(r) ?? 0) + 1;
    state.set(r, s);
    // Key resources are never deleted here (their deletion was placed after their last evaluation above).
    const keyResource = keyResourceSet.has(r);
    const change: CiChange = !keyResource && r.kind?.deletable && rnd.chance(0.02) ? 'DELETE' : s === 1 && rnd.chance(0.1) ? 'CREATE' : 'UPDATE';
    if (change === 'DELETE') {
      deleted.add(r);
      resourcesDeleted += 1;
    }
    const ev = ciEvent(rnd, r, change, dayStartMs + rnd.int(0, dayMs - 1), s);
    timed.push({ event: ev, emittedMs: Date.parse(ev.detail.notificationCreationTime) });
    ciMade += 1;
  }

  timed.sort((a, b) => a.emittedMs - b.emittedMs);
  const events = timed.map((t) => t.event);

  // 3. Delivery: duplicates (same envelope, a retry seconds to minutes later), then 10% moved later.
  const deliveriesTimed: { event: ConfigEvent; atMs: number; seq: number }[] = [];
  let seq = 0;
  let duplicateDeliveries = 0;
  for (const t of timed) {
    deliveriesTimed.push({ event: t.event, atMs: t.emittedMs + rnd.int(100, 1_500), seq: seq++ });
    if (rnd.chance(duplicateRate)) {
      deliveriesTimed.push({ event: t.event, atMs: t.emittedMs + rnd.int(2_000, 10 * 60_000), seq: seq++ });
      duplicateDeliveries += 1;
    }
  }
  let movedLater = 0;
  for (const d of deliveriesTimed) {
    if (rnd.chance(outOfOrderRate)) {
      d.atMs += rnd.weighted([[rnd.int(5_000, 60_000), 5], [rnd.int(60_000, 30 * 60_000), 3], [rnd.int(30 * 60_000, 2 * 3_600_000), 2]]);
      movedLater += 1;
    }
  }
  // A third of the deleted key resources: their last evaluation is delivered after the deletion
  // (recorded before it), the case where a naive upsert brings a deleted resource back.
  const deletionAt = new Map<string, number>();
  for (const d of deliveriesTimed) {
    const ci = d.event['detail-type'] === CI_CHANGE ? d.event.detail.configurationItem : undefined;
    if (ci?.configurationItemStatus === 'ResourceDeleted') deletionAt.set(resourceKey(ci.awsAccountId, ci.awsRegion, ci.resourceType, ci.resourceId), d.atMs);
  }
  const lastEvaluation = new Map<string, (typeof deliveriesTimed)[number]>();
  for (const d of deliveriesTimed) {
    if (d.event['detail-type'] !== COMPLIANCE_CHANGE) continue;
    const x = d.event.detail;
    const rk = resourceKey(x.awsAccountId, x.awsRegion, x.resourceType, x.resourceId);
    if (deletionAt.has(rk)) lastEvaluation.set(rk, d); // emission order: the last one wins
  }
  let i = 0;
  for (const [rk, d] of lastEvaluation) {
    if (i++ % 3 !== 0) continue;
    d.atMs = deletionAt.get(rk)! + rnd.int(1_000, 60_000);
    movedLater += 1;
  }
  deliveriesTimed.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  const deliveries = deliveriesTimed.map((d) => d.event);
  const deliveryTimesMs = deliveriesTimed.map((d) => d.atMs);

  // 4. Independent answer and the statistics that show ordering really matters.
  const expected = expectedComplianceState(events);
  const newestDelivered = new Map<string, number>();
  const deletionDelivered = new Map<string, number>();
  let stale = 0;
  let afterDeletion = 0;
  let nonCompliantDeliveries = 0;
  for (const e of deliveries) {
    if (e['detail-type'] === COMPLIANCE_CHANGE) {
      const d = e.detail;
      const key = complianceKey(d.awsAccountId, d.awsRegion, d.resourceType, d.resourceId, d.configRuleName);
      const t = Date.parse(d.newEvaluationResult.resultRecordedTime);
      if ((newestDelivered.get(key) ?? -1) > t) stale += 1;
      newestDelivered.set(key, Math.max(newestDelivered.get(key) ?? -1, t));
      const del = deletionDelivered.get(resourceKey(d.awsAccountId, d.awsRegion, d.resourceType, d.resourceId));
      if (del !== undefined && del > t) afterDeletion += 1;
      if (d.newEvaluationResult.complianceType === 'NON_COMPLIANT') nonCompliantDeliveries += 1;
    } else {
      const ci = e.detail.configurationItem;
      if (ci.configurationItemStatus === 'ResourceDeleted') {
        const rk = resourceKey(ci.awsAccountId, ci.awsRegion, ci.resourceType, ci.resourceId);
        deletionDelivered.set(rk, Date.parse(ci.configurationItemCaptureTime));
      }
    }
  }

  const bytes = events.reduce((s, e) => s + Buffer.byteLength(JSON.stringify(e)), 0);
  return {
    events,
    deliveries,
    deliveryTimesMs,
    expected,
    stats: {
      uniqueEvents: events.length,
      complianceChanges: complianceMade,
      configurationItemChanges: ciMade,
      deliveries: deliveries.length,
      duplicateDeliveries,
      movedLater,
      complianceKeys: keys,
      resourcesDeleted,
      keyResourcesDeleted,
      staleComplianceDeliveries: stale,
      evaluationsDeliveredAfterDeletion: afterDeletion,
      nonCompliantDeliveries,
      expectedItems: expected.size,
      averageEventBytes: Math.round(bytes / events.length),
    },
  };
}

export interface BurstOptions {
  /** Distinct (resource, rule) pairs evaluated for the first time. @default 20000 */
  readonly count?: number;
  /** @default 'conformance-pack-burst' */
  readonly seed?: string;
  /** @default 100 */
  readonly accounts?: number;
  /** @default us-east-1, us-west-2, eu-west-1, eu-central-1 */
  readonly regions?: readonly string[];
  /** @default 0.3 */
  readonly nonCompliantShare?: number;
  /** Share of evaluations delivered twice. @default 0.05 */
  readonly duplicateRate?: number;
  /** When the pack's evaluations reach the queue (all within a second: a backlog). @default '2026-11-02T12:00:00.000Z' */
  readonly start?: string;
}

/**
 * A new conformance pack deployed across the organization: one first evaluation (no `oldEvaluationResult`) per
 * distinct (resource, rule) pair, spread over every account and region, about 30% NON_COMPLIANT, a few delivered
 * twice, all queued at once (the pollers take full batches).
 */
export function generateFirstEvaluationBurst(options: BurstOptions = {}): Workload {
  const count = options.count ?? 20_000;
  const rnd = new Random(options.seed ?? 'conformance-pack-burst');
  const regions = options.regions ?? ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
  const accounts = Array.from({ length: options.accounts ?? 100 }, (_, i) => accountId(i + 1));
  const startMs = Date.parse(options.start ?? '2026-11-02T12:00:00.000Z');
  const nonCompliant = options.nonCompliantShare ?? 0.3;
  const kindWeights = KINDS.filter((k) => k.type !== 'AWS::IAM::Role').map((k) => [k, k.weight] as const);
  const events: ConfigEvent[] = [];
  let i = 0;
  while (events.length < count) {
    // Round-robin over the account-regions, so every one of the 400 gets its share.
    const account = accounts[i % accounts.length];
    const region = regions[Math.floor(i / accounts.length) % regions.length];
    i++;
    const r = makeResource(rnd, account, region, rnd.weighted(kindWeights));
    const rule = `${rnd.pick(r.kind!.rules).replace(/-conformance-pack-$/, '')}-conformance-pack-burst`;
    const arn = `arn:aws:config:${region}:${account}:config-rule/config-rule-${rnd.alnum(6)}`;
    const status: ComplianceType = rnd.chance(nonCompliant) ? 'NON_COMPLIANT' : 'COMPLIANT';
    const recordedMs = startMs - rnd.int(1_000, 60_000);
    events.push(complianceEvent(rnd, rule, arn, r, { status, recordedMs, nullTokens: false }, undefined));
  }
  const deliveries: ConfigEvent[] = [];
  const deliveryTimesMs: number[] = [];
  let duplicateDeliveries = 0;
  let nonCompliantDeliveries = 0;
  for (const e of events) {
    const copies = rnd.chance(options.duplicateRate ?? 0.05) ? 2 : 1;
    duplicateDeliveries += copies - 1;
    for (let c = 0; c < copies; c++) {
      deliveries.push(e);
      deliveryTimesMs.push(startMs + Math.floor((deliveries.length / (count * 1.1)) * 1000));
      if (e.detail.newEvaluationResult.complianceType === 'NON_COMPLIANT') nonCompliantDeliveries++;
    }
  }
  const expected = expectedComplianceState(events);
  const bytes = events.reduce((s, e) => s + Buffer.byteLength(JSON.stringify(e)), 0);
  return {
    events,
    deliveries,
    deliveryTimesMs,
    expected,
    stats: {
      uniqueEvents: events.length,
      complianceChanges: events.length,
      configurationItemChanges: 0,
      deliveries: deliveries.length,
      duplicateDeliveries,
      movedLater: 0,
      complianceKeys: expected.size,
      resourcesDeleted: 0,
      keyResourcesDeleted: 0,
      staleComplianceDeliveries: 0,
      evaluationsDeliveredAfterDeletion: 0,
      nonCompliantDeliveries,
      expectedItems: expected.size,
      averageEventBytes: Math.round(bytes / events.length),
    },
  };
}

// Print a summary when run directly: npx ts-node --transpile-only --project test/tsconfig.json bench/workload.ts [count]
if (require.main === module) {
  const t0 = Date.now();
  const w = generateWorkload({ count: Number(process.argv[2] ?? 20_000) });
  console.log(JSON.stringify({ ...w.stats, generatedInMs: Date.now() - t0 }, null, 2));
}
