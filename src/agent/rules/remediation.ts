import { Aws, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IDependable } from 'constructs';
import { dropUndefined } from '../../common/drop-undefined';
import { validateDurationInRange, validateIntegerInRange, validateWholeUnits } from '../../common/validation';

/** The SSM parameter that carries the automation role: always set by the library (docs/guide/deploy-pitfalls.md). */
export const AUTOMATION_ASSUME_ROLE = 'AutomationAssumeRole';

/**
 * A value passed to a parameter of the remediation's SSM Automation document.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/remediation.html
 */
export class RemediationParameter {
  /**
   * The id of the non-compliant resource (`RESOURCE_ID`), resolved by Config for each remediation.
   */
  public static resourceId(): RemediationParameter {
    return new RemediationParameter({ ResourceValue: { Value: 'RESOURCE_ID' } });
  }

  /**
   * One static value.
   *
   * @param value the value, for example `'AES256'`
   */
  public static value(value: string): RemediationParameter {
    return new RemediationParameter({ StaticValue: { Values: [value] } });
  }

  /**
   * Several static values, for a `StringList` parameter of the document.
   *
   * @param values the values; at least one
   */
  public static values(values: string[]): RemediationParameter {
    if (values.length === 0) {
      throw new Error('RemediationParameter.values() needs at least one value, got []: '
        + 'leave the parameter out to use the document\'s default, or pass the values');
    }
    return new RemediationParameter({ StaticValue: { Values: [...values] } });
  }

  /**
   * @param value the parameter as `AWS::Config::RemediationConfiguration` takes it
   */
  protected constructor(private readonly rendered: Record<string, unknown>) {}

  /**
   * The parameter as `AWS::Config::RemediationConfiguration` takes it.
   *
   * @internal
   */
  public _render(): Record<string, unknown> {
    return this.rendered;
  }
}

/** What the library knows of an AWS-owned document: what it remediates and the permissions it needs. */
interface KnownDocument {
  readonly resourceType: string;
  /** The document's parameter that takes the resource id. */
  readonly resourceIdParameter: string;
  /** Actions without resource-level permissions (granted on `*`). */
  readonly unscopedActions: string[];
  /** Actions granted on this account's security groups. */
  readonly securityGroupActions: string[];
  /** Actions granted on this account's automation executions. */
  readonly automationExecutionActions: string[];
}

/** The AWS-owned documents named on `RemediationDocument`, with their permissions as the runbook reference lists them. */
const KNOWN_DOCUMENTS: Record<string, KnownDocument> = {
  'AWS-DisableIncomingSSHOnPort22': {
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceIdParameter: 'SecurityGroupIds',
    unscopedActions: ['ec2:DescribeSecurityGroups'],
    securityGroupActions: ['ec2:RevokeSecurityGroupIngress'],
    automationExecutionActions: [],
  },
  'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules': {
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceIdParameter: 'SecurityGroupId',
    unscopedActions: ['ec2:DescribeSecurityGroups'],
    securityGroupActions: ['ec2:RevokeSecurityGroupIngress'],
    automationExecutionActions: ['ssm:GetAutomationExecution'],
  },
};

/**
 * The SSM Automation document a remediation runs, with the permissions its automation role needs.
 *
 * The documents named here are AWS-owned; their policy is the list of actions AWS documents for them, scoped to this
 * account and region where the action allows it. Any other document: `RemediationDocument.of()`, and grant what it
 * needs with the remediation's `policyStatements`.
 *
 * @see https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-runbook-reference.html
 */
export class RemediationDocument {
  /**
   * `AWS-DisableIncomingSSHOnPort22`: removes rules that allow SSH on port 22 from anywhere; the remediation of
   * `INCOMING_SSH_DISABLED` (`restricted-ssh`).
   *
   * Passes the security group's id as `SecurityGroupIds` unless you set that parameter. Role policy:
   * `ec2:DescribeSecurityGroups` (no resource-level permissions) and `ec2:RevokeSecurityGroupIngress` on this account's
   * security groups.
   *
   * @see https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/disable-incoming-ssh.html
   */
  public static readonly DISABLE_INCOMING_SSH_ON_PORT_22 = new RemediationDocument('AWS-DisableIncomingSSHOnPort22');

