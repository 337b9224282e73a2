import * as config from 'aws-cdk-lib/aws-config';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { conformancePackProps, type OrganizationConformancePack } from './organization-conformance-pack';
import type { OrganizationRule } from './organization-rule';
import { MAX_ORGANIZATION_RULES, resolved, validateUnique } from './organization-validation';
import { OrganizationRuleFunctionPolicy } from '../../agent/rules/organization-rule-function-policy';

/** Properties of an `OrganizationCompliance`. */
export interface OrganizationComplianceProps {
  /**
   * The organization whose Config may invoke the functions of custom Lambda rules; required with such rules.
   * @default - none
   */
  readonly organizationId?: string;
  /** @default - none */
  readonly rules?: OrganizationRule[];
  /** @default - none */
  readonly conformancePacks?: OrganizationConformancePack[];
}

/**
 * Organization-wide Config rules and conformance packs (`AWS::Config::OrganizationConfigRule`,
 * `AWS::Config::OrganizationConformancePack`).
 *
 * Deployable only from the organization's management account or a delegated administrator for
 * `config-multiaccountsetup.amazonaws.com`; Config creates the rules in every member account that records
 * (an account without a recorder reports the rule as failed until it has one). Each rule's construct id is its
 * name, each pack's its name, so renaming one replaces it.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/config-rule-multi-account-deployment.html
 * @internal
 */
export class OrganizationCompliance extends Construct {
  public readonly rules: config.CfnOrganizationConfigRule[] = [];
  public readonly conformancePacks: config.CfnOrganizationConformancePack[] = [];

  constructor(scope: Construct, id: string, props: OrganizationComplianceProps) {
    super(scope, id);
    const rules = props.rules ?? [];
    const packs = props.conformancePacks ?? [];
    // The factories defer their checks to here, where an error carries the master's path.
    rules.forEach((rule) => rule._validate());
    if (rules.length > MAX_ORGANIZATION_RULES) {
      throw new Error(`organizationRules has ${rules.length} rules, Config allows at most ${MAX_ORGANIZATION_RULES} per organization: `
        + 'group checks into conformance packs');
    }
    validateUnique('organizationRules', rules.map((rule) => rule.ruleName));
    validateUnique('organizationConformancePacks', packs.map((pack) => pack.conformancePackName));

    // One resource-based policy per function, however many rules share it (the policy is the function's whole policy).
    const policies = new Map<lambda.IFunction, OrganizationRuleFunctionPolicy>();
    rules.forEach((rule, index) => {
      const bound = rule._bind();
      const cfnRule = new config.CfnOrganizationConfigRule(this, `Rule-${idPart(bound.ruleName, index)}`, bound.props);
      this.rules.push(cfnRule);
      const fn = bound.invokedFunction;
      if (!fn) return;
      if (props.organizationId === undefined) {
        throw new Error(`organizationRules: the custom Lambda rule '${bound.ruleName}' needs organizationId, so that Config of the `
          + "organization's accounts (and no other) may invoke its function: set organizationId on the master");
      }
      let policy = policies.get(fn);
      if (!policy) {
        policy = new OrganizationRuleFunctionPolicy(this, `FunctionPolicy-${idPart(bound.ruleName, index)}`, {
          function: fn, organizationId: props.organizationId,
        });
        policies.set(fn, policy);
      }
      // Config checks that it may invoke the function when the rule is created.
      cfnRule.node.addDependency(policy);
    });
    packs.forEach((pack, index) => {
      this.conformancePacks.push(new config.CfnOrganizationConformancePack(this,
        `ConformancePack-${idPart(pack.conformancePackName, index)}`, conformancePackProps(pack)));
    });
  }
}

/** A name known only at deploy time (a CfnParameter) cannot be part of a construct id: its position is used instead. */
function idPart(name: string, index: number): string {
  return resolved(name) ? name : String(index);
}
