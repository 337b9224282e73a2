import * as config from 'aws-cdk-lib/aws-config';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  encodeParameters,
  resolved,
  validateAccountList,
  validateLength,
  validatePattern,
} from './organization-validation';

/** What every kind of organization rule takes. */
export interface OrganizationRuleOptions {
  /**
   * The rule's name in every member account.
   *
   * 1 to 64 letters, digits, `-` and `_`. Also the construct id of the rule, so renaming it replaces the rule.
   */
  readonly ruleName: string;

  /**
   * What the rule checks, shown in the Config console of every account.
   *
   * At most 256 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Accounts of the organization the rule is not deployed to.
   *
   * At most 1,000 12-digit account ids.
   *
   * @default - every account of the organization
   */
  readonly excludedAccounts?: string[];

  /**
   * Parameters passed to the rule, encoded as JSON (at most 2,048 characters).
   *
   * @default - no parameters
   */
  readonly inputParameters?: { [key: string]: any };

  /**
   * Which resources the rule evaluates: by resource type, one resource, or a tag.
   *
   * Config rejects a scope on a rule that only runs periodically.
   *
   * @default - every resource the rule applies to
   */
  readonly ruleScope?: config.RuleScope;
}

/** Options of an AWS managed rule deployed to the organization. */
export interface OrganizationManagedRuleOptions extends OrganizationRuleOptions {
  /**
   * How often a periodic managed rule runs.
   *
   * @default - the managed rule's own default (24 hours for periodic rules)
   */
  readonly maximumExecutionFrequency?: config.MaximumExecutionFrequency;
}

/** Options of a custom rule whose evaluation is a Lambda function of this (management or delegated administrator) account. */
export interface OrganizationCustomRuleOptions extends OrganizationRuleOptions {
  /**
   * Whether the rule runs when a configuration item of a resource in scope changes (oversized ones included).
   *
   * @default false
   */
  readonly configurationChanges?: boolean;

  /**
   * Whether the rule runs on a schedule, every `maximumExecutionFrequency`.
   *
   * @default false
   */
  readonly periodic?: boolean;

  /**
   * How often a periodic rule runs. Only with `periodic`.
   *
   * @default MaximumExecutionFrequency.TWENTY_FOUR_HOURS when periodic
   */
  readonly maximumExecutionFrequency?: config.MaximumExecutionFrequency;
}

/** Options of a custom rule written in AWS CloudFormation Guard, evaluated by Config itself. */
export interface OrganizationCustomPolicyRuleOptions extends OrganizationRuleOptions {
  /**
   * Accounts whose Config writes the policy's debug logs to CloudWatch Logs.
   *
   * @default - no debug logs
   */
  readonly debugLogDeliveryAccounts?: string[];
}

/** The CloudFormation properties of one organization rule. @internal */
export interface BoundOrganizationRule {
  readonly ruleName: string;
  readonly props: config.CfnOrganizationConfigRuleProps;
  /** The function Config invokes, for a custom Lambda rule: it needs a policy that lets the organization's Config call it. */
  readonly invokedFunction?: lambda.IFunction;
}

const RULE_NAME = /^[A-Za-z0-9_-]+$/;
const CI_TRIGGERS = ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'];
const MAX_PARAMETERS = 2048;
const MAX_POLICY_TEXT = 10_000;

/**
 * An AWS Config rule deployed to every account of the organization (less the excluded ones) from the management
 * or delegated administrator account.
 *
 * @example
 * const rule = monitoring.OrganizationRule.managed(config.ManagedRuleIdentifiers.S3_BUCKET_VERSIONING_ENABLED, {
 *   ruleName: 's3-bucket-versioning-enabled',
 * });
 */
export abstract class OrganizationRule {
  /**
   * An AWS managed rule.
   *
   * @param identifier the managed rule's identifier, for example `config.ManagedRuleIdentifiers.S3_BUCKET_VERSIONING_ENABLED`
   * @see https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
   */
  public static managed(identifier: string, options: OrganizationManagedRuleOptions): OrganizationRule {
    return new ManagedOrganizationRule(identifier, options);
  }