  /**
   * `AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules`: removes every ingress rule open to all addresses.
   *
   * Passes the security group's id as `SecurityGroupId` unless you set that parameter. Role policy:
   * `ec2:DescribeSecurityGroups`, `ec2:RevokeSecurityGroupIngress` on this account's security groups, and
   * `ssm:GetAutomationExecution` on this account's automation executions (the runbook checks its own progress).
   *
   * @see https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-remove-unrestricted-source-ingress.html
   */
  public static readonly REMOVE_UNRESTRICTED_SOURCE_INGRESS_RULES = new RemediationDocument(
    'AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules');

  /**
   * Any SSM Automation document, yours or AWS's, by name or ARN.
   *
   * The automation role gets only `iam:PassRole` on itself: grant what the document needs with the remediation's
   * `policyStatements`, or on the role the rules construct exposes.
   *
   * @param documentName the document's name (`AWS-…`, `AWSConfigRemediation-…`, your own) or ARN
   */
  public static of(documentName: string): RemediationDocument {
    if (!Token.isUnresolved(documentName) && !/^[a-zA-Z0-9_\-.:/]{3,200}$/.test(documentName)) {
      throw new Error(`RemediationDocument.of() needs an SSM document name or ARN, got '${documentName}': `
        + "use the name shown by 'aws ssm list-documents', for example 'AWS-EnableS3BucketEncryption'");
    }
    return new RemediationDocument(documentName, false);
  }

  private readonly known?: KnownDocument;

  /**
   * @param documentName the SSM document's name or ARN
   * @param known whether the library knows the document's permissions (the documents named on this class)
   */
  protected constructor(public readonly documentName: string, known: boolean = true) {
    this.known = known ? KNOWN_DOCUMENTS[documentName] : undefined;
  }

  /**
   * The resource type of the document, if the library knows it.
   *
   * @internal
   */
  public _resourceType(): string | undefined {
    return this.known?.resourceType;
  }

  /**
   * Parameters passed unless the user sets them.
   *
   * @internal
   */
  public _defaultParameters(): Record<string, RemediationParameter> {
    return this.known ? { [this.known.resourceIdParameter]: RemediationParameter.resourceId() } : {};
  }

  /**
   * The statements the automation role needs for this document.
   *
   * @internal
   */
  public _policyStatements(scope: Construct): iam.PolicyStatement[] {
    const stack = Stack.of(scope);
    // A resolved partition where the region is known, so that the ARNs (and their policy findings) are plain strings.
    const partition = Token.isUnresolved(stack.region) ? Aws.PARTITION : RegionInfo.get(stack.region).partition ?? Aws.PARTITION;
    const arn = (service: string, resource: string) => `arn:${partition}:${service}:${stack.region}:${stack.account}:${resource}/*`;
    const statements: iam.PolicyStatement[] = [];
    if (!this.known) {
      return statements;
    }
    if (this.known.unscopedActions.length > 0) {
      statements.push(new iam.PolicyStatement({ actions: this.known.unscopedActions, resources: ['*'] }));
    }
    if (this.known.securityGroupActions.length > 0) {
      statements.push(new iam.PolicyStatement({
        actions: this.known.securityGroupActions,
        resources: [arn('ec2', 'security-group')],
      }));
    }
    if (this.known.automationExecutionActions.length > 0) {
      statements.push(new iam.PolicyStatement({
        actions: this.known.automationExecutionActions,
        resources: [arn('ssm', 'automation-execution')],
      }));
    }
    return statements;
  }
}

/** What every remediation takes. */
export interface RemediationOptions {
  /** The SSM Automation document to run. */
  readonly document: RemediationDocument;

  /**
   * Parameters of the document, by name. `AutomationAssumeRole` is always set by the library and may not be given.
   *
   * @default - for the documents named on `RemediationDocument`, the resource id in the parameter the document
   * expects; otherwise none
   */
  readonly parameters?: { [name: string]: RemediationParameter };

  /**
   * The version of the document.
   *
   * @default - the default version of the document
   */
  readonly documentVersion?: string;

  /**
   * The type of the resources remediated.
   *
   * @default - the document's resource type for the documents named on `RemediationDocument`; otherwise none
   */
  readonly resourceType?: config.ResourceType;

  /**
   * Statements added to the automation role's policy: what the document needs beyond the library's own policy.
   *
   * @default - none
   */
  readonly policyStatements?: iam.PolicyStatement[];

