import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct, IDependable } from 'constructs';
import { ComplianceRule } from './compliance-rule';
import { ConformancePack } from './conformance-pack';
import { constructIdOf, validateUniqueNames } from './rule-names';

/** Properties of `AccountComplianceRules`. */
export interface AccountComplianceRulesProps {
  /**
   * Rules deployed as account rules, each with its remediation.
   *
   * @default - none
   */
  readonly rules?: ComplianceRule[];

  /**
   * Conformance packs deployed in the account and region.
   *
   * @default - none
   */
  readonly conformancePacks?: ConformancePack[];

  /**
   * The configuration recorder (or what creates it): every rule, remediation and pack waits for it, since Config
   * accepts neither without a recorder.
   *
   * @default - no dependency: the recorder exists already (Control Tower, another stack)
   */
  readonly recorder?: IDependable;
}

/**
 * Deploys Config rules, their remediations and conformance packs in one account and region.
 *
 * Construct ids derive from names (a public contract: renaming a rule replaces it): a rule `restricted-ssh` is
 * `RestrictedSsh`, its remediation `RestrictedSshRemediation` and that one's role `RestrictedSshRemediationRole`; a
 * pack `baseline` is `BaselinePack`, with roles `BaselinePack<Rule>RemediationRole`.
 */
export class AccountComplianceRules extends Construct {
  /** The account rules, in the order given. */
  public readonly configRules: config.IRule[] = [];

  /** The conformance packs, in the order given. */
  public readonly conformancePacks: config.CfnConformancePack[] = [];

  private readonly roles = new Map<string, iam.IRole>();

  constructor(scope: Construct, id: string, props: AccountComplianceRulesProps) {
    super(scope, id);
    const rules = props.rules ?? [];
    const packs = props.conformancePacks ?? [];
    // The factories defer their checks to here, where an error carries the consuming construct's path.
    rules.forEach((rule) => rule._validate());
    packs.forEach((pack) => pack._validate());
    validateUniqueNames('rules', rules.map((rule) => rule.ruleName), 'ruleName');
    validateUniqueNames('conformancePacks', packs.map((pack) => pack.packName), 'packName');
    const ids = new Set<string>();
    const uniqueId = (name: string, suffix: string) => {
      const base = `${constructIdOf(name)}${suffix}`;
      if (ids.has(base)) {
        throw new Error(`the name '${name}' maps to the construct id '${base}' of another rule or pack: `
          + 'names that differ only in punctuation or case cannot live side by side; rename one');
      }
      ids.add(base);
      return base;
    };

    for (const rule of rules) {
      const ruleId = uniqueId(rule.ruleName, '');
      const binding = rule._bind(this, ruleId);
      this.dependOnRecorder(binding.resource, props.recorder);
      this.configRules.push(binding.rule);
      if (rule.remediation) {
        const remediation = rule.remediation._bind(this, `${ruleId}Remediation`, binding.ruleName, binding.resource);
        this.roles.set(`rule:${rule.ruleName}`, remediation.role);
      }
    }

    for (const pack of packs) {
      const packId = uniqueId(pack.packName, 'Pack');
      const binding = pack._bind(this, packId);
      this.dependOnRecorder(binding.conformancePack, props.recorder);
      this.conformancePacks.push(binding.conformancePack);
      for (const [ruleName, role] of Object.entries(binding.remediationRoles)) {
        this.roles.set(`pack:${pack.packName}:${ruleName}`, role);
      }
    }
  }

  /**
   * The automation role of an account rule's remediation: grant it what your SSM document needs.
   *
   * @param ruleName the rule's name
   */
  public remediationRole(ruleName: string): iam.IRole {
    return this.findRole(`rule:${ruleName}`, `no account rule named '${ruleName}' has a remediation`);
  }

  /**
   * The automation role of a remediation inside a conformance pack rendered from rules.
   *
   * @param packName the pack's name
   * @param ruleName the rule's name
   */
  public packRemediationRole(packName: string, ruleName: string): iam.IRole {
    return this.findRole(`pack:${packName}:${ruleName}`, `no rule named '${ruleName}' of conformance pack '${packName}' has a remediation`);
  }

  private findRole(key: string, problem: string): iam.IRole {
    const role = this.roles.get(key);
    if (!role) {
      throw new Error(`${problem}: pass the name of a rule given with a remediation`);
    }
    return role;
  }

  private dependOnRecorder(resource: IConstruct, recorder: IDependable | undefined): void {
    if (recorder) {
      resource.node.addDependency(recorder);
    }
  }
}