  /**
   * A custom rule evaluated by a Lambda function of this account.
   *
   * The master sets the function's resource-based policy (`AWS::Lambda::ResourcePolicy`) so that Config may invoke
   * it for the accounts of `organizationId` only (`aws:SourceOrgID`). That policy replaces any other: the function
   * must have no other permissions (no `addPermission()`, no event source that adds one).
   *
   * @param lambdaFunction the function that evaluates the resources, in this stack's account; Config in every member
   * account invokes it
   */
  public static custom(lambdaFunction: lambda.IFunction, options: OrganizationCustomRuleOptions): OrganizationRule {
    return new CustomLambdaOrganizationRule(lambdaFunction, options);
  }

  /**
   * A custom rule written in CloudFormation Guard, run when a configuration item of a resource in scope changes.
   *
   * @param policyText the Guard policy (runtime `guard-2.x.x`), at most 10,000 characters
   * @see https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_cfn-guard.html
   */
  public static customPolicy(policyText: string, options: OrganizationCustomPolicyRuleOptions): OrganizationRule {
    return new CustomPolicyOrganizationRule(policyText, options);
  }

  /** The rule's name in every member account. */
  public readonly ruleName: string;

  protected constructor(private readonly options: OrganizationRuleOptions) {
    this.ruleName = options.ruleName;
  }

  /**
   * Checks the options, throwing what Config would reject.
   *
   * Called by the master when it binds the rule, not by the factories: an error raised inside the master carries
   * its construct path, which a factory cannot know.
   *
   * @internal
   */
  public _validate(): void {
    const options = this.options;
    validateLength('ruleName', options.ruleName, 1, 64, 'Config limits organization rule names to 64 characters');
    validatePattern('ruleName', options.ruleName, RULE_NAME, 'contain only letters, digits, - and _',
      'replace spaces and other characters with - or _');
    validateLength(`description of rule '${options.ruleName}'`, options.description, 0, 256, 'shorten the description');
    validateAccountList(`excludedAccounts of rule '${options.ruleName}'`, options.excludedAccounts);
    validateScope(options.ruleName, options.ruleScope);
  }

  /** @internal */
  public abstract _bind(): BoundOrganizationRule;

  /** The metadata fields every kind shares. @internal */
  protected _commonMetadata() {
    const scope = this.options.ruleScope;
    return {
      description: this.options.description,
      inputParameters: encodeParameters(`inputParameters of rule '${this.ruleName}'`, this.options.inputParameters, MAX_PARAMETERS),
      resourceTypesScope: scope?.resourceTypes?.map((type) => type.complianceResourceType),
      resourceIdScope: scope?.resourceId,
      tagKeyScope: scope?.key,
      tagValueScope: scope?.value,
    };
  }
}

class ManagedOrganizationRule extends OrganizationRule {
  constructor(private readonly identifier: string, private readonly managed: OrganizationManagedRuleOptions) {
    super(managed);
  }

  public _validate(): void {
    super._validate();
    validateLength(`identifier of rule '${this.ruleName}'`, this.identifier, 1, 256,
      'use a managed rule identifier such as config.ManagedRuleIdentifiers.S3_BUCKET_VERSIONING_ENABLED');
  }

  public _bind(): BoundOrganizationRule {
    this._validate();
    return {
      ruleName: this.ruleName,
      props: {
        organizationConfigRuleName: this.ruleName,
        excludedAccounts: this.managed.excludedAccounts,
        organizationManagedRuleMetadata: {
          ...this._commonMetadata(),
          ruleIdentifier: this.identifier,
          maximumExecutionFrequency: this.managed.maximumExecutionFrequency,
        },
      },
    };
  }
}

