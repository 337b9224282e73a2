import { App, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import {
  ComplianceRule, ConfigMonitoringAgent, ConfigMonitoringAgentProps, ConfigMonitoringMaster, ConfigMonitoringRollout,
  ConfigMonitoringRolloutProps, ConformancePack, Recording, Remediation, RemediationDocument,
} from '../../src';

/** The central account and region of the master. */
export const MASTER = { account: '111111111111', region: 'eu-west-1' };
/** The management account, where the rollout's stack deploys. */
export const MANAGEMENT = { account: '999999999999', region: 'eu-central-1' };
export const HOME_REGION = 'eu-west-1';
export const OTHER_REGION = 'us-east-1';
export const REGIONS = [HOME_REGION, OTHER_REGION];
export const WORKLOADS_OU = 'ou-ab12-workloads1';
export const CONTROL_TOWER_OU = 'ou-ab12-controltower';
/** Two member accounts, each rendered in both regions. */
export const ACCOUNTS = ['222222222222', '333333333333'];

export const BUS_ARN = ConfigMonitoringMaster.eventBusArn(MASTER.account, MASTER.region);

/** The default configuration of the issue: direct forwarding, managed and Guard rules, remediation, a pack. */
export function agentProps(stack: Stack): ConfigMonitoringAgentProps {
  return {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', BUS_ARN),
    rules: [
      ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED, {
        ruleName: 'restricted-ssh',
        remediation: Remediation.automatic({ document: RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22 }),
      }),
      ComplianceRule.customPolicy('rule versioned when resourceType == "AWS::S3::Bucket" { configuration.versioningConfiguration.status == "Enabled" }', {
        ruleName: 'buckets-versioned',
        ruleScope: config.RuleScope.fromResources([config.ResourceType.S3_BUCKET]),
      }),
    ],
    conformancePacks: [ConformancePack.fromRules('team-baseline', [
      ComplianceRule.managed(config.ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, { ruleName: 'team-buckets-encrypted' }),
    ])],
  };
}

/** Account-level rules: once per account, in the home region. */
export function homeRegionRules(): ComplianceRule[] {
  return [
    ComplianceRule.managed(config.ManagedRuleIdentifiers.ROOT_ACCOUNT_MFA_ENABLED, { ruleName: 'root-account-mfa-enabled' }),
    ComplianceRule.managed(config.ManagedRuleIdentifiers.IAM_PASSWORD_POLICY, { ruleName: 'iam-password-policy' }),
  ];
}

/** The rollout's stack, in the management account. */
export function rolloutStack(outdir?: string): Stack {
  return new Stack(new App({ outdir }), 'Rollout', { env: MANAGEMENT });
}

/** The organization rollout: workload OUs create the recorder, Control Tower OUs adopt it. */
export function organizationRollout(stack: Stack, overrides: Partial<ConfigMonitoringRolloutProps> = {}): ConfigMonitoringRollout {
  return new ConfigMonitoringRollout(stack, 'Rollout', {
    agent: overrides.agent ?? agentProps(stack),
    homeRegion: HOME_REGION,
    homeRegionRules: homeRegionRules(),
    targets: [
      { organizationalUnitIds: [WORKLOADS_OU], regions: REGIONS },
      { organizationalUnitIds: [CONTROL_TOWER_OU], regions: REGIONS, recording: Recording.adoptExisting() },
    ],
    ...overrides,
  });
}

/**
 * The per-account stack the same props give in one account and region (as for the management account, which
 * service-managed StackSets never reach): the reference the rendered StackSet template is compared with.
 */
export function perAccountAgent(app: App, account: string, region: string, recording: Recording, name: string): Stack {
  const stack = new Stack(app, name, { env: { account, region } });
  const props = agentProps(stack);
  const home = region === HOME_REGION;
  new ConfigMonitoringAgent(stack, 'Agent', {
    ...props,
    recording: recording.adopted ? recording : Recording.create({ ...recording.options, globalResourceTypesRegion: HOME_REGION }),
    rules: [...props.rules ?? [], ...(home ? homeRegionRules() : [])],
  });
  return stack;
}
