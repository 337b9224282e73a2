import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { matchesPattern } from './event-pattern-matcher';
import { ConfigEventType } from '../../../src/agent/forwarding/config-event-type';
import { createEventForwarding } from '../../../src/agent/forwarding/direct-forwarding';
import { EventForwarding } from '../../../src/agent/forwarding/event-forwarding';
import { definitionValues, remediationDocumentsSetting, type RemediationEventSource } from '../../../src/agent/forwarding/remediation-events';
import { masterEventPattern } from '../../../src/master/event-pipeline';
import { REMEDIATION_DOCUMENT, ssmFixture } from '../../fixtures/ssm/fixtures';

const ENV = { account: '222222222222', region: 'eu-west-1' };
const BUS_ARN = 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring';
const REMEDIATIONS: RemediationEventSource[] = [
  { documentName: REMEDIATION_DOCUMENT, configRuleName: 'restricted-common-ports', resourceType: 'AWS::EC2::SecurityGroup' },
  { documentName: 'AWS-DisableIncomingSSHOnPort22', configRuleName: 'restricted-ssh', resourceType: 'AWS::EC2::SecurityGroup' },
];

function synth(mode: EventForwarding, remediations?: RemediationEventSource[]) {
  const stack = new Stack(new App(), 'Agent', { env: ENV });
  mode._bind(stack, {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'Central', BUS_ARN),
    forwardedEvents: [ConfigEventType.CONFIGURATION_ITEM_CHANGE, ConfigEventType.COMPLIANCE_CHANGE],
    retryAttempts: 185,
    maxEventAge: Duration.hours(24),
    remediations,
  });
  return Template.fromStack(stack);
}

function rulePattern(template: Template, idPattern: RegExp): Record<string, any> {
  const rules = Object.entries(template.findResources('AWS::Events::Rule')).filter(([id]) => idPattern.test(id));
  expect(rules).toHaveLength(1);
  return rules[0][1].Properties.EventPattern;
}

const success = ssmFixture('remediation-success.json');
const failed = ssmFixture('remediation-failed.json');
const timedOut = ssmFixture('remediation-timed-out.json');
const unrelated = ssmFixture('aws-docs-automation-execution-status-change.json');
const stepOfRemediation = { ...failed, 'detail-type': 'EC2 Automation Step Status-change Notification' };

describe('remediation events, direct forwarding', () => {
  const template = synth(EventForwarding.direct(), REMEDIATIONS);
  const pattern = rulePattern(template, /^RemediationForwardRule/);

  test('the rule takes the execution status changes of the remediation documents only', () => {
    expect(pattern).toEqual({
      'source': ['aws.ssm'],
      'detail-type': ['EC2 Automation Execution Status-change Notification'],
      'detail': { Definition: [REMEDIATION_DOCUMENT, 'AWS-DisableIncomingSSHOnPort22'] },
    });
    // Prepare/Act/Assess on the events themselves: success, failure and timeout match; an unrelated automation and
    // a step status change of a remediation document do not.
    expect([success, failed, timedOut].map((event) => matchesPattern(pattern, event))).toEqual([true, true, true]);
    expect(matchesPattern(pattern, unrelated)).toBe(false);
    expect(matchesPattern(pattern, stepOfRemediation)).toBe(false);
  });

  test('the remediation rule shares the target, role, retry policy and dead-letter queue of ForwardRule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.ssm'] }),
      Targets: [Match.objectLike({
        Arn: BUS_ARN,
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetterQueue'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      })],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'sqs:SendMessage',
          Condition: {
            ArnEquals: {
              'aws:SourceArn': [
                { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardRule'), 'Arn'] },
                { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemediationForwardRule'), 'Arn'] },
              ],
            },
          },
        })]),
      },
    });
  });

  test('the master rule lets the forwarded executions through, and no other SSM event', () => {
    const master = masterEventPattern();
    expect([success, failed, timedOut, unrelated].every((event) => matchesPattern(master, event))).toBe(true);
    expect(matchesPattern(master, stepOfRemediation)).toBe(false);
    expect(matchesPattern(master, { 'source': 'aws.config', 'detail-type': 'Config Rules Compliance Change' })).toBe(true);
  });

  test('without remediations there is no remediation rule and ForwardRule is unchanged', () => {
    const plain = synth(EventForwarding.direct());
    plain.resourceCountIs('AWS::Events::Rule', 1);
    plain.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardRule'), 'Arn'] } } },
        })]),
      },
    });
  });

  test('createEventForwarding returns the remediation rule', () => {
    const stack = new Stack(new App(), 'Direct', { env: ENV });
    const forwarding = createEventForwarding(stack, {
      centralEventBus: events.EventBus.fromEventBusArn(stack, 'Central', BUS_ARN),
      forwardedEvents: [ConfigEventType.COMPLIANCE_CHANGE],
      retryAttempts: 3,
      maxEventAge: Duration.hours(1),
      remediations: REMEDIATIONS,
    });
    expect(forwarding.remediationRule?.node.id).toBe('RemediationForwardRule');
  });
});

describe('remediation events, enriched forwarding', () => {
  const template = synth(EventForwarding.enriched({ accountName: 'workloads-prod' }), REMEDIATIONS);

  test('a second rule takes the same executions to the buffer queue', () => {
    const pattern = rulePattern(template, /RemediationRule/);
    expect(matchesPattern(pattern, failed)).toBe(true);
    expect(matchesPattern(pattern, unrelated)).toBe(false);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.ssm'] }),
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BufferQueue'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      })],
    });
  });

  test('the function learns each document with its rules and resource types', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const settings = JSON.parse(functions[0].Properties.Environment.Variables.FORWARDING_SETTINGS);
    expect(settings.remediationDocuments).toEqual({
      [REMEDIATION_DOCUMENT]: { configRuleNames: ['restricted-common-ports'], resourceTypes: ['AWS::EC2::SecurityGroup'] },
      'AWS-DisableIncomingSSHOnPort22': { configRuleNames: ['restricted-ssh'], resourceTypes: ['AWS::EC2::SecurityGroup'] },
    });
  });

  test('without remediations: one rule, no remediationDocuments setting', () => {
    const plain = synth(EventForwarding.enriched());
    plain.resourceCountIs('AWS::Events::Rule', 1);
    const functions = Object.values(plain.findResources('AWS::Lambda::Function')) as any[];
    expect(JSON.parse(functions[0].Properties.Environment.Variables.FORWARDING_SETTINGS).remediationDocuments).toBeUndefined();
  });
});

describe('remediation document helpers', () => {
  test('a document given by ARN matches by ARN and by name', () => {
    const arn = 'arn:aws:ssm:eu-west-1:333333333333:document/SharedRemediation';
    expect(definitionValues([{ documentName: arn, configRuleName: 'r' }])).toEqual([arn, 'SharedRemediation']);
  });

  test('a document used by two rules lists both; a document named like an Object member stays a document', () => {
    expect(remediationDocumentsSetting([
      { documentName: 'constructor', configRuleName: 'a' },
      { documentName: 'constructor', configRuleName: 'b', resourceType: 'AWS::S3::Bucket' },
    ])).toEqual({ constructor: { configRuleNames: ['a', 'b'], resourceTypes: ['AWS::S3::Bucket'] } });
    expect(remediationDocumentsSetting([])).toBeUndefined();
    // A conformance-pack remediation: forwarded, but with no rule to link it by.
    expect(remediationDocumentsSetting([{ documentName: 'AWS-X' }])).toEqual({ 'AWS-X': { configRuleNames: [], resourceTypes: [] } });
  });
});
