import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { AgentAsset, MAX_TEMPLATE_BODY_BYTES, synthesizeAgentTemplate } from './agent-template';
import { createAssetStacks, RolloutAssetBuckets, validateAssetBuckets } from './rollout-assets';
import { overlappingTargets, perAccountAgentsTargeted, PlacedTarget } from './rollout-layout';
import {
  AccountFilter, FailureToleranceMode, RegionConcurrency, RolloutOperationPreferences, RolloutTarget, StackSetCallAs,
} from './rollout-options';
import { ConfigMonitoringAgentProps } from '../agent/config-monitoring-agent';
import { Recording } from '../agent/recording/recording';
import { ComplianceRule } from '../agent/rules/compliance-rule';
import { ACCOUNT_ID, ORGANIZATIONAL_UNIT_ID, REGION_NAME } from '../common/validation';

const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

/**
 * Properties of a `ConfigMonitoringRollout`.
 */
export interface ConfigMonitoringRolloutProps {
  /**
   * The agent deployed in every target account and region: the same props as a `ConfigMonitoringAgent`.
   *
   * Give the same object to the `ConfigMonitoringAgent` of the management account's own stack, which service-managed
   * StackSets never deploy to. The central bus must be imported by a literal ARN
   * (`ConfigMonitoringMaster.eventBusArn()`), and forwarding must be direct: enriched forwarding needs a bundled
   * function that the target accounts cannot read.
   */
  readonly agent: ConfigMonitoringAgentProps;

  /**
   * The parts of the organization the agent goes to: OUs (their future accounts included), account filters,
   * regions, and the recording of each part.
   *
   * Targets whose recording differs go to different StackSets, one per recording (for example one that creates the
   * recorder and one that adopts Control Tower's).
   */
  readonly targets: RolloutTarget[];

  /**
   * The one region where account-level things happen: global IAM resource types are recorded there, and
   * `homeRegionRules` deployed there only. Usually the Control Tower home region.
   *
   * @default - no home region: global resource types are recorded as `recording` says, and no homeRegionRules
   */
  readonly homeRegion?: string;

  /**
   * Account-level rules (root account MFA, IAM password policy, ...) deployed in the home region only, with the
   * agent's `rules` everywhere.
   *
   * @default - none
   */
  readonly homeRegionRules?: ComplianceRule[];

  /**
   * The name of the StackSet; other variants append `-adopt-existing` or `-create`.
   *
   * @default 'config-monitoring-agent'
   */
  readonly stackSetName?: string;

  /**
   * Whether the stack deploys in the management account (`SELF`) or in a delegated administrator account.
   *
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Whether an account that leaves the target OUs keeps its agent stack (its resources stay, no longer managed).
   *
   * @default false - the stack instance and its resources are deleted
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * StackSets (by ARN) whose auto-deployment to a new account must finish before this one starts, for example a
   * StackSet that creates the recorder or the roles the agent relies on.
   *
   * @default - none
   */
  readonly autoDeploymentDependsOn?: string[];

  /**
   * Concurrency and failure tolerance of the StackSet operations.
   *
   * @default - 25% of the accounts at once, 10% may fail, regions in parallel, soft failure tolerance
   */
  readonly operationPreferences?: RolloutOperationPreferences;

  /**
   * Per-region buckets, readable by the organization, for the agent's file assets: needed by enriched forwarding,
   * whose function is bundled code. The rollout publishes the code to the bucket of each target region (one stack
   * per region in this account, deployed before this one) and the template reads it from the bucket of its region.
   *
   * @default - the agent may have no file asset: enriched forwarding fails at synth
   */
  readonly assetBuckets?: RolloutAssetBuckets;

  /**
   * Whether StackSets runs non-conflicting operations at once and queues the others (managed execution).
   *
   * @default true
   */
  readonly managedExecution?: boolean;
}

/** One StackSet of a rollout: the targets that share a recording, and the agent template they deploy. */
export interface RolloutStackSet {
  /** The StackSet's name. */
  readonly stackSetName: string;

  /** The StackSet resource. */
  readonly stackSet: cloudformation.CfnStackSet;

  /** The agent template, as CloudFormation receives it (pseudo-parameters and conditions unresolved). */
  readonly template: any;

  /** The template's size, in bytes of JSON. */
  readonly templateBytes: number;

  /** Whether the template goes inline (`TemplateBody`, up to 51,200 bytes) or by S3 URL (a file asset of this stack). */
  readonly inline: boolean;
}

/** The targets of every rollout, for the checks across rollouts of one app. */
const TARGETS = new WeakMap<ConfigMonitoringRollout, RolloutTarget[]>();

