import * as cdk from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  AccountFilter,
  BaselineRules,
  ComplianceAggregator,
  ComplianceRule,
  ConfigMonitoringAgent,
  ConfigMonitoringMaster,
  ConfigMonitoringRollout,
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

/** The management account, where the organization rollout deploys from (as in demo/local/rollout-step.ts). */
export const MANAGEMENT_ENV = { account: '999999999999', region: 'eu-west-1' };

/** The OUs the rollout targets: accounts outside Control Tower, and accounts enrolled in it. */
export const WORKLOADS_OU = 'ou-ab12-workloads1';
export const CONTROL_TOWER_OU = 'ou-ab12-controltower';

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
        OrganizationRule.managed(config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED, { ruleName: 'org-cloudtrail-enabled' }),
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

/**
 * The management account: the organization rollout (service-managed StackSets, auto-deployed to the OUs, direct
 * forwarding, so no asset buckets), and the management account's own agent, which StackSets never reach.
 */
export class RolloutStack extends cdk.Stack {
  public readonly rollout: ConfigMonitoringRollout;
  public readonly agent: ConfigMonitoringAgent;

  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    const centralEventBus = centralBus(this);
    const [recordingAccount, adoptingAccount] = AGENT_ACCOUNTS;
    this.rollout = new ConfigMonitoringRollout(this, 'Rollout', {
      agent: {
        centralEventBus,
        rules: BaselineRules.recommended({ includeAccountLevelRules: false }),
      },
      // Global IAM types are recorded, and account-level rules deployed, in the home region only.
      homeRegion: HOME_REGION,
      homeRegionRules: BaselineRules.accountLevel(),
      targets: [
        // Accounts outside Control Tower: the agent creates the recorder. The recording account keeps its own stacks.
        {
          organizationalUnitIds: [WORKLOADS_OU],
          regions: AGENT_REGIONS,
          accounts: [recordingAccount],
          accountFilter: AccountFilter.DIFFERENCE,
        },
        // Accounts enrolled in Control Tower: the agent adopts Control Tower's recorder. The adopting account keeps its
        // own stacks.
        {
          organizationalUnitIds: [CONTROL_TOWER_OU],
          regions: AGENT_REGIONS,
          accounts: [adoptingAccount],
          accountFilter: AccountFilter.DIFFERENCE,
          recording: Recording.adoptExisting(),
        },
      ],
    });
    // This stack is in the home region: the account-level rules and the global resource types are recorded here.
    this.agent = new ConfigMonitoringAgent(this, 'ManagementAccountAgent', {
      centralEventBus,
      rules: BaselineRules.recommended(),
      recording: Recording.create({ globalResourceTypesRegion: HOME_REGION }),
    });
  }
}

/** The master's bus, addressed by ARN: no stack references another. */
function centralBus(scope: Construct): events.IEventBus {
  return events.EventBus.fromEventBusArn(scope, 'CentralBus', ConfigMonitoringMaster.eventBusArn(MASTER_ENV.account, MASTER_ENV.region));
}

/**
 * The example organization: one master stack, an agent stack per member account and region, and the management
 * account's rollout to the organization's OUs.
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
  new RolloutStack(app, 'ConfigMonitoringRollout', { env: MANAGEMENT_ENV });
  return app;
}
