import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { Remediation } from './remediation';
import { dropUndefined } from '../../common/drop-undefined';

/** Config's limit on a rule name. */
const MAX_RULE_NAME_LENGTH = 128;

/** Config's limit on a Guard policy. */
const MAX_POLICY_TEXT_LENGTH = 10_000;

/** What every kind of rule takes. */
export interface ComplianceRuleBaseOptions {
  /**
   * What the rule checks, shown in the Config console.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Parameters passed to the rule.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
   */
  readonly inputParameters?: { [key: string]: any };

  /**
   * Which resources trigger an evaluation.
   *
   * Only for rules triggered by configuration changes: Config rejects a scope on a periodic-only rule
   * (`InvalidParameterValueException`), so synth fails when both are set.
   *
   * @default - every recorded resource the rule applies to
   */
  readonly ruleScope?: config.RuleScope;

  /**
   * When the rule evaluates: on deployed resources (detective), before deployment (proactive), or both.
   *
   * Proactive evaluation needs a rule triggered by configuration changes, and a managed rule that supports it.
   *
   * @default - detective only
   * @see https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config-rules.html
   */
  readonly evaluationModes?: config.EvaluationMode;

  /**
   * How non-compliant resources are remediated.
   *
   * @default - no remediation
   */
  readonly remediation?: Remediation;
}

/** Options of an AWS managed rule. */
export interface ManagedComplianceRuleOptions extends ComplianceRuleBaseOptions {
  /**
   * The rule's name, unique in the account and region.
   *
   * @default - the identifier in lower case with dashes, for example `incoming-ssh-disabled` for `INCOMING_SSH_DISABLED`
   */
  readonly ruleName?: string;

  /**
   * How often a periodic managed rule runs. Set it only for managed rules whose trigger is periodic; such a rule
   * takes no `ruleScope`.
   *
   * @default - the managed rule's own default (24 hours for periodic rules)
   */
  readonly maximumExecutionFrequency?: config.MaximumExecutionFrequency;
}

/** Options of a custom Lambda rule. */
export interface CustomComplianceRuleOptions extends ComplianceRuleBaseOptions {
  /** The rule's name, unique in the account and region. */
  readonly ruleName: string;

  /**
   * Whether the rule runs when a configuration item of a resource in scope changes (oversized ones included).
   *
   * At least one of `configurationChanges` and `periodic` must be set, as for aws-cdk-lib's `CustomRule`.
   *
   * @default false
   */
  readonly configurationChanges?: boolean;

  /**
   * Whether the rule runs on a schedule, every `maximumExecutionFrequency`. A periodic-only rule takes no `ruleScope`.
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

/** Options of a Guard custom policy rule. */
export interface CustomPolicyComplianceRuleOptions extends ComplianceRuleBaseOptions {
  /** The rule's name, unique in the account and region. */
  readonly ruleName: string;

  /**
   * Whether Config delivers the Guard debug log to CloudWatch Logs.
   *
   * @default false
   */
  readonly enableDebugLog?: boolean;
}

/** What triggers a custom Lambda rule, resolved from its options. */
interface CustomRuleTrigger {
  readonly configurationChanges: boolean;
  /** The schedule, when periodic. */
  readonly frequency?: config.MaximumExecutionFrequency;
}

/** What deploying a rule as an account rule created. */
export interface ComplianceRuleBinding {
  /** The rule. */
  readonly rule: config.IRule;
  /** The construct the remediation and dependents depend on. */
  readonly resource: IConstruct;
  /** The rule's name (a token until deployment when derived by CloudFormation; always set here). */
  readonly ruleName: string;
}

/**
 * An AWS Config rule, written once and deployed as an account rule or rendered into a conformance pack.
 *
 * @example
 * const rule = monitoring.ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED);
 */
export abstract class ComplianceRule {
  /**
   * An AWS managed rule.
   *
   * @param identifier the managed rule's identifier, for example `config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED`
   * @see https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
   */
  public static managed(identifier: string, options: ManagedComplianceRuleOptions = {}): ComplianceRule {
    return new ManagedComplianceRule(identifier, options);
  }

  /**
   * A custom rule evaluated by your Lambda function.
   *
   * A function of this account gets an invoke permission for `config.amazonaws.com` limited to this account
   * (`SourceAccount`). A function of another account (one function shared by the organization) gets nothing here:
   * its owner grants the organization with `OrganizationRuleFunctionPolicy`. Either way the function's own role needs
   * `config:PutEvaluations` to report.
   *
   * @param fn the function; in the same region as the rule
   */
  public static custom(fn: lambda.IFunction, options: CustomComplianceRuleOptions): ComplianceRule {
    return new CustomLambdaComplianceRule(fn, options);
  }

