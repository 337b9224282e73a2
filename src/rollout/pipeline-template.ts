import * as fs from 'fs';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { synthesizeAgentTemplate } from './agent-template';
import { createAssetStacks, RolloutAssetBuckets, validateAssetBuckets } from './rollout-assets';
import { ConfigMonitoringAgentProps } from '../agent/config-monitoring-agent';
import { Recording } from '../agent/recording/recording';
import { ComplianceRule } from '../agent/rules/compliance-rule';

/** The capabilities the agent template needs: it creates IAM roles. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];

const NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

/** Properties of a `ConfigMonitoringPipelineTemplate`. */
export interface ConfigMonitoringPipelineTemplateProps {
  /** The agent, as for a `ConfigMonitoringAgent` or a `ConfigMonitoringRollout`. */
  readonly agent: ConfigMonitoringAgentProps;

  /**
   * This template's recording, when it differs from the agent's (`Recording.adoptExisting()` for OUs enrolled in
   * Control Tower). Make one template per recording.
   *
   * @default - the agent's `recording`
   */
  readonly recording?: Recording;

  /**
   * The one region that records global resource types and gets `homeRegionRules`.
   *
   * @default - none
   */
  readonly homeRegion?: string;

  /**
   * Account-level rules deployed in the home region only.
   *
   * @default - none
   */
  readonly homeRegionRules?: ComplianceRule[];

  /**
   * Per-region buckets for the agent's file assets (enriched forwarding); the construct then creates, next to its
   * stack, the stacks that publish them (see `ConfigMonitoringRollout.assetBuckets`).
   *
   * @default - the agent may have no file asset
   */
  readonly assetBuckets?: RolloutAssetBuckets;

  /**
   * The regions the pipeline deploys to: only needed with `assetBuckets`, to publish the assets there.
   *
   * @default - none
   */
  readonly assetRegions?: string[];

  /**
   * The name of the StackSet the pipeline creates, and of the files.
   *
   * @default 'config-monitoring-agent'
   */
  readonly name?: string;
}

/** Where a pipeline deploys the agent: OUs and accounts by the names the pipeline knows them by, and regions. */
export interface PipelineDeploymentTargets {
  /** The regions. */
  readonly regions: string[];

  /**
   * Organizational units, by name (Customizations for Control Tower) or by path such as `Workloads/Prod`
   * (Landing Zone Accelerator).
   *
   * @default - none
   */
  readonly organizationalUnits?: string[];

  /**
   * Accounts, by name or id.
   *
   * @default - none
   */
  readonly accounts?: string[];

  /**
   * The template's path in the pipeline's configuration repository.
   *
   * @default - `templates/<name>.template.json` for CfCT, `cloudformation/<name>.template.json` for LZA
   */
  readonly templatePath?: string;
}

/** The files `writeFiles()` wrote. */
export interface PipelineTemplateFiles {
  /** The agent template. */
  readonly templateFile: string;
  /** Its parameters, in CloudFormation's `[{ ParameterKey, ParameterValue }]` form. */
  readonly parametersFile: string;
}

/**
 * The agent's StackSet template and its parameters for pipelines that are not CDK: a `resources` entry of the
 * Customizations for Control Tower manifest, or a `cloudFormationStackSets` entry of Landing Zone Accelerator's
 * `customizations-config.yaml`, from the same definition as `ConfigMonitoringAgent` and `ConfigMonitoringRollout`.
 *
 * The template is the one a `ConfigMonitoringRollout` deploys: no account or region, no bootstrap, no asset the
 * accounts cannot read. The management account, which service-managed StackSets never reach, still needs its own
 * `ConfigMonitoringAgent`.
 *
 * @example
 * const template = new monitoring.ConfigMonitoringPipelineTemplate(this, 'AgentTemplate', {
 *   agent: {
 *     centralEventBus: events.EventBus.fromEventBusArn(this, 'CentralBus',
 *       monitoring.ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1')),
 *   },
 *   homeRegion: 'eu-west-1',
 * });
 * const manifestEntry = template.cfctManifestResource({
 *   organizationalUnits: ['Workloads'],
 *   regions: ['eu-west-1', 'us-east-1'],
 * });
 */
export class ConfigMonitoringPipelineTemplate extends Construct {
  /** The template, as a JSON object. */
  public readonly template: any;

  /** The template, as the JSON text the files hold. */
  public readonly templateBody: string;

  /** The capabilities the StackSet needs. */
  public readonly capabilities: string[] = CAPABILITIES;

  /** The StackSet's name and the files' base name. */
  public readonly name: string;

  /** The stacks that publish the agent's file assets in each of `assetRegions`, if it has any. */
  public readonly assetStacks: Stack[];

  private readonly homeRegion?: string;

