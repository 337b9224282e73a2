import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import { ComplianceRule, ConfigMonitoringAgent, type ConfigMonitoringAgentProps, ConfigMonitoringMaster, ConformancePack, Recording } from '../../src';

function synth(props: Partial<ConfigMonitoringAgentProps> = {}) {
  const stack = new Stack(new App(), 'Agent', { env: { account: '222222222222', region: 'us-east-1' } });
  const agent = new ConfigMonitoringAgent(stack, 'Agent', {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1')),
    ...props,
  });
  return { stack, agent };
}

const rule = () => ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED);

describe('the agent exposes the Config resources it creates', () => {
  test('configurationRecorder and deliveryChannel are the synthesized resources: a change to them shows in the template', () => {
    const { stack, agent } = synth();
    agent.deliveryChannel!.s3KeyPrefix = 'config';
    agent.configurationRecorder!.addPropertyOverride('RecordingGroup.IncludeGlobalResourceTypes', false);

    const template = Template.fromStack(stack);
    const channels = template.findResources('AWS::Config::DeliveryChannel');
    expect(Object.keys(channels)).toEqual([stack.getLogicalId(agent.deliveryChannel!)]);
    expect(Object.values(channels)[0].Properties.S3KeyPrefix).toBe('config');
    const recorders = template.findResources('AWS::Config::ConfigurationRecorder');
    expect(Object.keys(recorders)).toEqual([stack.getLogicalId(agent.configurationRecorder!)]);
    expect(Object.values(recorders)[0].Properties.RecordingGroup.IncludeGlobalResourceTypes).toBe(false);
  });

  test('an adopted recording leaves both undefined', () => {
    const { agent } = synth({ recording: Recording.adoptExisting() });

    expect(agent.configurationRecorder).toBeUndefined();
    expect(agent.deliveryChannel).toBeUndefined();
  });

  test('conformancePacks are the synthesized packs, in the order given', () => {
    const { stack, agent } = synth({
      recording: Recording.adoptExisting(),
      conformancePacks: [ConformancePack.fromRules('first', [rule()]), ConformancePack.fromRules('second', [rule()])],
    });

    const packs = Template.fromStack(stack).findResources('AWS::Config::ConformancePack');
    expect(agent.conformancePacks.map((pack) => stack.getLogicalId(pack))).toEqual(Object.keys(packs));
    expect(agent.conformancePacks.map((pack) => pack.conformancePackName)).toEqual(['first', 'second']);
  });

  test('an agent without packs exposes an empty list', () => {
    expect(synth({ recording: Recording.adoptExisting() }).agent.conformancePacks).toEqual([]);
  });
});
