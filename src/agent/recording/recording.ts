import * as config from 'aws-cdk-lib/aws-config';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeliveryDestination } from './delivery-destination';
import { estimateMonthlyRecordingCost, RecordingCostEstimateProps } from './recording-cost';
import { FrequencyOverride, RecordingFrequency, RecordingStrategy } from './recording-strategy';

/**
 * How the agent creates the account's AWS Config recorder and delivery channel.
 */
export interface RecordingOptions {
  /**
   * Which resource types are recorded.
   *
   * @default RecordingStrategy.allSupported()
   */
  readonly strategy?: RecordingStrategy;

  /**
   * The default recording frequency.
   *
   * With `DAILY`, the types AWS Config records only continuously (`AWS::Config::ResourceCompliance`,
   * `AWS::Config::ConformancePackCompliance`, `AWS::Config::ConfigurationRecorder`) stay continuous.
   *
   * @default RecordingFrequency.CONTINUOUS
   */
  readonly frequency?: RecordingFrequency;

  /**
   * Other frequencies for some resource types, for example `DAILY` for noisy auto-scaling types.
   *
   * A type may appear in one override only; `DAILY` is rejected for the continuous-only types.
   *
   * @default - every type at `frequency`
   */
  readonly frequencyOverrides?: FrequencyOverride[];

  /**
   * The one region that records the global IAM types (`AWS::IAM::User`, `Group`, `Role`, `Policy`), for example
   * your Control Tower home region. Every other region leaves them out, so they are recorded, and paid for, once.
   *
   * @default - global IAM types are recorded in no region
   */
  readonly globalResourceTypesRegion?: string;

  /**
   * Where configuration history files and snapshots are delivered.
   *
   * @default DeliveryDestination.newBucket()
   */
  readonly delivery?: DeliveryDestination;

  /**
   * How often AWS Config delivers a configuration snapshot.
   *
   * @default config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS
   */
  readonly snapshotDeliveryFrequency?: config.MaximumExecutionFrequency;

  /**
   * A topic AWS Config also sends its notifications to (when it is in the same stack, the agent lets
   * `config.amazonaws.com` publish to it, for this account only).
   *
   * @default - no topic
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Whether the agent creates the AWS Config service-linked role (`AWSServiceRoleForConfig`) when it is missing.
   *
   * The role is created through `iam:CreateServiceLinkedRole`, which succeeds when the role already exists
   * (Control Tower, Security Hub or the console made it), never removed with the stack, since other services use it.
   * Set it to `false` where the role is known to exist: the agent then deploys no function for it.
   *
   * @default true
   */
  readonly createServiceLinkedRole?: boolean;

  /**
   * Configuration items a day above which the recording cost alarm fires.
   *
   * @default 10000 (about $900 a month recorded continuously)
   */
  readonly dailyItemBudget?: number;

  /**
   * The topic the recording cost alarm notifies.
   *
   * @default - the alarm has no actions
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Whether, and how, the agent sets up AWS Config recording in its account and region.
 */
export class Recording {
  /**
   * Creates the configuration recorder, the delivery channel and (unless told not to) the service-linked role.
   *
   * Fails to deploy where a customer-managed recorder or a delivery channel already exists (Control Tower,
   * Landing Zone Accelerator, Security Hub setup or the console): use `adoptExisting()` there.
   */
  public static create(options: RecordingOptions = {}): Recording {
    return new Recording(false, options);
  }

  /**
   * Uses the recorder and delivery channel the account already has, and creates neither, nor any role.
   *
   * Forwarding, rules and the rest of the agent work as with a recorder of its own.
   */
  public static adoptExisting(): Recording {
    return new Recording(true, undefined);
  }

  /**
   * The monthly cost, in USD, of recording configuration items in one account and region, at US East
   * (N. Virginia) prices: $0.003 per item recorded continuously, $0.012 per item recorded daily, 30 days.
   */
  public static estimateMonthlyCost(props: RecordingCostEstimateProps): number {
    return estimateMonthlyRecordingCost(props);
  }

  /**
   * @param adopted true when the account's existing recorder and channel are used
   * @param options how the recorder and channel are created, when they are
   */
  protected constructor(public readonly adopted: boolean, public readonly options?: RecordingOptions) {}
}
