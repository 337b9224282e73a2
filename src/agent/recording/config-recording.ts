import { Annotations, Aws, CfnCondition, Duration, Fn, IResolvable, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DeliveryDestination } from './delivery-destination';
import { Recording, RecordingOptions } from './recording';
import {
  CONTINUOUS_ONLY_RESOURCE_TYPES, GLOBAL_RESOURCE_TYPES, RecordingFrequency, RecordingStrategy, RecordingStrategyConfig,
  RESOURCE_COMPLIANCE, resolvedTypes,
} from './recording-strategy';
import { ConfigServiceLinkedRole } from './service-linked-role';
import { REGION_NAME } from '../../common/validation';

/** The default `dailyItemBudget`. */
export const DEFAULT_DAILY_ITEM_BUDGET = 10_000;

/**
 * How far back a Metrics Insights alarm can look: AWS Config publishes `ConfigurationItemsRecorded` per
 * `ResourceType` only, so the total needs a Metrics Insights query, and such alarms evaluate the latest 3 hours.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 */
export const COST_ALARM_WINDOW = Duration.hours(3);

/** The total of configuration items recorded, over every resource type. */
export const ITEMS_RECORDED_QUERY = 'SELECT SUM(ConfigurationItemsRecorded) FROM SCHEMA("AWS/Config", ResourceType)';

/**
 * Regions where AWS Config cannot record the global IAM types (opened after February 2022).
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html#select-resources-all
 */
export const REGIONS_WITHOUT_GLOBAL_TYPES: readonly string[] = [
  'ap-south-2', 'ap-southeast-4', 'ca-west-1', 'eu-south-2', 'eu-central-2', 'il-central-1', 'me-central-1',
  'ap-southeast-5', 'ap-southeast-7', 'mx-central-1',
];

/** The id of the warning given when compliance reporting would break. */
export const RESOURCE_COMPLIANCE_WARNING = 'cdk-config-monitoring:resourceComplianceNotRecorded';

/** Properties of a `ConfigRecording`. */
export interface ConfigRecordingProps {
  /** Whether to create the recorder and delivery channel, or adopt those the account has. */
  readonly recording: Recording;
}

/**
 * AWS Config recording for one account and region: the configuration recorder, its delivery channel, the
 * service-linked role it uses, and an alarm on the number of configuration items recorded (what recording costs).
 *
 * Adopting the existing recorder creates nothing. Otherwise the recorder, the channel and their bucket policy are
 * ordered so that the stack never hangs: the role exists before the recorder, the channel waits for the recorder
 * and the bucket policy, and CloudFormation starts the recorder as soon as the channel is available.
 */
export class ConfigRecording extends Construct {
  /** The configuration recorder, unless adopted. */
  public readonly recorder?: config.CfnConfigurationRecorder;

  /** The delivery channel, unless adopted. */
  public readonly deliveryChannel?: config.CfnDeliveryChannel;

  /** The delivery bucket the agent created, if it did. */
  public readonly deliveryBucket?: s3.IBucket;

  /** The service-linked role the recorder uses, unless adopted. */
  public readonly serviceLinkedRole?: ConfigServiceLinkedRole;

