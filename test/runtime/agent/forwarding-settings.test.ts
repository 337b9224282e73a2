import { parseForwardingSettings } from '../../../src/runtime/agent/forwarding-settings';

const BUS = 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring';

describe('parseForwardingSettings', () => {
  test('reads a full document', () => {
    const parsed = parseForwardingSettings(JSON.stringify({
      centralEventBusArn: BUS,
      includeResourceTypes: ['AWS::EC2::Instance'],
      excludeResourceTypes: ['AWS::EC2::NetworkInterface'],
      dropNotApplicable: true,
      dropRelationshipOnlyChanges: true,
      samplingRates: { 'AWS::SSM::ManagedInstanceInventory': 0.1 },
      accountName: 'workloads-prod',
      labels: { team: 'platform' },
      oversizedItemsBucket: 'config-delivery',
      remediationDocuments: { 'AWS-DisableIncomingSSHOnPort22': { configRuleNames: ['restricted-ssh'], resourceTypes: ['AWS::EC2::SecurityGroup'] } },
    }));
    expect(parsed).toEqual({
      centralEventBusArn: BUS,
      includeResourceTypes: ['AWS::EC2::Instance'],
      excludeResourceTypes: ['AWS::EC2::NetworkInterface'],
      dropNotApplicable: true,
      dropRelationshipOnlyChanges: true,
      samplingRates: { 'AWS::SSM::ManagedInstanceInventory': 0.1 },
      accountName: 'workloads-prod',
      labels: { team: 'platform' },
      oversizedItemsBucket: 'config-delivery',
      remediationDocuments: { 'AWS-DisableIncomingSSHOnPort22': { configRuleNames: ['restricted-ssh'], resourceTypes: ['AWS::EC2::SecurityGroup'] } },
    });
  });

  test('defaults every optional field to "filter nothing, add nothing"', () => {
    expect(parseForwardingSettings(JSON.stringify({ centralEventBusArn: BUS }))).toEqual({
      centralEventBusArn: BUS,
      includeResourceTypes: [],
      excludeResourceTypes: [],
      dropNotApplicable: false,
      dropRelationshipOnlyChanges: false,
      samplingRates: {},
      labels: {},
      remediationDocuments: {},
    });
  });

  test.each([
    [undefined, /is not set/],
    ['{', /not JSON/],
    ['[]', /must be a JSON object/],
    [JSON.stringify({}), /centralEventBusArn must be an event bus ARN/],
    [JSON.stringify({ centralEventBusArn: BUS, includeResourceTypes: 'AWS::EC2::Instance' }), /includeResourceTypes must be a list of strings/],
    [JSON.stringify({ centralEventBusArn: BUS, dropNotApplicable: 'yes' }), /dropNotApplicable must be true or false/],
    [JSON.stringify({ centralEventBusArn: BUS, samplingRates: { 'AWS::EC2::Instance': 2 } }), /samplingRates must map resource types to rates from 0 to 1/],
    [JSON.stringify({ centralEventBusArn: BUS, labels: { team: 1 } }), /labels must map strings to strings/],
    [JSON.stringify({ centralEventBusArn: BUS, accountName: '' }), /accountName must be a non-empty string/],
    [JSON.stringify({ centralEventBusArn: BUS, remediationDocuments: ['AWS-X'] }), /remediationDocuments must map document names to their rules/],
    [JSON.stringify({ centralEventBusArn: BUS, remediationDocuments: { 'AWS-X': 'r' } }), /remediationDocuments\.AWS-X must be an object/],
    [JSON.stringify({ centralEventBusArn: BUS, remediationDocuments: { 'AWS-X': { configRuleNames: 'r' } } }), /remediationDocuments\.AWS-X\.configRuleNames must be a list/],
  ])('fails when the document is %s', (text, message) => {
    expect(() => parseForwardingSettings(text)).toThrow(message);
  });
});