  /**
   * The largest share of non-compliant resources remediated at the same time, in percent (1 to 100).
   *
   * @default - Config's default (10)
   */
  readonly concurrencyPercentage?: number;

  /**
   * The share of failed remediations, in percent (1 to 100), at which Config stops remediating.
   *
   * @default - Config's default (10)
   */
  readonly errorPercentage?: number;
}

/** An automatic remediation: also how often and how long to retry. */
export interface AutomaticRemediationOptions extends RemediationOptions {
  /**
   * How many times Config tries to remediate a resource that stays non-compliant, from 1 to 25.
   *
   * @default 5
   */
  readonly maximumAutomaticAttempts?: number;

  /**
   * How long Config waits between two attempts, from 1 second to 31 days.
   *
   * @default Duration.seconds(60)
   */
  readonly retryInterval?: Duration;
}

/**
 * How a rule's non-compliant resources are remediated: an SSM Automation document run by Config, automatically or
 * on request, with an automation role the library creates and passes as `AutomationAssumeRole`.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/remediation.html
 */
export class Remediation {
  /**
   * Config runs the document as soon as a resource is evaluated non-compliant, and retries it.
   */
  public static automatic(options: AutomaticRemediationOptions): Remediation {
    validateRemediation(options);
    const attempts = options.maximumAutomaticAttempts ?? 5;
    const interval = options.retryInterval ?? Duration.seconds(60);
    validateIntegerInRange('maximumAutomaticAttempts', attempts, 1, 25,
      'Config tries an automatic remediation from 1 to 25 times');
    validateDurationInRange('retryInterval', interval, Duration.seconds(1), Duration.days(31),
      'Config waits from 1 second to 31 days between two attempts');
    validateWholeUnits('retryInterval', interval, 'seconds');
    return new Remediation(options, true, attempts, interval);
  }

  /**
   * The document runs only when someone starts the remediation (console or `StartRemediationExecution`).
   */
  public static manual(options: RemediationOptions): Remediation {
    validateRemediation(options);
    return new Remediation(options, false, undefined, undefined);
  }

  /**
   * @param options the remediation's options
   * @param isAutomatic whether Config remediates automatically
   * @param maximumAutomaticAttempts attempts, for an automatic remediation
   * @param retryInterval time between attempts, for an automatic remediation
   */
  protected constructor(
    private readonly options: RemediationOptions,
    public readonly isAutomatic: boolean,
    private readonly maximumAutomaticAttempts: number | undefined,
    private readonly retryInterval: Duration | undefined,
  ) {}

  /** The SSM document this remediation runs. */
  public get documentName(): string {
    return this.options.document.documentName;
  }

  /**
   * The resource type the remediation acts on, when known (given, or known for an AWS-owned document).
   *
   * @internal
   */
  public _resourceType(): string | undefined {
    return this.options.resourceType?.complianceResourceType ?? this.options.document._resourceType();
  }

