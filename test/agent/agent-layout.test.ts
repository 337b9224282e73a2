import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { ConfigMonitoringAgent, ConfigMonitoringMaster, Recording } from '../../src';

// Impossible agent layouts fail at synth, naming both places and the fix.

const BUS_ARN = ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1');

function agent(stack: Stack, id: string, busArn = BUS_ARN, recording?: Recording): ConfigMonitoringAgent {
  return new ConfigMonitoringAgent(stack, id, { centralEventBus: events.EventBus.fromEventBusArn(stack, `${id}Bus`, busArn), recording });
}

test('two agents for the same account and region, in two stacks of one app', () => {
  const app = new App();
  agent(new Stack(app, 'AgentA', { env: { account: '222222222222', region: 'eu-west-1' } }), 'Agent');
  agent(new Stack(app, 'AgentB', { env: { account: '222222222222', region: 'eu-west-1' } }), 'Agent', BUS_ARN, Recording.adoptExisting());
  expect(() => app.synth()).toThrow(/AgentB\/Agent and AgentA\/Agent are two agents for 222222222222\/eu-west-1: an account and region takes one agent \(one recorder and one delivery channel named 'default', one forwarding\); remove one, or give their stacks different accounts or regions/);
});

test('two agents in one environment-agnostic stack', () => {
  const app = new App();
  const stack = new Stack(app, 'Agents');
  agent(stack, 'One');
  agent(stack, 'Two');
  expect(() => app.synth()).toThrow(/Agents\/Two and Agents\/One are two agents for the same stack Agents/);
});

test('agents in other accounts or regions, and one per environment-agnostic stack, are fine', () => {
  const app = new App();
  agent(new Stack(app, 'A', { env: { account: '222222222222', region: 'eu-west-1' } }), 'Agent');
  agent(new Stack(app, 'B', { env: { account: '222222222222', region: 'us-east-1' } }), 'Agent');
  agent(new Stack(app, 'C', { env: { account: '333333333333', region: 'eu-west-1' } }), 'Agent');
  agent(new Stack(app, 'D'), 'Agent');
  agent(new Stack(app, 'E'), 'Agent');
  expect(() => app.synth()).not.toThrow();
});

test('an agent whose central bus is its own account\'s default bus is refused at once, by the forwarding', () => {
  const stack = new Stack(new App(), 'Agent', { env: { account: '222222222222', region: 'eu-west-1' } });
  expect(() => agent(stack, 'Agent', 'arn:aws:events:eu-west-1:222222222222:event-bus/default'))
    .toThrow(/centralEventBus must be the master's event bus, got this account's default bus .*use ConfigMonitoringMaster.eventBusArn/);
});

test('the central account\'s own agent forwards to the master\'s bus, in the same account and region: fine', () => {
  const app = new App();
  agent(new Stack(app, 'Central', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Agent');
  expect(() => app.synth()).not.toThrow();
});
