import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildExampleApp } from '../../demo/example-app';
import { ConfigMonitoringAgent, ConfigMonitoringMaster } from '../../src';

// The apps the policy tests (test/policy/*) check, besides the example app: one place, so that cdk-nag, cfn-guard
// and cfn-lint check the same configurations.

const ENV = { account: '111111111111', region: 'eu-west-1' };

/** A master with default props (no customer-managed key, no optional feature) in a stack named `Defaults`. */
function defaultMaster(app: App): void {
  new ConfigMonitoringMaster(new Stack(app, 'Defaults', { env: ENV }), 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });
}

/**
 * Other master configurations: defaults, a listed-accounts master with its own bus and topic (`Own`), and fleet
 * coverage from Organizations with the API and the daily report that serve it (`Fleet`).
 */
export function masterVariantsApp(outdir: string): App {
  const app = new App({ outdir });
  defaultMaster(app);
  const own = new Stack(app, 'Own', { env: ENV });
  new ConfigMonitoringMaster(own, 'Monitoring', {
    agentAccounts: ['222222222222', '333333333333'],
    eventBus: new events.EventBus(own, 'SharedBus', { eventBusName: 'shared' }),
    notificationTopic: new sns.Topic(own, 'Topic', { enforceSSL: true }),
  });
  new ConfigMonitoringMaster(new Stack(app, 'Fleet', { env: ENV }), 'Monitoring', {
    organizationId: 'o-a1b2c3d4e5',
    fleetCoverage: { regions: ['eu-west-1', 'us-east-1'], organizationalUnitIds: ['ou-ab12-workloads1'], excludedAccounts: [ENV.account] },
    complianceApi: {},
    dailyReport: {},
  });
  return app;
}

/** A master and an agent with default props (`Defaults`, `DefaultAgent`). */
export function defaultPropsApp(outdir: string): App {
  const app = new App({ outdir });
  defaultMaster(app);
  const agentStack = new Stack(app, 'DefaultAgent', { env: { ...ENV, account: '222222222222' } });
  new ConfigMonitoringAgent(agentStack, 'Agent', {
    centralEventBus: events.EventBus.fromEventBusArn(agentStack, 'CentralBus', ConfigMonitoringMaster.eventBusArn(ENV.account, ENV.region)),
  });
  return app;
}

/** Every app the policy tests check, by name, each synthesized into its own folder of `outdir`. */
export function policyApps(outdir: string): Record<string, App> {
  return {
    'example': buildExampleApp(path.join(outdir, 'example')),
    'master-variants': masterVariantsApp(path.join(outdir, 'master-variants')),
    'default-props': defaultPropsApp(path.join(outdir, 'default-props')),
  };
}
