import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ComplianceAggregator } from '../../../src/master/aggregation/compliance-aggregator';

const ENV = { account: '111111111111', region: 'eu-west-1' };

function bind(aggregator: ComplianceAggregator, env: { account?: string; region?: string } = ENV) {
  const stack = new Stack(new App(), 'Master', { env });
  const scope = new Construct(stack, 'Scope');
  const bound = aggregator._bind(scope);
  return { stack, bound, template: Template.fromStack(stack) };
}

describe('ComplianceAggregator', () => {
  test('organization(): a generated name unless one is given', () => {
    const { template } = bind(ComplianceAggregator.organization());
    const [aggregator] = Object.values(template.findResources('AWS::Config::ConfigurationAggregator'));
    expect(aggregator.Properties.ConfigurationAggregatorName).toBeUndefined();
  });

  test('controlTower(): the name Control Tower uses', () => {
    expect(bind(ComplianceAggregator.controlTower()).bound.aggregatorName).toBe('aws-controltower-GuardrailsComplianceAggregator');
  });

  test('existing() with an ARN in an environment-agnostic stack is taken as given', () => {
    const arn = 'arn:aws:config:eu-west-1:111111111111:config-aggregator/config-aggregator-floqpus3';
    expect(bind(ComplianceAggregator.existing('central', arn), {}).bound).toEqual({ aggregatorName: 'central', aggregatorArn: arn, wildcard: false });
  });

  test('tokens are left to CloudFormation', () => {
    expect(() => bind(ComplianceAggregator.accounts({ accounts: [Token.asString({ Ref: 'Account' })], regions: [Token.asString({ Ref: 'Region' })] }))).not.toThrow();
    expect(() => bind(ComplianceAggregator.existing(Token.asString({ Ref: 'Name' }), Token.asString({ Ref: 'Arn' })))).not.toThrow();
  });

  test.each([
    ['accounts() lists no account', () => ComplianceAggregator.accounts({ accounts: [] }), /accounts must list at least one account, got none/],
    ['an account id is not 12 digits', () => ComplianceAggregator.accounts({ accounts: ['12345'] }), /accounts\[0\] must be a 12-digit AWS account id, got '12345'/],
    ['regions is empty', () => ComplianceAggregator.organization({ regions: [] }), /regions must list at least one region, got none: leave regions out/],
    ['a region is not a region name', () => ComplianceAggregator.accounts({ accounts: ['222222222222'], regions: ['Ireland'] }), /regions must hold AWS region names, got 'Ireland'/],
    ['an aggregator name has a space', () => ComplianceAggregator.organization({ aggregatorName: 'my aggregator' }), /aggregatorName must be 1 to 256 letters, digits, '_' or '-', got 'my aggregator'/],
    ['an existing aggregator name has a slash', () => ComplianceAggregator.existing('a/b'), /aggregatorName must be 1 to 256 letters/],
  ])('fails when %s', (_name, create, message) => {
    expect(create).toThrow(message);
  });

  test('fails when the ARN is not an aggregator ARN', () => {
    expect(() => bind(ComplianceAggregator.existing('central', 'arn:aws:config:eu-west-1:111111111111:config-rule/config-rule-abc')))
      .toThrow(/aggregatorArn must be an AWS Config aggregator ARN, got 'arn:aws:config:eu-west-1:111111111111:config-rule\/config-rule-abc'/);
  });

  test('fails when the aggregator is in another account or region than the master', () => {
    expect(() => bind(ComplianceAggregator.controlTower('arn:aws:config:us-east-1:999999999999:config-aggregator/config-aggregator-x1')))
      .toThrow(/aggregatorArn must be in the master's account and region \(111111111111, eu-west-1\).*deploy the master there/);
  });
});
