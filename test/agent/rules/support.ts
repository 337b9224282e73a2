import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AccountComplianceRules, AccountComplianceRulesProps } from '../../../src/agent/rules/account-compliance-rules';

export const ENV = { account: '222222222222', region: 'us-east-1' };

/** A rule function shared by the organization, in the audit account 999999999999. */
export const SHARED_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:999999999999:function:org-rule-tagging';

export function newStack(id = 'Agent'): Stack {
  return new Stack(new App(), id, { env: ENV });
}

/** A rule function of this account, as a team writes one. */
export function ownFunction(scope: Construct, id = 'RuleFunction'): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

export function synth(props: AccountComplianceRulesProps, stack: Stack = newStack()) {
  const rules = new AccountComplianceRules(stack, 'Rules', props);
  return { stack, rules, template: Template.fromStack(stack) };
}

/** The one resource of `type` whose logical id contains `part`. */
export function resourceOf(template: Template, type: string, part: string): { id: string; resource: any } {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.includes(part));
  if (found.length !== 1) {
    throw new Error(`expected one ${type} with '${part}', found ${found.map(([id]) => id).join(', ') || 'none'}`);
  }
  return { id: found[0][0], resource: found[0][1] };
}
