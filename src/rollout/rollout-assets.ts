import { Duration, RemovalPolicy, Stack, Stage, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, IConstruct } from 'constructs';
import { AgentAsset, ASSET_KEY_PREFIX } from './agent-template';
import { BUCKET_PROTECTION } from '../common/bucket-protection';
import { createAccessLogsBucket, enableEventBridgeNotifications, enableServerAccessLogging } from '../common/logged-bucket';
import { acknowledgeNagFinding, nagRendering } from '../common/nag-acknowledgement';
import { ORGANIZATION_ID } from '../common/validation';

const BUCKET_PREFIX = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
/** The longest region name (`ap-southeast-5`, `us-gov-west-1` ...) and its dash, which the bucket name adds. */
const LONGEST_REGION_SUFFIX = '-ap-southeast-5'.length;

/**
 * The buckets the agent's file assets (the enriched forwarder's bundled function) are published to: one per target
 * region, named `<bucketNamePrefix>-<region>`, readable by the accounts of the organization only.
 *
 * Lambda reads a function's code from a bucket in the function's own region, so the StackSet template, the same in
 * every region, points at `<bucketNamePrefix>-${AWS::Region}`.
 */
export interface RolloutAssetBuckets {
  /**
   * The buckets' names without the region: `acme-config-monitoring-assets` gives `acme-config-monitoring-assets-eu-west-1`.
   * Bucket names are global: include something of yours (a company name, the account id).
   */
  readonly bucketNamePrefix: string;

  /** The organization (`o-...`) whose accounts may read the assets (`aws:PrincipalOrgID`). */
  readonly organizationId: string;

  /**
   * Whether the rollout creates the buckets (one stack per region in this account), or they exist, with a policy that
   * lets the organization read `config-monitoring/*`, and the rollout only publishes to them.
   *
   * @default true
   */
  readonly createBuckets?: boolean;
}

/** Validates the asset buckets' options. */
export function validateAssetBuckets(where: string, buckets: RolloutAssetBuckets): void {
  const prefix = buckets.bucketNamePrefix;
  if (!Token.isUnresolved(prefix) && (!BUCKET_PREFIX.test(prefix) || prefix.length + LONGEST_REGION_SUFFIX > 63 || prefix.includes('..'))) {
    throw new Error(`${where}: assetBuckets.bucketNamePrefix must be lower-case letters, digits, dots and dashes, at most `
      + `${63 - LONGEST_REGION_SUFFIX} characters (the region is appended), got '${prefix}'`);
  }
  if (Token.isUnresolved(prefix)) {
    throw new Error(`${where}: assetBuckets.bucketNamePrefix must be a literal: the StackSet template names the buckets of every region`);
  }
  if (!Token.isUnresolved(buckets.organizationId) && !ORGANIZATION_ID.test(buckets.organizationId)) {
    throw new Error(`${where}: assetBuckets.organizationId must be an organization id such as 'o-a1b2c3d4e5', got '${buckets.organizationId}'`);
  }
}

/** Properties of a `RolloutAssetStack`. */
export interface RolloutAssetStackProps {
  readonly region: string;
  readonly account?: string;
  readonly buckets: RolloutAssetBuckets;
  readonly assets: AgentAsset[];
}

/**
 * One region's asset bucket in the rollout's account, and the agent's assets published to it.
 *
 * Deployed with the rollout's stack, before it (the StackSet's instances read the assets); it needs that account
 * bootstrapped in the region, as any stack with assets does.
 */
