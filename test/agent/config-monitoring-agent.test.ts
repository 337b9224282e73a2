import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import { ComplianceRule, ConfigEventType, ConfigMonitoringAgent, ConfigMonitoringAgentProps, ConfigMonitoringMaster, ConformancePack, EventForwarding, Recording, Remediation, RemediationDocument } from '../../src';

const ENV = { account: '222222222222', region: 'us-east-1' };
const CENTRAL_BUS_ARN = 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring';

function synth(props: Partial<ConfigMonitoringAgentProps> = {}) {
  const stack = new Stack(new App(), 'Agent', { env: ENV });
  const agent = new ConfigMonitoringAgent(stack, 'Agent', {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1')),
    ...props,
  });
  return { stack, agent, template: Template.fromStack(stack) };
}

function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

test('every function of the agent, the service-linked role\'s and the enriched forwarder\'s included, runs on arm64', () => {
  for (const forwarding of [undefined, EventForwarding.enriched()]) {
    const functions = Object.values(synth({ forwarding }).template.findResources('AWS::Lambda::Function'));

    expect(functions.length).toBeGreaterThan(0);
    expect(functions.map((f) => f.Properties.Architectures)).toEqual(functions.map(() => ['arm64']));
  }
});

describe('ConfigMonitoringAgent, recording by default', () => {
  test('creates the recorder, the delivery channel and its bucket unless told to adopt existing ones', () => {
    const { agent, template } = synth();

    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    template.resourceCountIs('AWS::Config::DeliveryChannel', 1);
    expect(agent.deliveryBucket).toBeDefined();
    expect(agent.recordingCostAlarm).toBeDefined();
    expect(agent.configRules).toEqual([]);
  });

  test('fails when a remediation role is asked of an agent without rules', () => {
    const { agent } = synth();

    expect(() => agent.remediationRole('restricted-ssh')).toThrow(/remediationRole\('restricted-ssh'\): the agent has no rules/);
    expect(() => agent.packRemediationRole('p', 'restricted-ssh')).toThrow(/packRemediationRole\('p', 'restricted-ssh'\): the agent has no conformance packs/);
  });

  test('packRemediationRole() returns the automation role of a rule inside a conformance pack', () => {
    const { agent, template } = synth({
      conformancePacks: [ConformancePack.fromRules('p', [ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED, {
        remediation: Remediation.manual({ document: RemediationDocument.of('My-Runbook') }),
      })])],
    });
    const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.includes('Remediation'));
    expect(roles).toHaveLength(1);
    expect(Stack.of(agent).resolve(agent.packRemediationRole('p', 'incoming-ssh-disabled').roleArn)).toEqual({ 'Fn::GetAtt': [roles[0], 'Arn'] });
  });
});

describe('ConfigMonitoringAgent, forwarding defaults (recording adopted)', () => {
  // Prepare: one synth for every default assertion; adopting the recorder leaves only the forwarding resources.
  const { stack, agent, template } = synth({ recording: Recording.adoptExisting() });
  const rule = logicalId(template, 'AWS::Events::Rule', 'AgentForwardRule');
  const role = logicalId(template, 'AWS::IAM::Role', 'AgentForwardRole');
  const dlq = logicalId(template, 'AWS::SQS::Queue', 'AgentDeadLetterQueue');

  test('creates only the rule, its role and policy, and the dead-letter queue and its policy', () => {
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type).sort()).toEqual([
      'AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
    ]);
  });

  test('ForwardRule: on the default bus, Config source, configuration-item and compliance changes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      State: 'ENABLED',
      EventPattern: Match.exact({
        'source': ['aws.config'],
        'detail-type': ['Config Configuration Item Change', 'Config Rules Compliance Change'],
      }),
    });
  });

  test('cross-account forwarding: the target is the central bus, through a role in this account, with a retry policy and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.exact({
        Id: 'Target0',
        Arn: CENTRAL_BUS_ARN,
        RoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      })],
    });
  });

  test('the role: assumed by EventBridge for this account only, allowed only events:PutEvents on the central bus', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } },
        }],
      },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: CENTRAL_BUS_ARN }] },
    });
  });

  test('the dead-letter queue: encrypted, 14 days, TLS only, EventBridge may send from this rule only', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Resource: { 'Fn::GetAtt': [dlq, 'Arn'] },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [dlq, 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
          },
        ],
      },
    });
  });

  test('exposes the rule, the role and the dead-letter queue', () => {
    expect(agent.forwardRule.node.id).toBe('ForwardRule');
    expect(agent.forwardRole.node.id).toBe('ForwardRole');
    expect(agent.deadLetterQueue.node.id).toBe('DeadLetterQueue');
  });

  test('metrics: failed deliveries of the rule and the dead-letter depth', () => {
    const failures = agent.metricForwardFailures();
    expect(failures.namespace).toBe('AWS/Events');
    expect(failures.metricName).toBe('FailedInvocations');
    expect(failures.statistic).toBe('Sum');
    expect(stack.resolve(failures.dimensions)).toEqual({ RuleName: { Ref: rule } });
    expect(agent.metricForwardFailures({ period: Duration.minutes(1) }).period.toMinutes()).toBe(1);

    const depth = agent.metricDeadLetterDepth();
    expect(depth.metricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(depth.statistic).toBe('Maximum');
    expect(stack.resolve(depth.dimensions)).toEqual({ QueueName: { 'Fn::GetAtt': [dlq, 'QueueName'] } });
  });
});