interface Variant {
  readonly recording: Recording;
  readonly suffix: string;
  readonly targets: RolloutTarget[];
}

/**
 * The agent in every account and region of an organization, new accounts included: service-managed CloudFormation
 * StackSets with auto-deployment to organizational units.
 *
 * Deploy it in the organization's management account, or in a delegated administrator account for StackSets with
 * `callAs: StackSetCallAs.DELEGATED_ADMIN`. The agent template is synthesized once, with no account or region
 * (pseudo-parameters and conditions choose at deploy time), needs no bootstrap in the member accounts and no asset
 * they cannot read. Service-managed StackSets never deploy to the management account: cover it with a
 * `ConfigMonitoringAgent` in a plain stack, given the same `agent` props.
 *
 * @example
 * const agent: monitoring.ConfigMonitoringAgentProps = {
 *   centralEventBus: events.EventBus.fromEventBusArn(this, 'CentralBus',
 *     monitoring.ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1')),
 * };
 * new monitoring.ConfigMonitoringRollout(this, 'Rollout', {
 *   agent,
 *   homeRegion: 'eu-west-1',
 *   targets: [
 *     { organizationalUnitIds: ['ou-ab12-workloads'], regions: ['eu-west-1', 'us-east-1'] },
 *     {
 *       organizationalUnitIds: ['ou-ab12-controltower'],
 *       regions: ['eu-west-1', 'us-east-1'],
 *       recording: monitoring.Recording.adoptExisting(),
 *     },
 *   ],
 * });
 */
export class ConfigMonitoringRollout extends Construct {
  /** The StackSets, one per recording variant, the agent's own recording first. */
  public readonly stackSets: RolloutStackSet[] = [];

  /** The stacks that hold the agent's code in each target region, when it has file assets (enriched forwarding). */
  public readonly assetStacks: Stack[];

  constructor(scope: Construct, id: string, props: ConfigMonitoringRolloutProps) {
    super(scope, id);
    const where = this.node.path;
    const baseName = props.stackSetName ?? 'config-monitoring-agent';
    validateRollout(where, props, baseName);
    if (props.assetBuckets) validateAssetBuckets(where, props.assetBuckets);
    const assets: AgentAsset[] = [];

    const context = Object.fromEntries(Object.entries(this.node.getAllContext()).filter(([key]) => !key.startsWith('aws:cdk:')));
    const preferences = operationPreferences(where, props.operationPreferences, props.targets);
    const capabilities = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];

    for (const variant of variantsOf(props)) {
      const stackSetName = `${baseName}${variant.suffix}`;
      const agentTemplate = synthesizeAgentTemplate({
        rolloutPath: where,
        stackSetName,
        agent: props.agent,
        recording: variant.recording,
        homeRegion: props.homeRegion,
        homeRegionRules: props.homeRegionRules ?? [],
        context,
        rolloutAccount: Stack.of(this).account,
        assetBucketNamePrefix: props.assetBuckets?.bucketNamePrefix,
      });
      assets.push(...agentTemplate.assets);
      const bytes = Buffer.byteLength(agentTemplate.body, 'utf8');
      const inline = bytes <= MAX_TEMPLATE_BODY_BYTES;
      const constructSuffix = variant.suffix.split('-').map((p) => (p === '' ? '' : p[0].toUpperCase() + p.slice(1))).join('');
      let templateUrl: string | undefined;
      if (!inline) {
        // Above the inline limit: the template goes by S3 URL, from this account's bootstrap bucket, which only
        // CloudFormation in this account reads (the member accounts receive the template from StackSets).
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-monitoring-rollout-template-'));
        const file = path.join(dir, `${stackSetName}.template.json`);
        fs.writeFileSync(file, agentTemplate.body);
        templateUrl = new s3assets.Asset(this, `Template${constructSuffix}`, { path: file }).httpUrl;
      }
      const stackSet = new cloudformation.CfnStackSet(this, `StackSet${constructSuffix}`, {
        stackSetName,
        description: 'AWS Config compliance monitoring agent (cdk-config-monitoring)',
        permissionModel: 'SERVICE_MANAGED',
        callAs: props.callAs ?? StackSetCallAs.SELF,
        autoDeployment: {
          enabled: true,
          retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? false,
          dependsOn: props.autoDeploymentDependsOn,
        },
        managedExecution: { Active: props.managedExecution ?? true },
        capabilities,
        operationPreferences: preferences,
        templateBody: inline ? agentTemplate.body : undefined,
        templateUrl,
        stackInstancesGroup: variant.targets.map((target) => ({
          regions: target.regions,
          deploymentTargets: {
            organizationalUnitIds: target.organizationalUnitIds,
            accounts: target.accounts,
            accountFilterType: (target.accountFilter ?? AccountFilter.NONE) === AccountFilter.NONE ? undefined : target.accountFilter,
          },
        })),
      });
      this.stackSets.push({ stackSetName, stackSet, template: agentTemplate.template, templateBytes: bytes, inline });
    }
    TARGETS.set(this, props.targets);
    // At synth, when the whole app exists: no other rollout or per-account agent deploys to the same account and region.
    this.node.addValidation({ validate: () => this.validateLayout() });