  /** Fires when the configuration items recorded exceed the daily budget, unless adopted. */
  public readonly costAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ConfigRecordingProps) {
    super(scope, id);
    if (props.recording.adopted) return;
    const options = props.recording.options ?? {};
    const stack = Stack.of(this);

    const strategy = (options.strategy ?? RecordingStrategy.allSupported())._bind();
    const frequency = options.frequency ?? RecordingFrequency.CONTINUOUS;
    const overrides = (options.frequencyOverrides ?? []).map((o) => ({
      resourceTypes: [...new Set(o.resourceTypes.map((t) => t.complianceResourceType))],
      frequency: o.frequency,
      description: o.description,
    }));
    const budget = options.dailyItemBudget ?? DEFAULT_DAILY_ITEM_BUDGET;
    validateRecording(this, options, strategy, overrides, budget);

    this.serviceLinkedRole = new ConfigServiceLinkedRole(this, 'ServiceLinkedRole', {
      create: options.createServiceLinkedRole ?? true,
    });

    const render = (home: boolean) => renderRecorder(strategy, frequency, overrides, home);
    let recordingGroup: config.CfnConfigurationRecorder.RecordingGroupProperty | IResolvable;
    let recordingMode: config.CfnConfigurationRecorder.RecordingModeProperty | IResolvable;
    const homeRegion = options.globalResourceTypesRegion;
    if (homeRegion !== undefined && (Token.isUnresolved(stack.region) || Token.isUnresolved(homeRegion))) {
      // An environment-agnostic stack learns its region at deploy time: choose there.
      const here = new CfnCondition(this, 'GlobalResourceTypesHere', { expression: Fn.conditionEquals(Aws.REGION, homeRegion) });
      const [inHome, elsewhere] = [render(true), render(false)];
      // Inside Fn::If the L1 no longer converts property names: give them in CloudFormation's casing.
      recordingGroup = Fn.conditionIf(here.logicalId, cfnCase(inHome.recordingGroup), cfnCase(elsewhere.recordingGroup));
      recordingMode = Fn.conditionIf(here.logicalId, cfnCase(inHome.recordingMode), cfnCase(elsewhere.recordingMode));
    } else {
      const rendered = render(homeRegion !== undefined && homeRegion === stack.region);
      recordingGroup = rendered.recordingGroup;
      recordingMode = rendered.recordingMode;
    }

    this.recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      name: 'default',
      roleArn: this.serviceLinkedRole.roleArn,
      recordingGroup,
      recordingMode,
    });
    if (this.serviceLinkedRole.creation) this.recorder.node.addDependency(this.serviceLinkedRole.creation);

    const destination = (options.delivery ?? DeliveryDestination.newBucket())._bind(this);
    this.deliveryBucket = destination.bucket;
    this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      name: 'default',
      s3BucketName: destination.bucketName,
      s3KeyPrefix: destination.keyPrefix,
      s3KmsKeyArn: destination.kmsKeyArn,
      snsTopicArn: options.notificationTopic?.topicArn,
      configSnapshotDeliveryProperties: {
        deliveryFrequency: options.snapshotDeliveryFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
      },
    });
    // The channel needs the recorder (NoAvailableConfigurationRecorderException) and a bucket policy that already
    // lets AWS Config write (InsufficientDeliveryPolicyException); the recorder needs nothing of the channel.
    this.deliveryChannel.node.addDependency(this.recorder);
    for (const dependency of destination.dependencies) this.deliveryChannel.node.addDependency(dependency);

    options.notificationTopic?.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AWSConfigSNSPolicy',
      principals: [new iam.ServicePrincipal('config.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [options.notificationTopic.topicArn],
      conditions: { StringEquals: { 'AWS:SourceAccount': stack.account } },
    }));

    this.costAlarm = new cloudwatch.MathExpression({
      expression: ITEMS_RECORDED_QUERY,
      label: 'Configuration items recorded (all resource types)',
      period: COST_ALARM_WINDOW,
    }).createAlarm(this, 'CostAlarm', {
      alarmDescription: `AWS Config recorded more configuration items in ${COST_ALARM_WINDOW.toHours()} hours than the `
        + `daily budget of ${budget} allows: find the noisy resource types by the ResourceType dimension of `
        + 'ConfigurationItemsRecorded and exclude them or record them daily',
      threshold: costAlarmThreshold(budget, frequency, overrides.map((o) => o.frequency)),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (options.alarmTopic) this.costAlarm.addAlarmAction(new cloudwatchActions.SnsAction(options.alarmTopic));
  }

  /**
   * Configuration items AWS Config recorded for one resource type (the metric is published per `ResourceType`).
   *
   * @default - sum over one day
   */
  public metricItemsRecorded(resourceType: config.ResourceType, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Config',
      metricName: 'ConfigurationItemsRecorded',
      dimensionsMap: { ResourceType: resourceType.complianceResourceType },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.days(1),
      ...props,
    });
  }
}