  /**
   * A Guard custom policy rule, evaluated by Config on each configuration change.
   *
   * @param policyText the Guard 2.x policy, at most 10,000 characters
   * @see https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_cfn-guard.html
   */
  public static customPolicy(policyText: string, options: CustomPolicyComplianceRuleOptions): ComplianceRule {
    return new GuardComplianceRule(policyText, options);
  }

  /** The rule's name. */
  public abstract readonly ruleName: string;

  /** How non-compliant resources are remediated, if at all. */
  public abstract readonly remediation?: Remediation;

  /**
   * Checks the options, throwing what Config would reject.
   *
   * Called by the consuming construct when it binds the rule, not by the factories: a factory cannot know where the
   * rule will be used, and an error raised inside the construct carries its path.
   *
   * @internal
   */
  public abstract _validate(): void;

  /**
   * Creates the account rule in `scope` under `id`.
   *
   * @internal
   */
  public abstract _bind(scope: Construct, id: string): ComplianceRuleBinding;

  /**
   * The `AWS::Config::ConfigRule` properties (CloudFormation casing) for a conformance pack template.
   *
   * Also prepares what the rule needs outside the pack (a custom rule's invoke permission), in `scope`.
   *
   * @internal
   */
  public abstract _renderForPack(scope: Construct): { properties: Record<string, unknown>; dependency?: IConstruct };
}

class ManagedComplianceRule extends ComplianceRule {
  public readonly ruleName: string;
  public readonly remediation?: Remediation;

  constructor(private readonly identifier: string, private readonly options: ManagedComplianceRuleOptions) {
    super();
    // A token identifier without a ruleName has no name to derive: _validate() rejects it, and until then the token
    // stands in, so that nothing fails before the consuming construct can name its path.
    this.ruleName = options.ruleName ?? (Token.isUnresolved(identifier) ? identifier : identifier.toLowerCase().replace(/_/g, '-'));
    this.remediation = options.remediation;
  }

  public _validate(): void {
    const identifier = this.identifier;
    if (!Token.isUnresolved(identifier) && !/^[A-Z0-9_]+$/.test(identifier)) {
      throw new Error(`ComplianceRule.managed() needs a managed rule identifier, got '${identifier}': `
        + 'use a config.ManagedRuleIdentifiers value, for example config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED');
    }
    if (this.options.ruleName === undefined && Token.isUnresolved(identifier)) {
      throw new Error('ruleName is required when the managed rule identifier is a token: pass ruleName');
    }
    validateRuleName(this.ruleName);
    if (this.options.maximumExecutionFrequency !== undefined && this.options.ruleScope !== undefined) {
      throw periodicScopeError(this.ruleName, 'maximumExecutionFrequency is set');
    }
  }

  public _bind(scope: Construct, id: string): ComplianceRuleBinding {
    this._validate();
    // aws-cdk-lib's ManagedRule renders exactly what Config takes; nothing to add.
    const rule = new config.ManagedRule(scope, id, {
      identifier: this.identifier,
      configRuleName: this.ruleName,
      description: this.options.description,
      inputParameters: this.options.inputParameters,
      maximumExecutionFrequency: this.options.maximumExecutionFrequency,
      ruleScope: this.options.ruleScope,
      evaluationModes: this.options.evaluationModes,
    });
    return { rule, resource: rule, ruleName: this.ruleName };
  }

  public _renderForPack(): { properties: Record<string, unknown> } {
    this._validate();
    return {
      properties: dropUndefined({
        ConfigRuleName: this.ruleName,
        Description: this.options.description,
        InputParameters: this.options.inputParameters,
        MaximumExecutionFrequency: this.options.maximumExecutionFrequency,
        Scope: renderScope(this.options.ruleScope),
        Source: { Owner: 'AWS', SourceIdentifier: this.identifier },
        EvaluationModes: renderEvaluationModes(this.options.evaluationModes),
      }),
    };
  }
}

class CustomLambdaComplianceRule extends ComplianceRule {
  public readonly ruleName: string;
  public readonly remediation?: Remediation;

  private readonly trigger: CustomRuleTrigger;

  constructor(private readonly fn: lambda.IFunction, private readonly options: CustomComplianceRuleOptions) {
    super();
    this.ruleName = options.ruleName;
    this.remediation = options.remediation;
    this.trigger = {
      configurationChanges: options.configurationChanges ?? false,
      frequency: options.periodic ? options.maximumExecutionFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS : undefined,
    };
  }