describe('ConfigMonitoringAgent, overrides', () => {
  test('forwardedEvents chooses the detail-types, without duplicates', () => {
    const { template } = synth({
      forwardedEvents: [ConfigEventType.COMPLIANCE_CHANGE, ConfigEventType.of('Config Rules Re-evaluation Status'), ConfigEventType.COMPLIANCE_CHANGE],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.exact({
        'source': ['aws.config'],
        'detail-type': ['Config Rules Compliance Change', 'Config Rules Re-evaluation Status'],
      }),
    });
  });

  test('ConfigEventType carries the exact detail-types', () => {
    expect(ConfigEventType.CONFIGURATION_ITEM_CHANGE.detailType).toBe('Config Configuration Item Change');
    expect(ConfigEventType.COMPLIANCE_CHANGE.detailType).toBe('Config Rules Compliance Change');
    expect(ConfigEventType.of('Config Configuration Snapshot Delivery Status').detailType).toBe('Config Configuration Snapshot Delivery Status');
  });

  test('retryAttempts and maxEventAge set the retry policy', () => {
    const { template } = synth({ retryAttempts: 10, maxEventAge: Duration.hours(2) });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 } })],
    });
  });

  test('the limits themselves are accepted', () => {
    synth({ retryAttempts: 0, maxEventAge: Duration.seconds(60) }).template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
  });

  test('a central bus given by name in this account (the master account runs an agent too)', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    new ConfigMonitoringAgent(stack, 'Agent', { centralEventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'config-monitoring') });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:222222222222:event-bus/config-monitoring']] },
        })],
      },
    });
  });

  test('accepts tokens without validation', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    new ConfigMonitoringAgent(stack, 'Agent', {
      centralEventBus: events.EventBus.fromEventBusArn(stack, 'Bus', new CfnParameter(stack, 'BusArn').valueAsString),
      retryAttempts: new CfnParameter(stack, 'Retries', { type: 'Number' }).valueAsNumber,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { Ref: 'BusArn' }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: { Ref: 'Retries' } }) })],
    });
  });
});

describe('ConfigMonitoringAgent, validation', () => {
  test.each([-1, 186, 1.5])('fails when retryAttempts is %p', (retryAttempts) => {
    expect(() => synth({ retryAttempts }))
      .toThrow(`retryAttempts must be an integer from 0 to 185, got ${retryAttempts}: EventBridge retries a target from 0 to 185 times`);
  });

  test.each([Duration.seconds(59), Duration.hours(25)])('fails when maxEventAge is %s', (maxEventAge) => {
    expect(() => synth({ maxEventAge }))
      .toThrow(`maxEventAge must be from 1 minute to 1 day, got ${maxEventAge.toHumanString()}: EventBridge keeps retrying an event for 60 seconds to 24 hours`);
  });

  test('fails when maxEventAge is not whole seconds', () => {
    expect(() => synth({ maxEventAge: Duration.millis(90_500) })).toThrow(/^ConfigMonitoringAgent at 'Agent\/Agent': maxEventAge must be a whole number of seconds/);
  });

  test('fails when forwardedEvents is empty', () => {
    expect(() => synth({ forwardedEvents: [] })).toThrow(/^ConfigMonitoringAgent at 'Agent\/Agent': forwardedEvents must name at least one event type, got \[\]/);
  });

  test('fails when ConfigEventType.of() gets an empty detail-type', () => {
    expect(() => ConfigEventType.of(' ')).toThrow(/^ConfigEventType.of\(\) needs a detail-type, got ''/);
  });

  test('fails when the central bus is this account\'s own default bus', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    expect(() => new ConfigMonitoringAgent(stack, 'Agent', {
      centralEventBus: events.EventBus.fromEventBusArn(stack, 'Bus', 'arn:aws:events:us-east-1:222222222222:event-bus/default'),
    })).toThrow("centralEventBus must be the master's event bus, got this account's default bus "
      + "'arn:aws:events:us-east-1:222222222222:event-bus/default': forwarding the default bus to itself would loop");
  });
});
