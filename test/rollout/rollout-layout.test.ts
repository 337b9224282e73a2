import { App, Stack } from 'aws-cdk-lib';
import { agentProps, MANAGEMENT, REGIONS, WORKLOADS_OU } from './support';
import { AccountFilter, ConfigMonitoringAgent, ConfigMonitoringRollout } from '../../src';
import { overlap } from '../../src/rollout/rollout-layout';

// Impossible layouts across an app: two rollouts, or a rollout and a per-account stack, deploying the agent to the
// same account and region (two recorders named 'default', two forwarders). Checked at synth, once the app is whole.

function rollout(stack: Stack, id: string, target: Partial<ConstructorParameters<typeof ConfigMonitoringRollout>[2]['targets'][0]> = {}) {
  return new ConfigMonitoringRollout(stack, id, {
    agent: agentProps(stack),
    stackSetName: `agent-${id.toLowerCase()}`,
    targets: [{ organizationalUnitIds: [WORKLOADS_OU], regions: REGIONS, ...target }],
  });
}

test('two rollouts deploying to the same OU and region fail at synth, naming both targets and the fix', () => {
  const app = new App();
  rollout(new Stack(app, 'A', { env: MANAGEMENT }), 'First');
  rollout(new Stack(app, 'B', { env: MANAGEMENT }), 'Second', { regions: ['us-east-1'] });
  expect(() => app.synth()).toThrow(/B\/Second targets\[0\] and A\/First targets\[0\] both deploy the agent to every account of ou-ab12-workloads1 in us-east-1: an account and region takes one recorder and one agent; .*INTERSECTION in one, DIFFERENCE with the same accounts in the other/);
});

test('two rollouts that split an OU with INTERSECTION and DIFFERENCE of the same accounts are fine', () => {
  const app = new App();
  rollout(new Stack(app, 'A', { env: MANAGEMENT }), 'Most', { accounts: ['222222222222'], accountFilter: AccountFilter.DIFFERENCE });
  rollout(new Stack(app, 'B', { env: MANAGEMENT }), 'One', { accounts: ['222222222222'], accountFilter: AccountFilter.INTERSECTION });
  expect(() => app.synth()).not.toThrow();
});

test('a rollout that lists an account where a per-account agent stack already is fails at synth', () => {
  const app = new App();
  rollout(new Stack(app, 'Rollout', { env: MANAGEMENT }), 'Rollout', { accounts: ['222222222222'], accountFilter: AccountFilter.INTERSECTION });
  const agentStack = new Stack(app, 'Agent-222222222222-eu-west-1', { env: { account: '222222222222', region: 'eu-west-1' } });
  new ConfigMonitoringAgent(agentStack, 'Agent', agentProps(agentStack));
  expect(() => app.synth()).toThrow(/Rollout\/Rollout targets\[0\] deploys the agent to 222222222222 in eu-west-1, where the agent Agent-222222222222-eu-west-1\/Agent already is: .*take 222222222222 out of the target, or remove the per-account stack/);
});

test('an account the rollout excludes may keep its per-account agent stack; so may the management account', () => {
  const app = new App();
  const stack = new Stack(app, 'Rollout', { env: MANAGEMENT });
  const agent = agentProps(stack);
  new ConfigMonitoringRollout(stack, 'Rollout', {
    agent,
    targets: [{ organizationalUnitIds: [WORKLOADS_OU], regions: REGIONS, accounts: ['222222222222'], accountFilter: AccountFilter.DIFFERENCE }],
  });
  new ConfigMonitoringAgent(stack, 'ManagementAccountAgent', agent);
  const agentStack = new Stack(app, 'Agent-222222222222-eu-west-1', { env: { account: '222222222222', region: 'eu-west-1' } });
  new ConfigMonitoringAgent(agentStack, 'Agent', agentProps(agentStack));
  expect(() => app.synth()).not.toThrow();
});

describe('what two targets of one OU both deploy to', () => {
  const ou = WORKLOADS_OU;
  const t = (accountFilter?: AccountFilter, accounts?: string[]) => ({ organizationalUnitIds: [ou], regions: REGIONS, accountFilter, accounts });

  test.each([
    [t(), t(), `every account of ${ou}`],
    [t(), t(AccountFilter.DIFFERENCE, ['1']), `every account of ${ou} that neither excludes`],
    [t(AccountFilter.DIFFERENCE, ['1']), t(AccountFilter.DIFFERENCE, ['2']), `every account of ${ou} that neither excludes`],
    [t(AccountFilter.INTERSECTION, ['1', '2']), t(AccountFilter.INTERSECTION, ['2', '3']), `the accounts 2 of ${ou}`],
    [t(AccountFilter.INTERSECTION, ['1']), t(AccountFilter.INTERSECTION, ['2']), undefined],
    [t(AccountFilter.INTERSECTION, ['1', '2']), t(AccountFilter.DIFFERENCE, ['1']), `the accounts 2 of ${ou}`],
    [t(AccountFilter.DIFFERENCE, ['1']), t(AccountFilter.INTERSECTION, ['1']), undefined],
    [t(), t(AccountFilter.INTERSECTION, ['1']), `the accounts 1 of ${ou}`],
  ])('%j and %j: %s', (a, b, expected) => {
    expect(overlap(a, b, ou)).toBe(expected);
  });
});