  public _validate(): void {
    const options = this.options;
    const name = options.ruleName;
    validateRuleName(name);
    if (!options.configurationChanges && !options.periodic) {
      throw new Error(`rule '${name}' has no trigger: set configurationChanges: true, periodic: true, or both`);
    }
    if (options.maximumExecutionFrequency !== undefined && !options.periodic) {
      throw new Error(`rule '${name}' sets maximumExecutionFrequency ${options.maximumExecutionFrequency} but is not periodic: `
        + 'set periodic: true, or leave maximumExecutionFrequency out');
    }
    if (!this.trigger.configurationChanges && options.ruleScope !== undefined) {
      throw periodicScopeError(name, 'it is periodic only');
    }
    if (!this.trigger.configurationChanges && options.evaluationModes !== undefined && options.evaluationModes.modes.includes('PROACTIVE')) {
      throw new Error(`evaluationModes of rule '${name}' must not be proactive for a periodic rule, got `
        + `${JSON.stringify(options.evaluationModes.modes)}: proactive evaluation evaluates a resource's configuration, `
        + 'so trigger the rule on configuration changes or use EvaluationMode.DETECTIVE');
    }
  }

  public _bind(scope: Construct, id: string): ComplianceRuleBinding {
    this._validate();
    // Not aws-cdk-lib's CustomRule: it attaches the AWS-managed AWSConfigRulesExecutionRole policy to the function's
    // role (more than PutEvaluations, and a managed policy on a role the user owns), and for a function of another
    // account its SourceAccount permission is silently skipped. The resource it renders is the same.
    const props = this._properties(scope);
    const permission = grantConfigInvoke(scope, this.fn);
    const rule = new config.CfnConfigRule(scope, id, {
      configRuleName: this.ruleName,
      description: props.Description as string | undefined,
      inputParameters: props.InputParameters,
      maximumExecutionFrequency: props.MaximumExecutionFrequency as string | undefined,
      scope: this.options.ruleScope === undefined ? undefined : {
        complianceResourceId: this.options.ruleScope.resourceId,
        complianceResourceTypes: this.options.ruleScope.resourceTypes?.map((type) => type.complianceResourceType),
        tagKey: this.options.ruleScope.key,
        tagValue: this.options.ruleScope.value,
      },
      source: {
        owner: 'CUSTOM_LAMBDA',
        sourceIdentifier: this.fn.functionArn,
        sourceDetails: this.sourceDetails().map((detail) => ({
          eventSource: detail.EventSource,
          messageType: detail.MessageType,
          maximumExecutionFrequency: detail.MaximumExecutionFrequency,
        })),
      },
      evaluationModes: this.options.evaluationModes?.modes.map((mode) => ({ mode })),
    });
    // Config checks at creation that it may invoke the function.
    if (permission) {
      rule.node.addDependency(permission);
    }
    return {
      rule: config.ManagedRule.fromConfigRuleName(scope, `${id}Ref`, rule.ref),
      resource: rule,
      ruleName: this.ruleName,
    };
  }

  public _renderForPack(scope: Construct): { properties: Record<string, unknown>; dependency?: IConstruct } {
    this._validate();
    return { properties: this._properties(scope), dependency: grantConfigInvoke(scope, this.fn) };
  }

  private _properties(scope: Construct): Record<string, unknown> {
    validateSameRegion(scope, this.fn, this.ruleName);
    return dropUndefined({
      ConfigRuleName: this.ruleName,
      Description: this.options.description,
      InputParameters: this.options.inputParameters,
      MaximumExecutionFrequency: this.trigger.frequency,
      // A periodic-only rule never carries a scope (rejected at synth in ComplianceRule.custom()).
      Scope: this.trigger.configurationChanges ? renderScope(this.options.ruleScope) : undefined,
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: this.fn.functionArn,
        SourceDetails: this.sourceDetails(),
      },
      EvaluationModes: renderEvaluationModes(this.options.evaluationModes),
    });
  }

