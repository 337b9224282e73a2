import { agentStacks, describeRecording } from '../../demo/local/agent-stacks';
import { asDeliveredEvent } from '../../demo/local/local-agent';

const recorder = (props: Record<string, unknown>) => ({ Resources: { R: { Type: 'AWS::Config::ConfigurationRecorder', Properties: props } } });

describe('describeRecording', () => {
  test('a template without a recorder adopts the existing one', () => {
    expect(describeRecording({ Resources: {} })).toMatch(/^adopts the existing recorder/);
  });

  test('reads frequency, strategy and global types from the recorder', () => {
    const text = describeRecording(recorder({
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true, RecordingStrategy: { UseOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } },
      RecordingMode: { RecordingFrequency: 'DAILY' },
    }));
    expect(text).toBe('daily, all supported resource types (global types too)');
  });
});

test('agentStacks lists rules, conformance pack rules and the enriching forwarder, and skips the master', () => {
  const template = {
    Resources: {
      Rule: { Type: 'AWS::Config::ConfigRule', Properties: { ConfigRuleName: 'restricted-ssh' } },
      Pack: { Type: 'AWS::Config::ConformancePack', Properties: { ConformancePackName: 'team', TemplateBody: JSON.stringify({ Resources: { X: { Type: 'AWS::Config::ConfigRule', Properties: { ConfigRuleName: 'inner' } } } }) } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { FORWARDING_SETTINGS: '{}' } } } },
    },
  };
  const stack = (name: string) => ({ name, template, resourceCounts: {}, resourceTotal: 3 });

  const [agent, ...rest] = agentStacks([stack('Master'), stack('Agent-222222222222-eu-west-1')], 'Master');

  expect(rest).toEqual([]);
  expect(agent).toMatchObject({ account: '222222222222', region: 'eu-west-1', rules: ['restricted-ssh'], conformancePacks: [{ name: 'team', rules: ['inner'] }] });
  expect(agent.forwarder?.logicalId).toBe('Fn');
});

test('asDeliveredEvent wraps an entry as EventBridge delivers it: its EventId, the sender account, the bus region', () => {
  const event = asDeliveredEvent({
    Source: 'monitoring.agent.config',
    DetailType: 'Config Rules Compliance Change',
    Detail: '{"a":1}',
    EventBusName: 'arn:aws:events:eu-west-1:111111111111:event-bus/b',
    EventId: 'id-1',
    Time: '2026-11-26T09:00:00Z',
  }, '222222222222');

  expect(event).toEqual({
    'version': '0',
    'id': 'id-1',
    'detail-type': 'Config Rules Compliance Change',
    'source': 'monitoring.agent.config',
    'account': '222222222222',
    'time': '2026-11-26T09:00:00Z',
    'region': 'eu-west-1',
    'resources': [],
    'detail': { a: 1 },
  });
});