/**
 * The alarm threshold for one window: the budget's share of it while recording is continuous, the whole budget as
 * soon as anything is recorded daily, since AWS Config delivers a day's daily items together.
 */
export function costAlarmThreshold(budget: number, frequency: RecordingFrequency, overrideFrequencies: RecordingFrequency[]): number {
  const anyDaily = frequency === RecordingFrequency.DAILY || overrideFrequencies.includes(RecordingFrequency.DAILY);
  if (anyDaily) return budget;
  return Math.ceil(budget * COST_ALARM_WINDOW.toHours() / 24);
}

/** The recorder's property names, which are CloudFormation's with a lower-case first letter, in CloudFormation's casing. */
function cfnCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cfnCase);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), cfnCase(v)]));
}

interface ResolvedOverride {
  readonly resourceTypes: string[];
  readonly frequency: RecordingFrequency;
  readonly description?: string;
}

interface RenderedRecorder {
  readonly recordingGroup: config.CfnConfigurationRecorder.RecordingGroupProperty;
  readonly recordingMode: config.CfnConfigurationRecorder.RecordingModeProperty;
}

/**
 * The recorder's recording group and mode, in the home region of the global IAM types (`home`) or elsewhere.
 *
 * @internal
 */
export function renderRecorder(strategy: RecordingStrategyConfig, frequency: RecordingFrequency,
  overrides: ResolvedOverride[], home: boolean): RenderedRecorder {
  const isGlobal = (type: string) => GLOBAL_RESOURCE_TYPES.includes(type);
  const keep = (types: string[]) => (home ? types : types.filter((type) => !isGlobal(type)));

  let recordingGroup: config.CfnConfigurationRecorder.RecordingGroupProperty;
  let recorded: (type: string) => boolean;
  switch (strategy.useOnly) {
    case 'INCLUSION_BY_RESOURCE_TYPES': {
      const types = keep(strategy.resourceTypes);
      if (types.length === 0) {
        throw new Error(`RecordingStrategy.only() lists only global IAM types (${strategy.resourceTypes.join(', ')}), `
          + 'which are recorded in globalResourceTypesRegion only, so this region would record nothing: '
          + 'use Recording.adoptExisting() outside that region, or list regional types too');
      }
      recordingGroup = {
        allSupported: false,
        includeGlobalResourceTypes: false,
        resourceTypes: types,
        recordingStrategy: { useOnly: strategy.useOnly },
      };
      recorded = (type) => types.includes(type);
      break;
    }
    case 'EXCLUSION_BY_RESOURCE_TYPES': {
      // The exclusion strategy records global types wherever they are not excluded.
      const excluded = home ? strategy.resourceTypes
        : [...strategy.resourceTypes, ...GLOBAL_RESOURCE_TYPES.filter((type) => !strategy.resourceTypes.includes(type))];
      recordingGroup = {
        allSupported: false,
        includeGlobalResourceTypes: false,
        exclusionByResourceTypes: { resourceTypes: excluded },
        recordingStrategy: { useOnly: strategy.useOnly },
      };
      recorded = (type) => !excluded.includes(type);
      break;
    }
    default:
      recordingGroup = {
        allSupported: true,
        includeGlobalResourceTypes: home,
        recordingStrategy: { useOnly: strategy.useOnly },
      };
      recorded = () => true;
  }

  const modeOverrides: config.CfnConfigurationRecorder.RecordingModeOverrideProperty[] = overrides
    .map((o) => ({ description: o.description, recordingFrequency: o.frequency.value, resourceTypes: keep(o.resourceTypes) }))
    .filter((o) => o.resourceTypes.length > 0);
  if (frequency === RecordingFrequency.DAILY && strategy.useOnly !== 'ALL_SUPPORTED_RESOURCE_TYPES') {
    // AWS Config keeps these continuous by itself only for the all-supported strategy.
    const overridden = overrides.flatMap((o) => o.resourceTypes);
    const continuous = CONTINUOUS_ONLY_RESOURCE_TYPES.filter((type) => recorded(type) && !overridden.includes(type));
    if (continuous.length > 0) {
      modeOverrides.push({
        description: 'AWS Config records these types continuously only',
        recordingFrequency: RecordingFrequency.CONTINUOUS.value,
        resourceTypes: continuous,
      });
    }
  }

  return {
    recordingGroup,
    recordingMode: {
      recordingFrequency: frequency.value,
      recordingModeOverrides: modeOverrides.length > 0 ? modeOverrides : undefined,
    },
  };
}

