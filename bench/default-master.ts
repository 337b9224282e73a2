/**
 * The master with only its required props (organizationId, or agentAccounts), synthesized here: the configuration a new user deploys, which the
 * realistic run and the burst measure (the example app turns every feature on; its defaults may differ).
 *
 * `configurationItemHistory` is passed only when asked for, so this compiles before and after the master has it.
 */
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { CfnTemplate } from '../demo/local/dynamodb-from-template';
import { ConfigMonitoringMaster, ConfigMonitoringMasterProps } from '../src/index';

export const DEFAULT_MASTER_ENV = { account: '111111111111', region: 'us-east-1' };

/** Synthesize a stack holding `new ConfigMonitoringMaster(stack, 'Monitoring', props)`; returns its template. */
export function synthDefaultMaster(props: Partial<ConfigMonitoringMasterProps> & Record<string, unknown> = {}, outdir?: string): CfnTemplate {
  const app = new cdk.App({ outdir: outdir ?? path.join(os.tmpdir(), `bench-default-master-${process.pid}`) });
  const stack = new cdk.Stack(app, 'ConfigMonitoringMasterDefaults', { env: DEFAULT_MASTER_ENV });
  new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-exampleorgid', ...props } as ConfigMonitoringMasterProps);
  const assembly = app.synth();
  return assembly.getStackByName(stack.stackName).template as CfnTemplate;
}
