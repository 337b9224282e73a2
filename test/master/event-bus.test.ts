import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConfigMonitoringMaster, ConfigMonitoringMasterProps } from '../../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const ORG = 'o-a1b2c3d4e5';
const SOURCES = ['aws.config', 'monitoring.agent.config', 'aws.ssm'];
// The rule takes every Config and agent event, and of aws.ssm only the remediation executions' status changes.
const RULE_PATTERN = {
  $or: [
    { source: ['aws.config', 'monitoring.agent.config'] },
    { 'source': ['aws.ssm'], 'detail-type': ['EC2 Automation Execution Status-change Notification'] },
  ],
};

function synth(props: ConfigMonitoringMasterProps, prepare?: (stack: Stack) => Partial<ConfigMonitoringMasterProps>) {
  const stack = new Stack(new App(), 'Master', { env: ENV });
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { ...props, ...prepare?.(stack) });
  return { stack, master, template: Template.fromStack(stack) };
}

function policyStatements(template: Template): Record<string, any> {
  return template.findResources('AWS::Events::EventBusPolicy');
}

describe('monitoring event bus, default (organization)', () => {
  // Prepare: one synth for every default assertion.
  const { master, template } = synth({ organizationId: ORG });

  test('creates one bus named config-monitoring', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'config-monitoring' });
    expect(ConfigMonitoringMaster.DEFAULT_EVENT_BUS_NAME).toBe('config-monitoring');
  });

  test('grants the organization events:PutEvents for the Config, agent and SSM sources only', () => {
    template.resourceCountIs('AWS::Events::EventBusPolicy', 1);
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: { Ref: Match.stringLikeRegexp('MonitoringEventBus') },
      StatementId: Match.stringLikeRegexp('^ConfigMonitoringOrganization-[A-Za-z0-9-]+$'),
      Statement: {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('MonitoringEventBus'), 'Arn'] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'events:source': SOURCES } },
      },
    });
  });

  test('the statement id fits EventBridge limits', () => {
    for (const policy of Object.values(policyStatements(template))) {
      expect(policy.Properties.StatementId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });

  test('the rule on the bus matches the Config sources and, of SSM, only automation execution status changes', () => {
    // One rule on the monitoring bus (the account activity schedule is on the default bus).
    expect(Object.values(template.findResources('AWS::Events::Rule')).filter((r: any) => r.Properties.EventBusName)).toHaveLength(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('MonitoringEventBus') },
      EventPattern: Match.exact(RULE_PATTERN),
      State: 'ENABLED',
    });
  });

  test('exposes the bus', () => {
    expect(master.eventBus.node.id).toBe('EventBus');
  });
});