function validateRecording(scope: Construct, options: RecordingOptions, strategy: RecordingStrategyConfig,
  overrides: ResolvedOverride[], budget: number): void {
  const seen = new Map<string, number>();
  overrides.forEach((override, index) => {
    if (override.resourceTypes.length === 0) {
      throw new Error(`frequencyOverrides[${index}].resourceTypes must list at least one resource type, got []: `
        + 'list config.ResourceType values, or remove the override');
    }
    for (const type of resolvedTypes(override.resourceTypes)) {
      if (seen.has(type)) {
        throw new Error(`frequencyOverrides list '${type}' twice (overrides ${seen.get(type)} and ${index}): `
          + 'AWS Config takes one frequency per resource type; keep it in one override');
      }
      seen.set(type, index);
      if (override.frequency === RecordingFrequency.DAILY && CONTINUOUS_ONLY_RESOURCE_TYPES.includes(type)) {
        throw new Error(`frequencyOverrides[${index}] records '${type}' DAILY, which AWS Config rejects: `
          + `${CONTINUOUS_ONLY_RESOURCE_TYPES.join(', ')} are recorded continuously only; remove it from the override`);
      }
    }
  });

  const homeRegion = options.globalResourceTypesRegion;
  if (homeRegion !== undefined && !Token.isUnresolved(homeRegion)) {
    if (!REGION_NAME.test(homeRegion)) {
      throw new Error(`globalResourceTypesRegion must be a region name, got '${homeRegion}': `
        + "write it like 'us-east-1', usually your Control Tower home region");
    }
    if (REGIONS_WITHOUT_GLOBAL_TYPES.includes(homeRegion)) {
      throw new Error(`globalResourceTypesRegion cannot be '${homeRegion}': AWS Config records the global IAM types `
        + 'only in regions it supported before February 2022; choose one of those, for example us-east-1');
    }
  }
  const listedGlobal = strategy.useOnly === 'INCLUSION_BY_RESOURCE_TYPES'
    ? strategy.resourceTypes.filter((type) => GLOBAL_RESOURCE_TYPES.includes(type)) : [];
  if (listedGlobal.length > 0 && homeRegion === undefined) {
    throw new Error(`RecordingStrategy.only() lists global IAM types (${listedGlobal.join(', ')}) but `
      + 'globalResourceTypesRegion is not set: they would be recorded, and paid for, in every region; '
      + "set globalResourceTypesRegion to the one region that records them, for example 'us-east-1'");
  }

  const types = resolvedTypes(strategy.resourceTypes);
  const withoutCompliance = (strategy.useOnly === 'INCLUSION_BY_RESOURCE_TYPES' && types.length === strategy.resourceTypes.length
    && !types.includes(RESOURCE_COMPLIANCE))
    || (strategy.useOnly === 'EXCLUSION_BY_RESOURCE_TYPES' && types.includes(RESOURCE_COMPLIANCE));
  if (withoutCompliance) {
    Annotations.of(scope).addWarningV2(RESOURCE_COMPLIANCE_WARNING,
      `${RESOURCE_COMPLIANCE} is not recorded: AWS Config cannot report compliance (console, advanced queries, the `
      + "master's reconciliation) without it; keep it recorded unless no rule or conformance pack runs here");
  }

  if (!Token.isUnresolved(budget) && (!Number.isInteger(budget) || budget < 1)) {
    throw new Error(`dailyItemBudget must be a whole number of at least 1, got ${budget}: give the configuration `
      + 'items a day you expect to pay for, for example 10000');
  }
}