    const regions = [...new Set(props.targets.flatMap((t) => t.regions))];
    this.assetStacks = props.assetBuckets ? createAssetStacks(this, props.assetBuckets, regions, assets) : [];
  }

  private validateLayout(): string[] {
    const mine = placed(this);
    const others = this.node.root.node.findAll()
      .filter((c): c is ConfigMonitoringRollout => c instanceof ConfigMonitoringRollout && c !== this)
      // Each pair once: reported by the rollout that comes later in the tree.
      .filter((other) => other.node.path < this.node.path);
    const across = others.flatMap((other) => overlappingTargets([...placed(other), ...mine])
      .filter((problem) => problem.includes(this.node.path) && problem.includes(other.node.path)));
    return [...across, ...perAccountAgentsTargeted(this.node.root, mine)];
  }
}

/** The checks that need the whole app: other rollouts and per-account agents deploying where this rollout does. */
function placed(rollout: ConfigMonitoringRollout): PlacedTarget[] {
  return (TARGETS.get(rollout) ?? []).map((target, index) => ({ where: `${rollout.node.path} targets[${index}]`, target }));
}

/** The targets grouped by recording: the agent's own first, then adopting, then other created recorders. */
function variantsOf(props: ConfigMonitoringRolloutProps): Variant[] {
  const agentRecording = props.agent.recording ?? Recording.create();
  const variants: { recording: Recording; targets: RolloutTarget[] }[] = [];
  for (const target of props.targets) {
    const recording = target.recording ?? agentRecording;
    // Every adoptExisting() is the same variant: it has no options.
    const variant = variants.find((v) => v.recording === recording || (v.recording.adopted && recording.adopted));
    if (variant) variant.targets.push(target);
    else variants.push({ recording, targets: [target] });
  }
  let created = 0;
  return variants.map((v) => {
    if (v.recording === agentRecording || (v.recording.adopted && agentRecording.adopted)) return { ...v, suffix: '' };
    if (v.recording.adopted) return { ...v, suffix: '-adopt-existing' };
    created += 1;
    return { ...v, suffix: created === 1 ? '-create' : `-create-${created}` };
  });
}

function validateRollout(where: string, props: ConfigMonitoringRolloutProps, baseName: string): void {
  if (!Token.isUnresolved(baseName) && !STACK_SET_NAME.test(baseName)) {
    throw new Error(`${where}: stackSetName must start with a letter and hold only letters, digits and dashes (at most 128), `
      + `got '${baseName}'`);
  }
  if (props.targets.length === 0) {
    throw new Error(`${where}: targets is empty: give at least one { organizationalUnitIds, regions } (the root 'r-...' for the whole organization)`);
  }
  props.targets.forEach((target, index) => {
    const at = `${where}: targets[${index}]`;
    if (target.organizationalUnitIds.length === 0) {
      throw new Error(`${at}.organizationalUnitIds is empty: service-managed StackSets deploy to OUs; give the OUs (or the root 'r-...') `
        + 'and refine them with accounts and accountFilter');
    }
    for (const ou of target.organizationalUnitIds) {
      if (!Token.isUnresolved(ou) && !ORGANIZATIONAL_UNIT_ID.test(ou)) {
        throw new Error(`${at}.organizationalUnitIds holds '${ou}', which is not an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)`);
      }
    }
    if (target.regions.length === 0) throw new Error(`${at}.regions is empty: give the regions the agent goes to`);
    for (const region of target.regions) {
      if (!Token.isUnresolved(region) && !REGION_NAME.test(region)) {
        throw new Error(`${at}.regions holds '${region}', which is not a region name such as 'eu-west-1'`);
      }
    }
    if (new Set(target.regions).size !== target.regions.length) {
      throw new Error(`${at}.regions lists a region twice (${target.regions.join(', ')}): list each once`);
    }
    const filter = target.accountFilter ?? AccountFilter.NONE;
    const accounts = target.accounts ?? [];
    for (const account of accounts) {
      if (!Token.isUnresolved(account) && !ACCOUNT_ID.test(account)) {
        throw new Error(`${at}.accounts holds '${account}', which is not a 12-digit account id`);
      }
    }
    if (filter === AccountFilter.NONE && accounts.length > 0) {
      throw new Error(`${at}.accounts is given (${accounts.join(', ')}) with accountFilter NONE, which ignores it: set accountFilter `
        + 'to INTERSECTION (only these accounts of the OUs) or DIFFERENCE (every account of the OUs but these)');
    }
    if (filter !== AccountFilter.NONE && accounts.length === 0) {
      throw new Error(`${at}.accountFilter is ${filter} but accounts is empty: list the accounts to ${filter === AccountFilter.INTERSECTION ? 'include' : 'exclude'}`);
    }
  });
  // Two StackSets (or two instance groups) deploying to the same account and region would make two recorders.
  const overlaps = overlappingTargets(props.targets.map((target, index) => ({ where: `targets[${index}]`, target })));
  if (overlaps.length > 0) throw new Error(`${where}: ${overlaps[0]}`);
  const regions = new Set(props.targets.flatMap((t) => t.regions));
  if (props.homeRegion !== undefined && !Token.isUnresolved(props.homeRegion) && !regions.has(props.homeRegion)) {
    throw new Error(`${where}: homeRegion is '${props.homeRegion}', a region of no target (${[...regions].join(', ')}): global resource `
      + 'types and homeRegionRules would be deployed nowhere; add it to the targets\' regions or choose one of them');
  }
}

