import * as cdk from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ConfigMonitoringAgent, ConfigMonitoringMaster } from '../src';

/** The central account and region of the example organization. */
export const MASTER_ENV = { account: '111111111111', region: 'eu-west-1' };

/** The example organization. */
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';

/** Member accounts that run an agent, and the regions they record in. */
export const AGENT_ACCOUNTS = ['222222222222', '333333333333'];
export const AGENT_REGIONS = ['eu-west-1', 'us-east-1'];

/** The central account: the monitoring bus, the compliance store and the handler, under one customer-managed key. */
export class MasterStack extends cdk.Stack {
  public readonly monitoring: ConfigMonitoringMaster;

  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    const encryptionKey = new kms.Key(this, 'MonitoringKey', {
      description: 'Encrypts the config-monitoring tables, queues, topic and logs',
      enableKeyRotation: true,
    });
    // Grants on the key only for AWS resources (DynamoDB creates its own): Control Tower's CT.KMS.PR.3.
    encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    this.monitoring = new ConfigMonitoringMaster(this, 'Monitoring', {
      organizationId: ORGANIZATION_ID,
      encryptionKey,
    });
  }
}

/** A member account and region: forwards its Config events to the central bus, addressed by ARN. */
export class AgentStack extends cdk.Stack {
  public readonly agent: ConfigMonitoringAgent;

  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    this.agent = new ConfigMonitoringAgent(this, 'Agent', {
      centralEventBus: events.EventBus.fromEventBusArn(this, 'CentralBus',
        ConfigMonitoringMaster.eventBusArn(MASTER_ENV.account, MASTER_ENV.region)),
    });
  }
}

/**
 * The example organization: one master stack and an agent stack per member account and region.
 *
 * Every stack names its environment and no stack references another: each deploys on its own, in its own account.
 */
export function buildExampleApp(outdir?: string): cdk.App {
  const app = new cdk.App({ outdir });
  new MasterStack(app, 'ConfigMonitoringMaster', { env: MASTER_ENV });
  for (const account of AGENT_ACCOUNTS) {
    for (const region of AGENT_REGIONS) {
      new AgentStack(app, `ConfigMonitoringAgent-${account}-${region}`, { env: { account, region } });
    }
  }
  return app;
}