  /**
   * Creates the automation role in `scope` (id `<id>Role`), with the document's policy, the user's statements and
   * `iam:PassRole` on itself.
   *
   * @internal
   */
  public _createRole(scope: Construct, id: string, ruleName: string): RemediationRole {
    const stack = Stack.of(scope);
    const role = new iam.Role(scope, `${id}Role`, {
      description: `Runs the remediation ${this.documentName} of the Config rule ${ruleName}`,
      // Only this account's automations may assume it (SSM's confused-deputy guard).
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ssm', region: '*', resource: 'automation-execution', resourceName: '*' }) },
        },
      }),
    });
    // Runbooks that start child automations pass their own role on; only to SSM.
    const { policyDependable } = role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    }));
    const documentStatements = this.options.document._policyStatements(scope);
    for (const statement of [...documentStatements, ...(this.options.policyStatements ?? [])]) {
      role.addToPrincipalPolicy(statement);
    }
    // Acknowledged only for the library's own statements, one finding each: cdk-nag 3 names a finding by its
    // resource, and aws-cdk-lib accepts no further '::' in an acknowledged id, so only resolved ARNs can be named.
    const findings = new Set(documentStatements.flatMap((statement) => statement.resources)
      .filter((resource) => resource.endsWith('*') && !Token.isUnresolved(resource)));
    for (const resource of findings) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason: `The AWS-owned runbook ${this.documentName} calls these actions, as AWS documents them: EC2 Describe actions `
          + 'have no resource-level permissions, and the runbook acts on whichever security group or automation execution '
          + 'of this account and region is non-compliant (the ARNs are scoped to them).',
      });
    }
    return { role, policy: policyDependable! };
  }

  /**
   * The `AWS::Config::RemediationConfiguration` properties (CloudFormation casing), without `ConfigRuleName`.
   *
   * @internal
   */
  public _render(role: iam.IRole): Record<string, unknown> {
    const parameters: Record<string, unknown> = {};
    for (const [name, parameter] of Object.entries({ ...this.options.document._defaultParameters(), ...this.options.parameters })) {
      parameters[name] = parameter._render();
    }
    parameters[AUTOMATION_ASSUME_ROLE] = RemediationParameter.value(role.roleArn)._render();
    const ssmControls = {
      ConcurrentExecutionRatePercentage: this.options.concurrencyPercentage,
      ErrorPercentage: this.options.errorPercentage,
    };
    const resourceType = this._resourceType();
    return dropUndefined({
      TargetType: 'SSM_DOCUMENT',
      TargetId: this.documentName,
      TargetVersion: this.options.documentVersion,
      ResourceType: resourceType,
      Automatic: this.isAutomatic,
      MaximumAutomaticAttempts: this.maximumAutomaticAttempts,
      RetryAttemptSeconds: this.retryInterval?.toSeconds(),
      ExecutionControls: ssmControls.ConcurrentExecutionRatePercentage === undefined && ssmControls.ErrorPercentage === undefined
        ? undefined : { SsmControls: dropUndefined(ssmControls) },
      Parameters: parameters,
    });
  }

  /**
   * Creates the `AWS::Config::RemediationConfiguration` of an account rule.
   *
   * @internal
   */
  public _bind(scope: Construct, id: string, ruleName: string, rule: Construct): RemediationBinding {
    const { role, policy } = this._createRole(scope, id, ruleName);
    const props = this._render(role);
    const configuration = new config.CfnRemediationConfiguration(scope, id, {
      configRuleName: ruleName,
      targetType: props.TargetType as string,
      targetId: props.TargetId as string,
      targetVersion: props.TargetVersion as string | undefined,
      resourceType: props.ResourceType as string | undefined,
      automatic: props.Automatic as boolean,
      maximumAutomaticAttempts: props.MaximumAutomaticAttempts as number | undefined,
      retryAttemptSeconds: props.RetryAttemptSeconds as number | undefined,
      executionControls: props.ExecutionControls === undefined ? undefined : {
        ssmControls: {
          concurrentExecutionRatePercentage: this.options.concurrencyPercentage,
          errorPercentage: this.options.errorPercentage,
        },
      },
      parameters: props.Parameters,
    });
    // The rule must exist before its remediation (it is named, not referenced), and the role's policy before Config
    // can use the role. The role itself is referenced (AutomationAssumeRole): a DependsOn on it would only repeat
    // that (cfn-lint W3005).
    configuration.node.addDependency(rule);
    configuration.node.addDependency(policy);
    return { configuration, role };
  }
}

/** The automation role of a remediation, and its policy (which a remediation must wait for). */
export interface RemediationRole {
  readonly role: iam.Role;
  readonly policy: IDependable;
}

/** What binding a remediation created. */
export interface RemediationBinding {
  readonly configuration: config.CfnRemediationConfiguration;
  readonly role: iam.Role;
}

function validateRemediation(options: RemediationOptions): void {
  for (const name of Object.keys(options.parameters ?? {})) {
    if (name === AUTOMATION_ASSUME_ROLE) {
      throw new Error(`parameters must not set ${AUTOMATION_ASSUME_ROLE}, got it in the parameters of `
        + `${options.document.documentName}: the library creates the automation role and passes it; add what the document `
        + 'needs with policyStatements');
    }
  }
  for (const [prop, value] of [['concurrencyPercentage', options.concurrencyPercentage], ['errorPercentage', options.errorPercentage]] as const) {
    if (value !== undefined) {
      validateIntegerInRange(prop, value, 1, 100, 'Config takes a whole percentage from 1 to 100');
    }
  }
}