  constructor(scope: Construct, id: string, props: ConfigMonitoringPipelineTemplateProps) {
    super(scope, id);
    const where = this.node.path;
    this.name = props.name ?? 'config-monitoring-agent';
    if (!Token.isUnresolved(this.name) && !NAME.test(this.name)) {
      throw new Error(`${where}: name must start with a letter and hold only letters, digits and dashes, got '${this.name}'`);
    }
    if (props.assetBuckets) validateAssetBuckets(where, props.assetBuckets);
    this.homeRegion = props.homeRegion;
    const stack = this.node.scopes.find((s) => Stack.isStack(s)) as Stack | undefined;
    const synthesized = synthesizeAgentTemplate({
      rolloutPath: where,
      stackSetName: this.name,
      agent: props.agent,
      recording: props.recording ?? props.agent.recording ?? Recording.create(),
      homeRegion: props.homeRegion,
      homeRegionRules: props.homeRegionRules ?? [],
      context: Object.fromEntries(Object.entries(this.node.getAllContext()).filter(([key]) => !key.startsWith('aws:cdk:'))),
      assetBucketNamePrefix: props.assetBuckets?.bucketNamePrefix,
      rolloutAccount: stack?.account,
    });
    if (synthesized.assets.length > 0 && (props.assetRegions ?? []).length === 0) {
      throw new Error(`${where}: the agent template reads file assets from the asset buckets: list in assetRegions the regions the `
        + 'pipeline deploys to, so that they are published there');
    }
    this.template = synthesized.template;
    this.templateBody = JSON.stringify(synthesized.template, undefined, 1);
    this.assetStacks = props.assetBuckets ? createAssetStacks(this, props.assetBuckets, props.assetRegions ?? [], synthesized.assets) : [];
  }

  /**
   * Writes `<name>.template.json` and `<name>.parameters.json` into a directory (created if missing).
   *
   * @param directory where the pipeline's configuration repository keeps them
   */
  public writeFiles(directory: string): PipelineTemplateFiles {
    fs.mkdirSync(directory, { recursive: true });
    const templateFile = path.join(directory, `${this.name}.template.json`);
    const parametersFile = path.join(directory, `${this.name}.parameters.json`);
    fs.writeFileSync(templateFile, `${this.templateBody}\n`);
    fs.writeFileSync(parametersFile, `${JSON.stringify(this.parameters().map(([key, value]) => ({ ParameterKey: key, ParameterValue: value })), undefined, 2)}\n`);
    return { templateFile, parametersFile };
  }

  /**
   * A `resources` entry of a Customizations for Control Tower manifest (version 2021-03-15), as YAML.
   *
   * @see https://docs.aws.amazon.com/controltower/latest/userguide/cfct-manifest-file-resources-section.html
   */
  public cfctManifestResource(targets: PipelineDeploymentTargets): string {
    this.validateTargets('cfctManifestResource', targets);
    const entry = {
      // CfCT replaces any character but letters, digits and underscores with an underscore: say it as it will be.
      name: this.name.replace(/[^A-Za-z0-9_]/g, '_'),
      description: 'AWS Config compliance monitoring agent (cdk-config-monitoring)',
      resource_file: targets.templatePath ?? `templates/${this.name}.template.json`,
      deploy_method: 'stack_set',
      deployment_targets: dropEmpty({ accounts: targets.accounts, organizational_units: targets.organizationalUnits }),
      parameters: this.parameters().map(([key, value]) => ({ parameter_key: key, parameter_value: value })),
      regions: targets.regions,
    };
    return toYaml([entry]);
  }

  /**
   * A `customizations.cloudFormationStackSets` entry of Landing Zone Accelerator's `customizations-config.yaml`, as YAML.
   *
   * @see https://awslabs.github.io/landing-zone-accelerator-on-aws/latest/typedocs/interfaces/___packages__aws_accelerator_config_lib_models_customizations_config.ICloudFormationStackSet.html
   */
  public lzaStackSet(targets: PipelineDeploymentTargets): string {
    this.validateTargets('lzaStackSet', targets);
    const entry = {
      name: this.name,
      description: 'AWS Config compliance monitoring agent (cdk-config-monitoring)',
      template: targets.templatePath ?? `cloudformation/${this.name}.template.json`,
      capabilities: this.capabilities,
      deploymentTargets: dropEmpty({ organizationalUnits: targets.organizationalUnits, accounts: targets.accounts }),
      regions: targets.regions,
      parameters: this.parameters().map(([key, value]) => ({ name: key, value })),
    };
    return toYaml([entry]);
  }

  /** The template's parameters with their defaults (the agent template has none today). */
  private parameters(): [string, string][] {
    return Object.entries<any>(this.template.Parameters ?? {}).map(([key, p]) => [key, String(p.Default ?? '')]);
  }

  private validateTargets(method: string, targets: PipelineDeploymentTargets): void {
    const at = `${this.node.path}: ${method}()`;
    if (targets.regions.length === 0) throw new Error(`${at}: regions is empty: give the regions the pipeline deploys the agent to`);
    if ((targets.organizationalUnits ?? []).length === 0 && (targets.accounts ?? []).length === 0) {
      throw new Error(`${at}: give organizationalUnits or accounts: the pipeline deploys to nothing otherwise`);
    }
    const home = this.homeRegion;
    if (home !== undefined && !Token.isUnresolved(home) && !targets.regions.includes(home)) {
      throw new Error(`${at}: regions (${targets.regions.join(', ')}) leaves out the home region '${home}': global resource types and `
        + 'home-region rules would be deployed nowhere; add it');
    }
  }
}

function dropEmpty(value: Record<string, string[] | undefined>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v.length > 0)) as Record<string, string[]>;
}

/** YAML of plain data: block mappings and sequences, every string quoted as JSON (a YAML scalar too). */
export function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value.map((item) => {
      const inner = toYaml(item, `${indent}  `);
      return isBlock(item) ? `${indent}- ${inner.trimStart()}` : `${indent}- ${inner}`;
    }).join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return entries.map(([key, inner]) => (isBlock(inner)
      ? `${indent}${key}:\n${toYaml(inner, `${indent}  `)}`
      : `${indent}${key}: ${toYaml(inner, `${indent}  `)}`)).join('\n');
  }
  return JSON.stringify(value);
}

function isBlock(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && typeof value === 'object' && Object.keys(value as object).length > 0;
}
