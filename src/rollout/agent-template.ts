import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  App, Aws, CfnCondition, CfnResource, DockerImageAssetLocation, DockerImageAssetSource, FileAssetLocation, FileAssetPackaging,
  FileAssetSource, Fn, ISynthesisSession, Stack, StackSynthesizer, Token,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { ConfigMonitoringAgent, ConfigMonitoringAgentProps } from '../agent/config-monitoring-agent';
import { Recording } from '../agent/recording/recording';
import { ComplianceRule } from '../agent/rules/compliance-rule';
import { constructIdOf } from '../agent/rules/rule-names';

/** CloudFormation's limit on an inline `TemplateBody`. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/** CloudFormation's limit on a template given by S3 URL. */
export const MAX_TEMPLATE_URL_BYTES = 1_048_576;

/** CloudFormation's limit on the resources of one template. */
export const MAX_RESOURCES = 500;

/** Where in the per-region asset buckets the rollout publishes the agent's assets. */
export const ASSET_KEY_PREFIX = 'config-monitoring/';

/** The id of the condition that holds in the home region only. */
export const HOME_REGION_CONDITION_ID = 'IsHomeRegion';

/** What tells a template that it reads the CDK bootstrap: the default qualifier, the asset buckets, the version. */
const BOOTSTRAP_TRACES = [/cdk-hnb659fds/, /cdk-[a-z0-9]{9}-(assets|container-assets)-/, /BootstrapVersion/, /AssetParameters/];

/** What the agent of one StackSet is built from. */
export interface AgentTemplateProps {
  /** The path of the rollout construct, for messages. */
  readonly rolloutPath: string;
  /** The StackSet's name, for messages. */
  readonly stackSetName: string;
  /** The agent's props, as for a `ConfigMonitoringAgent`. */
  readonly agent: ConfigMonitoringAgentProps;
  /** This variant's recording. */
  readonly recording: Recording;
  /** The home region, if any. */
  readonly homeRegion?: string;
  /** Rules deployed only in the home region. */
  readonly homeRegionRules: ComplianceRule[];
  /** The feature flags and other context of the app the rollout is in. */
  readonly context: Record<string, unknown>;
  /** The account of the stack the rollout is in, when known: it must not be baked into the template. */
  readonly rolloutAccount?: string;
  /**
   * Where file assets go: the bucket `<prefix>-<region>` of the region each stack instance runs in.
   *
   * @default - file assets are refused
   */
  readonly assetBucketNamePrefix?: string;
}

/** A file asset of the agent template, copied out of its synthesis to be published to every region's bucket. */
export interface AgentAsset {
  /** The asset's hash (of its source). */
  readonly sourceHash: string;
  /** Its staged file or directory, kept for publishing. */
  readonly path: string;
  readonly packaging: FileAssetPackaging;
  /** The key the template reads it from, in the bucket of its region. */
  readonly objectKey: string;
  /** What the asset is, for messages. */
  readonly displayName?: string;
}

/** An agent template, synthesized with no environment, and what the checks measured. */
export interface AgentTemplate {
  readonly template: any;
  readonly body: string;
  readonly resourceCount: number;
  /** The file assets to publish to each region's bucket. */
  readonly assets: AgentAsset[];
}

/**
 * A synthesizer for a template that every account of an organization deploys: no bootstrap stack, no asset (the
 * member accounts cannot read the synthesizing account's bucket), no account or region.
 */
class AgentTemplateSynthesizer extends StackSynthesizer {
  /** The file assets added, with where the template reads them. */
  public readonly assets: { source: FileAssetSource; objectKey: string }[] = [];

  constructor(private readonly rolloutPath: string, private readonly bucketNamePrefix: string | undefined) {
    super();
  }

  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (this.bucketNamePrefix !== undefined) {
      if (asset.fileName === undefined || asset.executable !== undefined) {
        throw new Error(`${this.rolloutPath}: agent: the agent template needs a file asset built by a command `
          + `(${asset.displayName ?? asset.sourceHash}), which the rollout cannot publish: give it as a file or directory`);
      }
      const extension = asset.packaging === FileAssetPackaging.ZIP_DIRECTORY ? '.zip' : path.extname(asset.fileName);
      const objectKey = `${ASSET_KEY_PREFIX}${asset.sourceHash}${extension}`;
      this.assets.push({ source: asset, objectKey });
      // The bucket of the region the stack instance runs in: the StackSet's template is the same in every region.
      const bucketName = Fn.join('-', [this.bucketNamePrefix, Aws.REGION]);
      const httpUrl = Fn.join('', ['https://', bucketName, '.s3.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', objectKey]);
      return { bucketName, objectKey, httpUrl, s3ObjectUrl: Fn.join('', ['s3://', bucketName, '/', objectKey]) };
    }
    throw new Error(`${this.rolloutPath}: agent: the agent template needs a file asset (${asset.displayName ?? asset.fileName ?? asset.sourceHash}), `
      + 'which the accounts of the organization cannot read from this account\'s bootstrap bucket: use EventForwarding.direct() '
      + 'and rules without bundled code (managed, Guard, or custom rules whose function is already deployed)');
  }

  public addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`${this.rolloutPath}: agent: the agent template needs a container image asset (${asset.displayName ?? asset.sourceHash}), `
      + 'which the accounts of the organization cannot pull from this account\'s bootstrap repository: remove it from the agent');
  }

  public synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    this.emitArtifact(session);
  }
}