/** The operation preferences, validated as CloudFormation would, and defaulted. */
function operationPreferences(where: string, given: RolloutOperationPreferences | undefined, targets: RolloutTarget[]):
cloudformation.CfnStackSet.OperationPreferencesProperty {
  const p = given ?? {};
  const at = `${where}: operationPreferences`;
  if (p.failureToleranceCount !== undefined && p.failureTolerancePercentage !== undefined) {
    throw new Error(`${at} gives both failureToleranceCount (${p.failureToleranceCount}) and failureTolerancePercentage `
      + `(${p.failureTolerancePercentage}): CloudFormation takes one; remove the other`);
  }
  if (p.maxConcurrentCount !== undefined && p.maxConcurrentPercentage !== undefined) {
    throw new Error(`${at} gives both maxConcurrentCount (${p.maxConcurrentCount}) and maxConcurrentPercentage `
      + `(${p.maxConcurrentPercentage}): CloudFormation takes one; remove the other`);
  }
  const check = (name: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
      throw new Error(`${at}.${name} must be a whole number from ${min} to ${max}, got ${value}`);
    }
  };
  check('failureToleranceCount', p.failureToleranceCount, 0, Number.MAX_SAFE_INTEGER);
  check('failureTolerancePercentage', p.failureTolerancePercentage, 0, 100);
  check('maxConcurrentCount', p.maxConcurrentCount, 1, Number.MAX_SAFE_INTEGER);
  check('maxConcurrentPercentage', p.maxConcurrentPercentage, 1, 100);
  const mode = p.failureToleranceMode ?? FailureToleranceMode.SOFT;
  if (mode === FailureToleranceMode.STRICT && p.maxConcurrentCount !== undefined && p.failureToleranceCount !== undefined
    && p.maxConcurrentCount > p.failureToleranceCount + 1) {
    throw new Error(`${at}.maxConcurrentCount is ${p.maxConcurrentCount}, above failureToleranceCount + 1 (${p.failureToleranceCount + 1}), `
      + 'which CloudFormation rejects in STRICT mode: lower it, raise the tolerance, or use FailureToleranceMode.SOFT');
  }
  const regions = new Set(targets.flatMap((t) => t.regions));
  for (const region of p.regionOrder ?? []) {
    if (!regions.has(region)) {
      throw new Error(`${at}.regionOrder holds '${region}', a region of no target (${[...regions].join(', ')}): list only target regions`);
    }
  }
  const countTolerance = p.failureToleranceCount !== undefined;
  const countConcurrency = p.maxConcurrentCount !== undefined;
  return {
    failureToleranceCount: p.failureToleranceCount,
    failureTolerancePercentage: countTolerance ? undefined : (p.failureTolerancePercentage ?? 10),
    maxConcurrentCount: p.maxConcurrentCount,
    maxConcurrentPercentage: countConcurrency ? undefined : (p.maxConcurrentPercentage ?? 25),
    regionConcurrencyType: p.regionConcurrency ?? RegionConcurrency.PARALLEL,
    regionOrder: p.regionOrder,
    concurrencyMode: mode,
  };
}