export class RolloutAssetStack extends Stack {
  /** The bucket the region's stack instances read the agent's code from. */
  public readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: RolloutAssetStackProps) {
    super(scope, id, {
      env: { account: props.account, region: props.region },
      description: `The cdk-config-monitoring agent's code for the organization's accounts in ${props.region}`,
    });
    const bucketName = `${props.buckets.bucketNamePrefix}-${props.region}`;
    if (props.buckets.createBuckets ?? true) {
      const bucket = new s3.Bucket(this, 'Bucket', {
        bucketName,
        // Lambda reads the code with the deploying role of each account: SSE-S3, since a KMS key would need a grant
        // to every account of the organization.
        encryption: s3.BucketEncryption.S3_MANAGED,
        ...BUCKET_PROTECTION,
        lifecycleRules: [{ id: 'ExpireOldVersions', noncurrentVersionExpiration: Duration.days(90) }],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      enableEventBridgeNotifications(bucket);
      const logs = createAccessLogsBucket(this, Duration.days(365), Duration.days(30), RemovalPolicy.RETAIN);
      enableServerAccessLogging(bucket, logs, 'assets/');
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'OrganizationReadsAgentCode',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [bucket.arnForObjects(`${ASSET_KEY_PREFIX}*`)],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.buckets.organizationId } },
      }));
      this.bucket = bucket;
    } else {
      this.bucket = s3.Bucket.fromBucketName(this, 'Bucket', bucketName);
    }

    const seen = new Set<string>();
    for (const asset of props.assets) {
      if (seen.has(asset.sourceHash)) continue;
      seen.add(asset.sourceHash);
      const short = asset.sourceHash.slice(0, 8);
      const staged = new s3assets.Asset(this, `Code${short}`, { path: asset.path });
      if (staged.assetHash !== asset.sourceHash) {
        throw new Error(`${this.node.path}: the agent's asset ${asset.displayName ?? asset.path} hashes to ${staged.assetHash} here but `
          + `${asset.sourceHash} in the agent template: the published key would not be the one the template reads`);
      }
      // extract: false copies the zip under its own name, `<hash>.zip` in the bootstrap bucket, which makes
      // `config-monitoring/<hash>.zip`: the key the StackSet template reads.
      new s3deploy.BucketDeployment(this, `Publish${short}`, {
        sources: [s3deploy.Source.bucket(staged.bucket, staged.s3ObjectKey)],
        destinationBucket: this.bucket,
        destinationKeyPrefix: ASSET_KEY_PREFIX,
        extract: false,
        prune: false,
        retainOnDelete: true,
      });
    }
    // The stack-wide singleton function of BucketDeployment: its role and runtime are aws-cdk-lib's.
    for (const singleton of this.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      acknowledgeBucketDeployment(singleton);
    }
  }
}

const BUCKET_DEPLOYMENT_REASON = 'aws-cdk-lib\'s BucketDeployment function runs only while this stack deploys, to copy the agent\'s '
  + 'code from this account\'s bootstrap bucket into the organization\'s code bucket; its role, grants and runtime are '
  + 'aws-cdk-lib\'s (AWSLambdaBasicExecutionRole for its logs, object wildcards on the two buckets).';

/** A resolved value as cdk-nag prints it: `<AWS::Partition>`, `<Bucket1234.Arn>`, joins joined. */
function nagValue(part: unknown): string {
  if (typeof part === 'string') return part;
  const value = part as { 'Ref'?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
  if (value.Ref !== undefined) return `<${value.Ref}>`;
  if (value['Fn::GetAtt'] !== undefined) return `<${value['Fn::GetAtt'].join('.')}>`;
  if (value['Fn::Join'] !== undefined) return value['Fn::Join'][1].map(nagValue).join(value['Fn::Join'][0]);
  return JSON.stringify(part);
}

/** Acknowledges exactly the findings of BucketDeployment's singleton function: its managed policy and wildcards. */
function acknowledgeBucketDeployment(singleton: IConstruct): void {
  Validations.of(singleton).acknowledge({ id: 'AwsSolutions-L1', reason: BUCKET_DEPLOYMENT_REASON });
  const role = singleton.node.tryFindChild('ServiceRole') as iam.Role | undefined;
  if (!role) return;
  const stack = Stack.of(singleton);
  for (const arn of stack.resolve((role.node.defaultChild as iam.CfnRole).managedPolicyArns) ?? []) {
    acknowledgeNagFinding(role, 'AwsSolutions-IAM4', `Policy::${nagRendering(role, arn)}`, BUCKET_DEPLOYMENT_REASON);
  }
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  const statements: any[] = policy ? stack.resolve(policy.document).Statement ?? [] : [];
  for (const statement of statements) {
    for (const action of [statement.Action ?? []].flat()) {
      if (String(action).includes('*')) acknowledgeNagFinding(role, 'AwsSolutions-IAM5', `Action::${action}`, BUCKET_DEPLOYMENT_REASON);
    }
    for (const resource of [statement.Resource ?? []].flat()) {
      const rendered = nagValue(resource);
      if (rendered.includes('*')) acknowledgeNagFinding(role, 'AwsSolutions-IAM5', `Resource::${rendered}`, BUCKET_DEPLOYMENT_REASON);
    }
  }
}

/** The asset stack of each region, next to the rollout's stack, which waits for them. */
export function createAssetStacks(rollout: Construct, buckets: RolloutAssetBuckets, regions: string[], assets: AgentAsset[]): RolloutAssetStack[] {
  if (assets.length === 0) return [];
  const stack = Stack.of(rollout);
  const stage = Stage.of(rollout) ?? rollout.node.root;
  return regions.map((region) => {
    const assetStack = new RolloutAssetStack(stage, `${stack.node.id}-${rollout.node.id}-Assets-${region}`, {
      region,
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      buckets,
      assets,
    });
    stack.addDependency(assetStack, 'the StackSet instances read the agent\'s code from the region\'s asset bucket');
    return assetStack;
  });
}
