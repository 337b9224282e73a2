import * as cdk from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  BaselineRules,
  ComplianceAggregator,
  ComplianceRule,
  ConfigMonitoringAgent,
  ConfigMonitoringMaster,
  ConformancePack,
  DeliveryDestination,
  EventForwarding,
  OrganizationRule,
  Recording,
  RecordingFrequency,
  Remediation,
  RemediationDocument,
  SamplingRule,
} from '../src';

/** The central account and region of the example organization. */
export const MASTER_ENV = { account: '111111111111', region: 'eu-west-1' };

/** The example organization. */
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';

/**
 * Member accounts that run an agent, and the regions they record in. The first records with the agent's own
 * recorder and forwards through the enriching function; the second is a Control Tower account whose recorder the
 * agent adopts, forwarding directly.
 */
export const AGENT_ACCOUNTS = ['222222222222', '333333333333'];
export const AGENT_REGIONS = ['eu-west-1', 'us-east-1'];

/** The region where global resource types (IAM) are recorded. */
export const HOME_REGION = 'eu-west-1';

/** A customer-managed key that only lets AWS services create grants (Control Tower's CT.KMS.PR.3). */
function monitoringKey(scope: Construct, description: string): kms.Key {
  const key = new kms.Key(scope, 'MonitoringKey', { description, enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/** The central account, with every master feature on. */
export class MasterStack extends cdk.Stack {
  public readonly monitoring: ConfigMonitoringMaster;

  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    const encryptionKey = monitoringKey(this, 'Encrypts the config-monitoring tables, queues, topics, buckets and logs');
    const alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: encryptionKey, enforceSSL: true });
    this.monitoring = new ConfigMonitoringMaster(this, 'Monitoring', {
      organizationId: ORGANIZATION_ID,
      encryptionKey,
      aggregator: ComplianceAggregator.organization(),
      dailyReport: {},
      historyArchive: {},
      complianceApi: {},
      dashboard: { alarmTopic },
      organizationRules: [
        OrganizationRule.managed({ ruleName: 'org-cloudtrail-enabled', identifier: config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED }),
      ],
    });
  }
}

/** A member account recording with its own recorder, rules, a conformance pack and the enriching forwarder. */
export class RecordingAgentStack extends cdk.Stack {
  public readonly agent: ConfigMonitoringAgent;

  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    const encryptionKey = monitoringKey(this, 'Encrypts the AWS Config delivery bucket and the forwarder');
    const alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: encryptionKey, enforceSSL: true });
    const restrictedSsh = ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED, {
      ruleName: 'restricted-ssh',
      remediation: Remediation.automatic({ document: RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22 }),
    });
    const bucketsEncrypted = ComplianceRule.managed(config.ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, {
      ruleName: 'team-buckets-encrypted',
    });
    this.agent = new ConfigMonitoringAgent(this, 'Agent', {
      centralEventBus: centralBus(this),
      recording: Recording.create({
        frequency: RecordingFrequency.CONTINUOUS,
        globalResourceTypesRegion: HOME_REGION,
        delivery: DeliveryDestination.newBucket({ encryptionKey }),
        alarmTopic,
      }),
      rules: [restrictedSsh, ...BaselineRules.recommended().filter((rule) => rule.ruleName !== 'incoming-ssh-disabled')],
      conformancePacks: [ConformancePack.fromRules('team-baseline', [bucketsEncrypted])],
      forwarding: EventForwarding.enriched({
        accountName: `workloads-${props.env?.account}`,
        dropNotApplicable: true,
        dropRelationshipOnlyChanges: true,
        sampling: [SamplingRule.forResourceType(config.ResourceType.of('AWS::SSM::ManagedInstanceInventory'), 0.1)],
        labels: { environment: 'production' },
        encryptionKey,
      }),
    });
  }
}

/** A Control Tower account: its recorder and delivery channel exist already, so the agent adopts them. */
export class AdoptingAgentStack extends cdk.Stack {
  public readonly agent: ConfigMonitoringAgent;

  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    this.agent = new ConfigMonitoringAgent(this, 'Agent', {
      centralEventBus: centralBus(this),
      recording: Recording.adoptExisting(),
    });
  }
}

/** The master's bus, addressed by ARN: no stack references another. */
function centralBus(scope: Construct): events.IEventBus {
  return events.EventBus.fromEventBusArn(scope, 'CentralBus', ConfigMonitoringMaster.eventBusArn(MASTER_ENV.account, MASTER_ENV.region));
}

/**
 * The example organization: one master stack and an agent stack per member account and region.
 *
 * Every stack names its environment and no stack references another: each deploys on its own, in its own account.
 */
export function buildExampleApp(outdir?: string): cdk.App {
  const app = new cdk.App({ outdir });
  new MasterStack(app, 'ConfigMonitoringMaster', { env: MASTER_ENV });
  const [recordingAccount, adoptingAccount] = AGENT_ACCOUNTS;
  for (const region of AGENT_REGIONS) {
    new RecordingAgentStack(app, `ConfigMonitoringAgent-${recordingAccount}-${region}`, { env: { account: recordingAccount, region } });
    new AdoptingAgentStack(app, `ConfigMonitoringAgent-${adoptingAccount}-${region}`, { env: { account: adoptingAccount, region } });
  }
  return app;
}
