import { Token } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';

/** The global IAM resource types: recorded once, in the home region only (docs/guide/deploy-pitfalls.md). */
export const GLOBAL_RESOURCE_TYPES: readonly string[] = [
  config.ResourceType.IAM_USER.complianceResourceType,
  config.ResourceType.IAM_GROUP.complianceResourceType,
  config.ResourceType.IAM_ROLE.complianceResourceType,
  config.ResourceType.IAM_POLICY.complianceResourceType,
];

/** The resource type AWS Config needs to report compliance (console, advanced queries, reconciliation). */
export const RESOURCE_COMPLIANCE = 'AWS::Config::ResourceCompliance';

/**
 * Resource types AWS Config only records continuously: a `DAILY` frequency for them is rejected.
 *
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingMode.html
 */
export const CONTINUOUS_ONLY_RESOURCE_TYPES: readonly string[] = [
  RESOURCE_COMPLIANCE,
  'AWS::Config::ConformancePackCompliance',
  'AWS::Config::ConfigurationRecorder',
];

/** How a strategy renders, before global types and the home region are applied. */
export interface RecordingStrategyConfig {
  /** `ALL_SUPPORTED_RESOURCE_TYPES`, `INCLUSION_BY_RESOURCE_TYPES` or `EXCLUSION_BY_RESOURCE_TYPES`. */
  readonly useOnly: string;
  /** The included (inclusion) or excluded (exclusion) types, deduplicated, in the order given; empty for all. */
  readonly resourceTypes: string[];
}

/**
 * Which resource types the configuration recorder records.
 *
 * Global IAM types (`AWS::IAM::User`, `Group`, `Role`, `Policy`) are recorded only in the region named by
 * `globalResourceTypesRegion`, whatever the strategy.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html
 */
export abstract class RecordingStrategy {
  /**
   * Every resource type AWS Config supports, now and in the future (`ALL_SUPPORTED_RESOURCE_TYPES`).
   */
  public static allSupported(): RecordingStrategy {
    return new StrategyOf('ALL_SUPPORTED_RESOURCE_TYPES', []);
  }

  /**
   * Only these resource types (`INCLUSION_BY_RESOURCE_TYPES`).
   *
   * Keep `AWS::Config::ResourceCompliance` in the list: without it AWS Config cannot report compliance.
   *
   * @param resourceTypes the resource types to record, at least one
   */
  public static only(resourceTypes: config.ResourceType[]): RecordingStrategy {
    return new StrategyOf('INCLUSION_BY_RESOURCE_TYPES', typesOf('RecordingStrategy.only()', resourceTypes));
  }

  /**
   * Every supported resource type except these (`EXCLUSION_BY_RESOURCE_TYPES`): the usual way to leave out
   * noisy, costly types.
   *
   * @param resourceTypes the resource types not to record, at least one
   */
  public static excluding(resourceTypes: config.ResourceType[]): RecordingStrategy {
    return new StrategyOf('EXCLUSION_BY_RESOURCE_TYPES', typesOf('RecordingStrategy.excluding()', resourceTypes));
  }

  /** @internal */
  public abstract _bind(): RecordingStrategyConfig;
}

class StrategyOf extends RecordingStrategy {
  constructor(private readonly useOnly: string, private readonly resourceTypes: string[]) {
    super();
  }

  /** @internal */
  public _bind(): RecordingStrategyConfig {
    return { useOnly: this.useOnly, resourceTypes: [...this.resourceTypes] };
  }
}

function typesOf(method: string, resourceTypes: config.ResourceType[]): string[] {
  if (resourceTypes.length === 0) {
    throw new Error(`${method} needs at least one resource type, got []: list config.ResourceType values, `
      + 'or use RecordingStrategy.allSupported()');
  }
  return [...new Set(resourceTypes.map((type) => type.complianceResourceType))];
}

/**
 * How often AWS Config records a resource's configuration.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html#select-resources-recording-frequency
 */
export class RecordingFrequency {
  /** A configuration item for every change, as it happens ($0.003 per item in us-east-1). */
  public static readonly CONTINUOUS = new RecordingFrequency('CONTINUOUS');

  /**
   * At most one configuration item per resource a day, only when the resource changed ($0.012 per item):
   * cheaper for resources that change more than four times a day, 24 hours late.
   */
  public static readonly DAILY = new RecordingFrequency('DAILY');

  /**
   * @param value the CloudFormation `RecordingFrequency` value
   */
  protected constructor(public readonly value: string) {}
}

/**
 * A recording frequency for some resource types, overriding the recorder's default.
 */
export interface FrequencyOverride {
  /**
   * The resource types this frequency applies to, at least one.
   */
  readonly resourceTypes: config.ResourceType[];

  /**
   * Their recording frequency.
   */
  readonly frequency: RecordingFrequency;

  /**
   * Why these types are recorded at this frequency (shown in the AWS Config console).
   *
   * @default - no description
   */
  readonly description?: string;
}

/** Resource types that are unresolved tokens, which synth-time checks skip. */
export function resolvedTypes(types: string[]): string[] {
  return types.filter((type) => !Token.isUnresolved(type));
}
