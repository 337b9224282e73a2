import * as fs from 'fs';
import { Stack, Token } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { ComplianceRule } from './compliance-rule';
import { validateUniqueNames } from './rule-names';
import { validateS3Uri } from '../../common/s3-uri';

/**
 * The largest `TemplateBody` Config takes, in bytes.
 *
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_PutConformancePack.html
 */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/**
 * What an unresolved token (a function or role ARN) may grow to once CloudFormation resolves it: the size check
 * counts this many bytes for each, so a template that passes at synth fits at deploy time.
 */
const TOKEN_ESTIMATE_BYTES = 200;

/** Options of a conformance pack deployed from a template. */
export interface ConformancePackTemplateOptions {
  /**
   * Values of the template's parameters, by name.
   *
   * @default - none: the template's defaults
   */
  readonly inputParameters?: { [name: string]: string };
}

/** What deploying a conformance pack created. */
export interface ConformancePackBinding {
  /** The conformance pack. */
  readonly conformancePack: config.CfnConformancePack;
  /** Automation roles of the pack's remediations, by rule name. */
  readonly remediationRoles: { [ruleName: string]: iam.IRole };
}

/**
 * An AWS Config conformance pack: rules (and remediations) deployed and reported together.
 *
 * Several packs may be deployed in one account and region; their names must differ.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/conformance-packs.html
 */
export abstract class ConformancePack {
  /**
   * A pack rendered from the same rule objects you deploy as account rules: one definition serves both.
   *
   * Each rule becomes an `AWS::Config::ConfigRule` of the pack's template, and its remediation an
   * `AWS::Config::RemediationConfiguration` whose automation role is created in the stack, outside the pack. A custom
   * rule's function of this account gets its invoke permission in the stack. The rendered template must fit Config's
   * 51,200-byte `TemplateBody`: synth fails above that (split the rules into several packs).
   *
   * @param packName the pack's name: a letter, then letters, digits and dashes, at most 256 characters
   * @param rules the pack's rules; at least one, with distinct names
   */
  public static fromRules(packName: string, rules: ComplianceRule[]): ConformancePack {
    return new RulesConformancePack(packName, rules);
  }

  /**
   * A pack from a template file (YAML or JSON), read at synth time and passed inline.
   *
   * @param packName the pack's name: a letter, then letters, digits and dashes, at most 256 characters
   * @param path the template file, at most 51,200 bytes (a larger one: upload it and use `fromS3Uri()`)
   * @see https://github.com/awslabs/aws-config-rules/tree/master/aws-config-conformance-packs
   */
  public static fromTemplateFile(packName: string, path: string, options: ConformancePackTemplateOptions = {}): ConformancePack {
    validatePackName(packName);
    if (!fs.existsSync(path) || !fs.statSync(path).isFile()) {
      throw new Error(`path of conformance pack '${packName}' must be a template file, got '${path}': `
        + 'pass the path of a YAML or JSON conformance pack template');
    }
    const body = fs.readFileSync(path, 'utf-8');
    if (body.trim() === '') {
      throw new Error(`the template of conformance pack '${packName}' at '${path}' is empty: write the rules in it`);
    }
    validateTemplateSize(packName, Buffer.byteLength(body, 'utf-8'), `the file '${path}'`);
    return new TemplateConformancePack(packName, { templateBody: body }, options);
  }

  /**
   * A pack from a template in S3, read by Config at deployment.
   *
   * The bucket must be in the pack's region, and readable by Config's `AWSServiceRoleForConfigConforms` role.
   *
   * @param packName the pack's name: a letter, then letters, digits and dashes, at most 256 characters
   * @param uri `s3://bucket/key` of the template (up to 300 KB)
   */
  public static fromS3Uri(packName: string, uri: string, options: ConformancePackTemplateOptions = {}): ConformancePack {
    validatePackName(packName);
    validateS3Uri(`uri of conformance pack '${packName}'`, uri);
    return new TemplateConformancePack(packName, { templateS3Uri: uri }, options);
  }

  /** The pack's name. */
  public abstract readonly packName: string;

  /**
   * Creates the pack in `scope` under `id`.
   *
   * @internal
   */
  public abstract _bind(scope: Construct, id: string): ConformancePackBinding;

  /**
   * Checks the pack, throwing what Config would reject; called by the consuming construct, so errors carry its path.
   *
   * @internal
   */
  public _validate(): void {
    validatePackName(this.packName);
  }
}

class RulesConformancePack extends ConformancePack {
  constructor(public readonly packName: string, private readonly rules: ComplianceRule[]) {
    super();
  }