/** Whether the forwarding is the enriched mode (a bundled function). */
function isEnriched(props: ConfigMonitoringAgentProps): boolean {
  return (props.forwarding as unknown as { enrichedOptions?: unknown } | undefined)?.enrichedOptions !== undefined;
}

/** The recording of a variant, with the global resource types in the home region only. */
function homeRecording(rolloutPath: string, recording: Recording, homeRegion: string | undefined): Recording {
  if (recording.adopted || homeRegion === undefined) return recording;
  const options = recording.options ?? {};
  if (options.globalResourceTypesRegion === undefined) return Recording.create({ ...options, globalResourceTypesRegion: homeRegion });
  if (options.globalResourceTypesRegion !== homeRegion) {
    throw new Error(`${rolloutPath}: recording.globalResourceTypesRegion is '${options.globalResourceTypesRegion}' but homeRegion is `
      + `'${homeRegion}': global resource types are recorded in the home region; leave globalResourceTypesRegion unset or make them equal`);
  }
  return recording;
}

/** Synthesizes the agent of one StackSet in an app of its own, with no environment, and checks the template. */
export function synthesizeAgentTemplate(props: AgentTemplateProps): AgentTemplate {
  const where = `${props.rolloutPath} (StackSet ${props.stackSetName})`;
  if (isEnriched(props.agent) && props.assetBucketNamePrefix === undefined) {
    throw new Error(`${where}: agent.forwarding is EventForwarding.enriched(), whose function is a bundled asset that the accounts `
      + 'of the organization cannot read from this account\'s bootstrap bucket: give assetBuckets ({ bucketNamePrefix, '
      + 'organizationId }), so that the rollout publishes it to an organization-readable bucket in each target region, '
      + 'or use EventForwarding.direct()');
  }
  const busArn = props.agent.centralEventBus.eventBusArn;
  if (Token.isUnresolved(busArn)) {
    throw new Error(`${where}: agent.centralEventBus must be imported by a literal ARN, got a token (${busArn}): a StackSet template `
      + 'cannot reference another stack; use events.EventBus.fromEventBusArn(this, \'CentralBus\', '
      + 'ConfigMonitoringMaster.eventBusArn(\'<central account>\', \'<central region>\'))');
  }

  // An app of its own: nothing of the rollout's stack (its account, region, bootstrap, references) can leak in.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-monitoring-rollout-'));
  try {
    // The resource limit is checked below, with the rollout's message; CDK's own check would say less.
    const context = { ...props.context, '@aws-cdk/core:stackResourceLimit': 0 };
    const app = new App({ outdir, autoSynth: false, analyticsReporting: false, context });
    const synthesizer = new AgentTemplateSynthesizer(where, props.assetBucketNamePrefix);
    const stack = new Stack(app, 'ConfigMonitoringAgent', {
      synthesizer,
      analyticsReporting: false,
      description: 'AWS Config compliance monitoring agent (cdk-config-monitoring), deployed by a StackSet',
    });
    const agent = new ConfigMonitoringAgent(stack, 'Agent', {
      ...props.agent,
      centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', busArn),
      recording: homeRecording(where, props.recording, props.homeRegion),
      rules: [...props.agent.rules ?? [], ...props.homeRegionRules],
    });
    if (props.homeRegionRules.length > 0) {
      if (props.homeRegion === undefined) {
        throw new Error(`${where}: homeRegionRules needs homeRegion, the one region they are deployed in (for example your Control Tower home region)`);
      }
      onlyInHomeRegion(agent, props.homeRegion, props.homeRegionRules);
    }
    const template = app.synth().getStackByName(stack.stackName).template;
    const named = [busArn, ...props.assetBucketNamePrefix ? [props.assetBucketNamePrefix] : []];
    const checked = checkAgentTemplate(where, template, props.rolloutAccount, named);
    return { ...checked, assets: synthesizer.assets.map((asset) => keepAsset(outdir, asset.source, asset.objectKey)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(where)) throw error;
    throw new Error(`${where}: the agent template could not be synthesized: ${message}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Copies a staged asset out of the synthesis (deleted afterwards), once per hash. */
function keepAsset(outdir: string, source: FileAssetSource, objectKey: string): AgentAsset {
  const kept = path.join(os.tmpdir(), `config-monitoring-rollout-asset-${source.sourceHash}`);
  const staged = path.isAbsolute(source.fileName!) ? source.fileName! : path.join(outdir, source.fileName!);
  const target = path.join(kept, path.basename(staged));
  if (!fs.existsSync(target)) fs.cpSync(staged, target, { recursive: true });
  return {
    sourceHash: source.sourceHash,
    path: target,
    packaging: source.packaging ?? FileAssetPackaging.FILE,
    objectKey,
    displayName: source.displayName,
  };
}

/** Puts every resource of the home-region rules (and their remediations) under the condition `AWS::Region = homeRegion`. */
function onlyInHomeRegion(agent: ConfigMonitoringAgent, homeRegion: string, rules: ComplianceRule[]): void {
  const stack = Stack.of(agent);
  const condition = new CfnCondition(stack, HOME_REGION_CONDITION_ID, { expression: Fn.conditionEquals(Aws.REGION, homeRegion) });
  const container = agent.node.findChild('ComplianceRules');
  for (const rule of rules) {
    const id = constructIdOf(rule.ruleName);
    for (const childId of [id, `${id}Remediation`, `${id}RemediationRole`]) {
      const child = container.node.tryFindChild(childId);
      if (!child) continue;
      for (const resource of child.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c))) {
        resource.cfnOptions.condition = condition;
      }
    }
  }
}

/** Every `Ref` and `Fn::GetAtt` target in a value. */
function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') into.add(inner);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
      else referencedIds(inner, into);
    }
  }
  return into;
}

/** The synth-time checks of an agent template: CloudFormation's limits, nothing of the synthesizing environment. */
export function checkAgentTemplate(where: string, template: any, rolloutAccount: string | undefined, allowed: string[]):
Omit<AgentTemplate, 'assets'> {
  const resources: Record<string, any> = template.Resources ?? {};
  const resourceCount = Object.keys(resources).length;
  if (resourceCount > MAX_RESOURCES) {
    throw new Error(`${where}: the agent template has ${resourceCount} resources, above CloudFormation's ${MAX_RESOURCES}: `
      + 'move rules into a conformance pack (one resource for many rules) or split the agent into two rollouts');
  }
  const body = JSON.stringify(template);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_TEMPLATE_URL_BYTES) {
    throw new Error(`${where}: the agent template is ${bytes} bytes, above CloudFormation's ${MAX_TEMPLATE_URL_BYTES} for a template `
      + 'given by S3 URL: move rules into conformance packs or split the agent into two rollouts');
  }
  for (const trace of BOOTSTRAP_TRACES) {
    if (trace.test(body)) {
      throw new Error(`${where}: the agent template refers to the CDK bootstrap (${trace.source}), which the accounts of the `
        + 'organization do not have: remove what needs it from the agent');
    }
  }
  // The central bus's ARN and the asset buckets' names may name accounts: they are where events and code live.
  const unnamed = allowed.reduce((text, literal) => text.split(literal).join('<allowed>'), body);
  if (rolloutAccount !== undefined && !Token.isUnresolved(rolloutAccount) && unnamed.includes(rolloutAccount)) {
    throw new Error(`${where}: the agent template holds the account ${rolloutAccount} of the stack the rollout is in: `
      + 'each account of the organization would deploy it as is; use Aws.ACCOUNT_ID (or pass no account) where the agent\'s own account is meant');
  }
  // A resource that exists everywhere cannot refer to one that exists in the home region only.
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Condition !== undefined) continue;
    const dependsOn: string[] = [resource.DependsOn ?? []].flat();
    for (const target of [...referencedIds(resource.Properties), ...dependsOn]) {
      if (resources[target]?.Condition !== undefined) {
        throw new Error(`${where}: the resource ${id}, deployed in every region, refers to ${target}, deployed only where `
          + `${resources[target].Condition} holds: move the rule that ${target} belongs to out of homeRegionRules, or ${id}'s rule into it`);
      }
    }
  }
  return { template, body, resourceCount };
}