describe('monitoring event bus, overrides', () => {
  test('eventBusName names the created bus', () => {
    const { template } = synth({ organizationId: ORG, eventBusName: 'org-config' });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'org-config' });
  });

  test('agentAccounts alone: one statement with the account roots, no organization statement', () => {
    const { template } = synth({ agentAccounts: ['222222222222', '333333333333'] });
    template.resourceCountIs('AWS::Events::EventBusPolicy', 1);
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: Match.stringLikeRegexp('^ConfigMonitoringAgentAccounts-'),
      Statement: {
        Effect: 'Allow',
        Principal: {
          AWS: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:root']] },
          ],
        },
        Action: 'events:PutEvents',
        Condition: { StringEquals: Match.exact({ 'events:source': SOURCES }) },
      },
    });
  });

  test('duplicate accounts are granted once', () => {
    const { template } = synth({ agentAccounts: ['222222222222', '222222222222'] });
    const [policy] = Object.values(policyStatements(template));
    expect(policy.Properties.Statement.Principal.AWS).toEqual(
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] });
  });

  test('organizationId and agentAccounts: a separate statement for each, with distinct statement ids', () => {
    const { template } = synth({ organizationId: ORG, agentAccounts: ['444444444444'] });
    const policies = Object.values(policyStatements(template));
    expect(policies).toHaveLength(2);
    const ids = policies.map((p) => p.Properties.StatementId);
    expect(new Set(ids).size).toBe(2);
    const conditions = policies.map((p) => p.Properties.Statement.Condition.StringEquals);
    expect(conditions).toContainEqual({ 'aws:PrincipalOrgID': ORG, 'events:source': SOURCES });
    expect(conditions).toContainEqual({ 'events:source': SOURCES });
  });

  test('a bus you bring is not created again: only the policies and the rule are added to it', () => {
    const { template } = synth({ organizationId: ORG, agentAccounts: ['222222222222'] },
      (stack) => ({ eventBus: events.EventBus.fromEventBusName(stack, 'Shared', 'shared-bus') }));
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 2);
    template.allResourcesProperties('AWS::Events::EventBusPolicy', {
      EventBusName: 'shared-bus',
      Statement: Match.objectLike({
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:event-bus/shared-bus']] },
      }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'shared-bus',
      EventPattern: Match.exact(RULE_PATTERN),
    });
  });

  test('a bus of the same stack keeps its own policy statements: none are replaced', () => {
    const { template } = synth({ organizationId: ORG }, (stack) => {
      const shared = new events.EventBus(stack, 'SharedBus', { eventBusName: 'shared' });
      shared.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'GuardDutyFindings',
        principals: [new iam.AccountPrincipal('555555555555')],
        actions: ['events:PutEvents'],
        resources: [shared.eventBusArn],
      }));
      return { eventBus: shared };
    });
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const ids = Object.values(policyStatements(template)).map((p) => p.Properties.StatementId);
    expect(ids).toHaveLength(2);
    expect(ids).toContain('cdk-GuardDutyFindings');
  });

  test('tokens are accepted without validation', () => {
    const { template } = synth({}, (stack) => ({
      organizationId: new CfnParameter(stack, 'OrgId').valueAsString,
      agentAccounts: new CfnParameter(stack, 'Accounts', { type: 'CommaDelimitedList' }).valueAsList,
    }));
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrgId' }, 'events:source': SOURCES } } }),
    });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Principal: { AWS: { Ref: 'Accounts' } } }),
    });
  });

  test('single account tokens are accepted without validation', () => {
    const { template } = synth({}, (stack) => ({
      agentAccounts: [new CfnParameter(stack, 'Account').valueAsString],
    }));
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'Account' }, ':root']] } },
      }),
    });
  });
});

describe('ConfigMonitoringMaster.eventBusArn', () => {
  test('builds the ARN of the default bus name with the partition written out', () => {
    expect(ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1'))
      .toBe('arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring');
  });

  test('uses the partition of the region and the given name', () => {
    expect(ConfigMonitoringMaster.eventBusArn('111111111111', 'cn-north-1', 'org-config'))
      .toBe('arn:aws-cn:events:cn-north-1:111111111111:event-bus/org-config');
    expect(ConfigMonitoringMaster.eventBusArn('111111111111', 'us-gov-west-1'))
      .toBe('arn:aws-us-gov:events:us-gov-west-1:111111111111:event-bus/config-monitoring');
  });

  test('fails on a region or bus name that cannot be in an event bus ARN, naming the prop and the fix', () => {
    expect(() => ConfigMonitoringMaster.eventBusArn('111111111111', '111111111111'))
      .toThrow("region must be an AWS region such as 'eu-west-1', got '111111111111'");
    expect(() => ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1',
      'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring'))
      .toThrow(/^eventBusName must be 1 to 256 letters, digits, '.', '_' or '-', got 'arn:aws:events:.*': pass the name/);
  });

  test('the props are required: a master without them does not compile', () => {
    const stack = new Stack(new App(), 'Master', { env: ENV });
    // @ts-expect-error -- organizationId or agentAccounts must be given, so the props cannot be left out
    expect(() => new ConfigMonitoringMaster(stack, 'Monitoring')).toThrow();
  });

  test('an agent stack can import it without a cross-stack reference', () => {
    const stack = new Stack(new App(), 'Agent', { env: { account: '222222222222', region: 'us-east-1' } });
    const bus = events.EventBus.fromEventBusArn(stack, 'Central', ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1'));
    expect(bus.eventBusName).toBe('config-monitoring');
    expect(bus.env).toEqual({ account: '111111111111', region: 'eu-west-1' });
  });

  test('fails when the account is not 12 digits', () => {
    expect(() => ConfigMonitoringMaster.eventBusArn('1111', 'eu-west-1'))
      .toThrow("account must be a 12-digit AWS account id, got '1111'");
  });
});