  public _validate(): void {
    super._validate();
    if (this.rules.length === 0) {
      throw new Error(`rules of conformance pack '${this.packName}' must hold at least one rule, got []: `
        + 'pass ComplianceRule values, or leave the pack out');
    }
    this.rules.forEach((rule) => rule._validate());
    validateUniqueNames(`rules of conformance pack '${this.packName}'`, this.rules.map((rule) => rule.ruleName), 'ruleName');
  }

  public _bind(scope: Construct, id: string): ConformancePackBinding {
    const { template, dependencies, remediationRoles } = this.render(scope, id);
    validateTemplateSize(this.packName, estimateBytes(template), 'the rendered rules');
    const conformancePack = new config.CfnConformancePack(scope, id, {
      conformancePackName: this.packName,
      templateBody: Stack.of(scope).toJsonString(template),
    });
    for (const dependency of dependencies) {
      conformancePack.node.addDependency(dependency);
    }
    return { conformancePack, remediationRoles };
  }

  /**
   * The pack's template: one `AWS::Config::ConfigRule` per rule, one `AWS::Config::RemediationConfiguration` per
   * remediation.
   */
  private render(scope: Construct, id: string) {
    const resources: Record<string, unknown> = {};
    const dependencies: IDependable[] = [];
    const remediationRoles: { [ruleName: string]: iam.IRole } = {};
    const logicalIds = new Set<string>();
    for (const rule of this.rules) {
      const logicalId = uniqueLogicalId(rule.ruleName, logicalIds);
      const { properties, dependency } = rule._renderForPack(scope);
      resources[logicalId] = { Type: 'AWS::Config::ConfigRule', Properties: properties };
      if (dependency) dependencies.push(dependency);
      if (rule.remediation) {
        const { role, policy } = rule.remediation._createRole(scope, `${id}${logicalId}Remediation`, rule.ruleName);
        // The template body references the role; the pack must also wait for the role's policy.
        dependencies.push(policy);
        remediationRoles[rule.ruleName] = role;
        resources[`${logicalId}Remediation`] = {
          Type: 'AWS::Config::RemediationConfiguration',
          DependsOn: logicalId,
          Properties: { ConfigRuleName: rule.ruleName, ...rule.remediation._render(role) },
        };
      }
    }
    return { template: { Resources: resources }, dependencies, remediationRoles };
  }
}

class TemplateConformancePack extends ConformancePack {
  constructor(public readonly packName: string,
    private readonly source: { templateBody?: string; templateS3Uri?: string },
    private readonly options: ConformancePackTemplateOptions) {
    super();
  }

  public _bind(scope: Construct, id: string): ConformancePackBinding {
    const parameters = Object.entries(this.options.inputParameters ?? {})
      .map(([parameterName, parameterValue]) => ({ parameterName, parameterValue }));
    const conformancePack = new config.CfnConformancePack(scope, id, {
      conformancePackName: this.packName,
      ...this.source,
      conformancePackInputParameters: parameters.length > 0 ? parameters : undefined,
    });
    return { conformancePack, remediationRoles: {} };
  }
}

function validatePackName(packName: string): void {
  if (Token.isUnresolved(packName)) return;
  if (!/^[a-zA-Z][-a-zA-Z0-9]{0,255}$/.test(packName)) {
    throw new Error(`packName must be a letter followed by letters, digits or '-', at most 256 characters, got '${packName}': `
      + "for example 'operational-best-practices'");
  }
}

function validateTemplateSize(packName: string, bytes: number, what: string): void {
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new Error(`the template of conformance pack '${packName}' must be at most ${MAX_TEMPLATE_BODY_BYTES} bytes, `
      + `${what} take about ${bytes}: split the rules into several packs, or upload the template to S3 and use `
      + 'ConformancePack.fromS3Uri()');
  }
}

/** The template's size once deployed: its JSON, each unresolved token counted at its largest likely size. */
function estimateBytes(template: unknown): number {
  const json = JSON.stringify(template);
  const tokens = json.match(/\$\{Token\[[^\]]+\]\}/g) ?? [];
  const withoutTokens = tokens.reduce((text, token) => text.replace(token, ''), json);
  return Buffer.byteLength(withoutTokens, 'utf-8') + tokens.length * TOKEN_ESTIMATE_BYTES;
}

/** A CloudFormation logical id from a rule name: alphanumeric, PascalCase, unique in the pack. */
function uniqueLogicalId(ruleName: string, taken: Set<string>): string {
  const base = ruleName.split(/[^A-Za-z0-9]+/).filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1)).join('') || 'Rule';
  let logicalId = base;
  for (let n = 2; taken.has(logicalId); n++) {
    logicalId = `${base}${n}`;
  }
  taken.add(logicalId);
  return logicalId;
}
