import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ownFunction, resourceOf, SHARED_FUNCTION_ARN } from './support';
import { OrganizationRuleFunctionPolicy } from '../../../src/agent/rules/organization-rule-function-policy';

/** The audit account that owns the organization's shared rule function. */
const AUDIT_ENV = { account: '999999999999', region: 'us-east-1' };

describe('one rule function for the organization, the owner\'s side: OrganizationRuleFunctionPolicy', () => {
  test('grants config.amazonaws.com on the organization (aws:SourceOrgID), never a fixed SourceAccount', () => {
    // Prepare
    const stack = new Stack(new App(), 'Audit', { env: AUDIT_ENV });
    const fn = ownFunction(stack, 'OrgRuleFunction');
    // Act
    new OrganizationRuleFunctionPolicy(stack, 'InvokeByOrganization', { function: fn, organizationId: 'o-a1b2c3d4e5' });
    // Assess
    const template = Template.fromStack(stack);
    const functionId = resourceOf(template, 'AWS::Lambda::Function', 'OrgRuleFunction').id;
    const policy = resourceOf(template, 'AWS::Lambda::ResourcePolicy', 'InvokeByOrganization');
    expect(policy.resource.Properties).toEqual({
      ResourceArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'ConfigRulesOfTheOrganization',
          Effect: 'Allow',
          Principal: { Service: 'config.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::GetAtt': [functionId, 'Arn'] },
          Condition: { StringEquals: { 'aws:SourceOrgID': 'o-a1b2c3d4e5' } },
        }],
      },
    });
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('SourceAccount');
  });

  test('fails when the organization id is malformed', () => {
    const stack = new Stack(new App(), 'Audit', { env: AUDIT_ENV });
    expect(() => new OrganizationRuleFunctionPolicy(stack, 'P', { function: ownFunction(stack), organizationId: 'org-1' })).toThrow(
      "organizationId must be 'o-' followed by 10 to 32 lowercase letters or digits, got 'org-1'");
  });

  test('fails when the function is not of this stack\'s account', () => {
    const stack = new Stack(new App(), 'Member', { env: { account: '222222222222', region: 'us-east-1' } });
    const shared = lambda.Function.fromFunctionArn(stack, 'Shared', SHARED_FUNCTION_ARN);
    expect(() => new OrganizationRuleFunctionPolicy(stack, 'P', { function: shared, organizationId: 'o-a1b2c3d4e5' })).toThrow(
      "function must be in this stack's account 222222222222, got a function of 999999999999");
  });
});