  private sourceDetails(): Record<string, string>[] {
    const details: Record<string, string>[] = [];
    if (this.trigger.configurationChanges) {
      details.push({ EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' });
      details.push({ EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' });
    }
    if (this.trigger.frequency !== undefined) {
      details.push({ EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: this.trigger.frequency });
    }
    return details;
  }
}

class GuardComplianceRule extends ComplianceRule {
  public readonly ruleName: string;
  public readonly remediation?: Remediation;

  constructor(private readonly policyText: string, private readonly options: CustomPolicyComplianceRuleOptions) {
    super();
    this.ruleName = options.ruleName;
    this.remediation = options.remediation;
  }

  public _validate(): void {
    const { ruleName } = this.options;
    const policyText = this.policyText;
    validateRuleName(ruleName);
    if (Token.isUnresolved(policyText)) return;
    if (policyText.trim() === '') {
      throw new Error(`policyText of rule '${ruleName}' must hold a Guard policy, got '': `
        + "write the rule in Guard 2.x, for example 'rule check { resourceType == \"AWS::S3::Bucket\" }'");
    }
    if ([...policyText].length > MAX_POLICY_TEXT_LENGTH) {
      throw new Error(`policyText of rule '${ruleName}' must be at most ${MAX_POLICY_TEXT_LENGTH} characters, got `
        + `${[...policyText].length}: split the policy into several Guard rules`);
    }
  }

  public _bind(scope: Construct, id: string): ComplianceRuleBinding {
    this._validate();
    const rule = new config.CustomPolicy(scope, id, {
      configRuleName: this.ruleName,
      policyText: this.policyText,
      enableDebugLog: this.options.enableDebugLog,
      description: this.options.description,
      inputParameters: this.options.inputParameters,
      ruleScope: this.options.ruleScope,
      evaluationModes: this.options.evaluationModes,
    });
    return { rule, resource: rule, ruleName: this.ruleName };
  }

  public _renderForPack(): { properties: Record<string, unknown> } {
    this._validate();
    return {
      properties: dropUndefined({
        ConfigRuleName: this.ruleName,
        Description: this.options.description,
        InputParameters: this.options.inputParameters,
        Scope: renderScope(this.options.ruleScope),
        Source: {
          Owner: 'CUSTOM_POLICY',
          SourceDetails: [
            { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
            { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
          ],
          CustomPolicyDetails: dropUndefined({
            PolicyRuntime: 'guard-2.x.x',
            PolicyText: this.policyText,
            EnableDebugLogDelivery: this.options.enableDebugLog,
          }),
        },
        EvaluationModes: renderEvaluationModes(this.options.evaluationModes),
      }),
    };
  }
}

/**
 * Lets Config of this account invoke a function of this account, once per function.
 *
 * A function of another account is left alone: the permission must live with the function, in its account, and a
 * function shared by the organization is granted there by organization (docs/guide/deploy-pitfalls.md), not per account here.
 * So is an imported function whose account cannot be compared with an environment-agnostic stack's (agents deployed
 * by StackSets): its owner grants the invoke permission.
 */
function grantConfigInvoke(scope: Construct, fn: lambda.IFunction): IConstruct | undefined {
  const stack = Stack.of(scope);
  const sameAccount = Token.compareStrings(fn.env.account, stack.account) === TokenComparison.SAME
    || fn.env.account === stack.account; // the same unresolved token: a function of this environment-agnostic stack
  if (!sameAccount) {
    return undefined;
  }
  const id = 'AllowConfigRules';
  const existing = fn.permissionsNode.tryFindChild(id);
  if (existing) {
    return existing;
  }
  fn.addPermission(id, {
    principal: new iam.ServicePrincipal('config.amazonaws.com'),
    sourceAccount: stack.account,
  });
  // Absent when the function was imported with skipPermissions: the user grants it.
  return fn.permissionsNode.tryFindChild(id);
}

function validateSameRegion(scope: Construct, fn: lambda.IFunction, ruleName: string): void {
  const region = Stack.of(scope).region;
  if (Token.compareStrings(fn.env.region, region) === TokenComparison.DIFFERENT) {
    throw new Error(`the function of rule '${ruleName}' must be in the rule's region ${region}, got ${fn.env.region}: `
      + 'Config invokes custom rule functions in its own region; deploy the function (or a copy) there');
  }
}

function validateRuleName(ruleName: string): void {
  if (Token.isUnresolved(ruleName)) return;
  if (ruleName.trim() === '' || ruleName.length > MAX_RULE_NAME_LENGTH || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ruleName)) {
    throw new Error(`ruleName must be 1 to ${MAX_RULE_NAME_LENGTH} letters, digits, '-', '_' or '.', starting with a letter or digit, `
      + `got '${ruleName}': for example 'restricted-ssh'`);
  }
}

function periodicScopeError(ruleName: string, why: string): Error {
  return new Error(`ruleScope of rule '${ruleName}' must be left out because ${why}: Config rejects a scope on a periodic rule `
    + '(InvalidParameterValueException); drop the ruleScope, or trigger the rule on configuration changes');
}

function renderScope(scope: config.RuleScope | undefined): Record<string, unknown> | undefined {
  if (!scope) return undefined;
  return dropUndefined({
    ComplianceResourceId: scope.resourceId,
    ComplianceResourceTypes: scope.resourceTypes?.map((type) => type.complianceResourceType),
    TagKey: scope.key,
    TagValue: scope.value,
  });
}

function renderEvaluationModes(modes: config.EvaluationMode | undefined): { Mode: string }[] | undefined {
  return modes?.modes.map((mode) => ({ Mode: mode }));
}
