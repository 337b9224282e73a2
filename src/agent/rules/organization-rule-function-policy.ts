import { CfnResource, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { validateOrganizationId } from '../../common/validation';

/** Properties of `OrganizationRuleFunctionPolicy`. */
export interface OrganizationRuleFunctionPolicyProps {
  /** The custom rule function shared by the organization; in this stack's account. */
  readonly function: lambda.IFunction;

  /** The organization whose accounts' Config rules may invoke the function (`o-` followed by 10 to 32 characters). */
  readonly organizationId: string;
}

/**
 * Lets AWS Config of every account of the organization invoke one shared custom rule function.
 *
 * Deployed once, in the function's account. `AWS::Lambda::Permission` (AddPermission) cannot express this: its
 * `SourceAccount` names one account (docs/guide/deploy-pitfalls.md: a fixed account breaks the shared function for every other
 * account) and its `PrincipalOrgID` applies to principals that belong to the organization, which a service principal
 * does not. The resource policy here grants `config.amazonaws.com` on the condition `aws:SourceOrgID`, the
 * organization of the account whose rule calls.
 *
 * `AWS::Lambda::ResourcePolicy` sets the function's whole resource-based policy: the function must carry no other
 * permissions (no `addPermission()`, no event sources that add one); put it behind its own alias or function if it does.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-resourcepolicy.html
 */
export class OrganizationRuleFunctionPolicy extends Construct {
  constructor(scope: Construct, id: string, props: OrganizationRuleFunctionPolicyProps) {
    super(scope, id);
    validateOrganizationId('organizationId', props.organizationId);
    const stack = Stack.of(this);
    if (Token.compareStrings(props.function.env.account, stack.account) === TokenComparison.DIFFERENT) {
      throw new Error(`function must be in this stack's account ${stack.account}, got a function of ${props.function.env.account}: `
        + 'deploy OrganizationRuleFunctionPolicy in the stack of the function\'s own account');
    }
    // aws-cdk-lib 2.257 has no L1 for this type yet (CfnResourcePolicy arrived later), hence CfnResource.
    new CfnResource(this, 'Resource', {
      type: 'AWS::Lambda::ResourcePolicy',
      properties: {
        ResourceArn: props.function.functionArn,
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Sid: 'ConfigRulesOfTheOrganization',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: props.function.functionArn,
            Condition: { StringEquals: { 'aws:SourceOrgID': props.organizationId } },
          }],
        },
      },
    });
  }
}
