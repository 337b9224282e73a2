import { App, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import { ownFunction } from './support';
import { ComplianceRule, ConfigMonitoringAgent, ConfigMonitoringMaster, ConformancePack, OrganizationRule, Recording } from '../../../src';

// A factory cannot know where its rule will be deployed: it only records the options, and the construct that binds
// the rule checks them, so the message says which construct of which stack is wrong.

function agentStack() {
  return new Stack(new App(), 'Team', { env: { account: '222222222222', region: 'eu-west-1' } });
}

function agent(stack: Stack, rules: ComplianceRule[], conformancePacks: ConformancePack[] = []) {
  return new ConfigMonitoringAgent(stack, 'Agent', {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'Bus', ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1')),
    recording: Recording.adoptExisting(),
    rules,
    conformancePacks,
  });
}

describe('account rule options are checked by the agent, with its path', () => {
  test('the factories accept bad options without throwing', () => {
    expect(() => ComplianceRule.managed('not-an-identifier')).not.toThrow();
    expect(() => ComplianceRule.managed(config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED, { ruleName: 'has space' })).not.toThrow();
    expect(() => ComplianceRule.customPolicy('', { ruleName: 'g' })).not.toThrow();
    expect(() => ConformancePack.fromRules('empty', [])).not.toThrow();
  });

  test.each<[string, (stack: Stack) => ComplianceRule, string]>([
    ['a bad managed identifier', () => ComplianceRule.managed('restricted-ssh'), "ComplianceRule.managed() needs a managed rule identifier, got 'restricted-ssh'"],
    ['a bad rule name', () => ComplianceRule.managed(config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED, { ruleName: 'has space' }),
      "ruleName must be 1 to 128 letters, digits, '-', '_' or '.', starting with a letter or digit, got 'has space'"],
    ['a custom rule without a trigger', (stack) => ComplianceRule.custom(ownFunction(stack), { ruleName: 'tags' }),
      "rule 'tags' has no trigger: set configurationChanges: true, periodic: true, or both"],
    ['an empty Guard policy', () => ComplianceRule.customPolicy(' ', { ruleName: 'g' }), "policyText of rule 'g' must hold a Guard policy"],
  ])('%s fails naming the agent', (_, rule, message) => {
    const stack = agentStack();

    expect(() => agent(stack, [rule(stack)])).toThrow(`ConfigMonitoringAgent at 'Team/Agent': ${message}`);
  });

  test('a bad rule inside a conformance pack fails naming the agent', () => {
    const stack = agentStack();
    const pack = ConformancePack.fromRules('baseline', [ComplianceRule.managed('lower-case')]);

    expect(() => agent(stack, [], [pack])).toThrow("ConfigMonitoringAgent at 'Team/Agent': ComplianceRule.managed() needs a managed rule identifier");
  });

  test('an empty conformance pack fails naming the agent', () => {
    expect(() => agent(agentStack(), [], [ConformancePack.fromRules('empty', [])]))
      .toThrow("ConfigMonitoringAgent at 'Team/Agent': rules of conformance pack 'empty' must hold at least one rule");
  });
});

describe('organization rule options are checked by the master, with its path', () => {
  const master = (organizationRules: OrganizationRule[]) => {
    const stack = new Stack(new App(), 'Central', { env: { account: '111111111111', region: 'eu-west-1' } });
    return new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', organizationRules });
  };

  test('the factory accepts bad options without throwing', () => {
    expect(() => OrganizationRule.managed(config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED, { ruleName: 'has space' })).not.toThrow();
  });

  test('a bad rule name fails naming the master', () => {
    expect(() => master([OrganizationRule.managed(config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED, { ruleName: 'has space' })]))
      .toThrow("ConfigMonitoringMaster at 'Central/Monitoring': ruleName must contain only letters, digits, - and _, got 'has space'");
  });

  test('a Guard policy over the limit fails naming the master', () => {
    expect(() => master([OrganizationRule.customPolicy('x'.repeat(10_001), { ruleName: 'g' })]))
      .toThrow("ConfigMonitoringMaster at 'Central/Monitoring': policyText of rule 'g' must be");
  });
});