class CustomLambdaOrganizationRule extends OrganizationRule {
  constructor(private readonly lambdaFunction: lambda.IFunction, private readonly custom: OrganizationCustomRuleOptions) {
    super(custom);
  }

  public _validate(): void {
    super._validate();
    const custom = this.custom;
    const name = custom.ruleName;
    if (!custom.configurationChanges && !custom.periodic) {
      throw new Error(`rule '${name}' has no trigger: set configurationChanges: true, periodic: true, or both`);
    }
    if (custom.maximumExecutionFrequency !== undefined && !custom.periodic) {
      throw new Error(`rule '${name}' sets maximumExecutionFrequency ${custom.maximumExecutionFrequency} but is not periodic: `
        + 'set periodic: true, or leave maximumExecutionFrequency out');
    }
    if (custom.periodic && !custom.configurationChanges && custom.ruleScope !== undefined) {
      // Config rejects a scope on a periodic-only rule (InvalidParameterValueException).
      throw new Error(`rule '${name}' is periodic only and has a ruleScope, which Config rejects: `
        + 'leave ruleScope out, or set configurationChanges: true');
    }
  }

  public _bind(): BoundOrganizationRule {
    this._validate();
    const triggers = [
      ...(this.custom.configurationChanges ? CI_TRIGGERS : []),
      ...(this.custom.periodic ? ['ScheduledNotification'] : []),
    ];
    return {
      ruleName: this.ruleName,
      invokedFunction: this.lambdaFunction,
      props: {
        organizationConfigRuleName: this.ruleName,
        excludedAccounts: this.custom.excludedAccounts,
        organizationCustomRuleMetadata: {
          ...this._commonMetadata(),
          lambdaFunctionArn: this.lambdaFunction.functionArn,
          organizationConfigRuleTriggerTypes: triggers,
          maximumExecutionFrequency: this.custom.periodic
            ? this.custom.maximumExecutionFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS
            : undefined,
        },
      },
    };
  }
}

class CustomPolicyOrganizationRule extends OrganizationRule {
  constructor(private readonly policyText: string, private readonly policy: OrganizationCustomPolicyRuleOptions) {
    super(policy);
  }

  public _validate(): void {
    super._validate();
    validateLength(`policyText of rule '${this.ruleName}'`, this.policyText, 1, MAX_POLICY_TEXT,
      'split the policy into several rules');
    validateAccountList(`debugLogDeliveryAccounts of rule '${this.ruleName}'`, this.policy.debugLogDeliveryAccounts);
  }

  public _bind(): BoundOrganizationRule {
    this._validate();
    return {
      ruleName: this.ruleName,
      props: {
        organizationConfigRuleName: this.ruleName,
        excludedAccounts: this.policy.excludedAccounts,
        organizationCustomPolicyRuleMetadata: {
          ...this._commonMetadata(),
          policyText: this.policyText,
          runtime: 'guard-2.x.x',
          organizationConfigRuleTriggerTypes: CI_TRIGGERS,
          debugLogDeliveryAccounts: this.policy.debugLogDeliveryAccounts,
        },
      },
    };
  }
}

/** Config's limits on a rule's scope. */
function validateScope(ruleName: string, scope: config.RuleScope | undefined): void {
  if (!scope) return;
  const types = scope.resourceTypes ?? [];
  if (resolved(types) && types.length > 100) {
    throw new Error(`ruleScope of rule '${ruleName}' lists ${types.length} resource types, Config takes at most 100: `
      + 'split the rule, or scope it by tag');
  }
  validateLength(`ruleScope tag key of rule '${ruleName}'`, scope.key, 1, 128, 'use a tag key of at most 128 characters');
  validateLength(`ruleScope tag value of rule '${ruleName}'`, scope.value, 1, 256, 'use a tag value of at most 256 characters');
  validateLength(`ruleScope resource id of rule '${ruleName}'`, scope.resourceId, 1, 768, 'use a resource id of at most 768 characters');
}
