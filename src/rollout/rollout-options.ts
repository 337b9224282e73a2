import { Recording } from '../agent/recording/recording';

/**
 * Who the StackSet acts as: the organization's management account, or a delegated administrator of StackSets.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
 */
export enum StackSetCallAs {
  /** The stack deploys in the organization's management account. */
  SELF = 'SELF',
  /** The stack deploys in an account registered as delegated administrator for CloudFormation StackSets. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/**
 * How `accounts` refines the organizational units of a rollout target.
 *
 * `UNION` is left out: CloudFormation does not support it when a StackSet resource creates its instances.
 */
export enum AccountFilter {
  /** Every account of the OUs; `accounts` must be empty. */
  NONE = 'NONE',
  /** Only the listed accounts, where they belong to the OUs (include). */
  INTERSECTION = 'INTERSECTION',
  /** Every account of the OUs except the listed ones (exclude). */
  DIFFERENCE = 'DIFFERENCE',
}

/** Whether StackSets deploys to the regions of a target one after the other, or all at once. */
export enum RegionConcurrency {
  /** One region at a time, in `regionOrder` if given. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** Every region at once. */
  PARALLEL = 'PARALLEL',
}

/** How the failure tolerance bounds the concurrency of a StackSet operation. */
export enum FailureToleranceMode {
  /** The concurrency drops as accounts fail, so failures never exceed the tolerance + 1 (CloudFormation's default). */
  STRICT = 'STRICT_FAILURE_TOLERANCE',
  /** The concurrency stays at the maximum whatever fails; the operation stops once the tolerance is exceeded. */
  SOFT = 'SOFT_FAILURE_TOLERANCE',
}

/**
 * How fast, and how far despite failures, StackSets rolls the agent out: counts or percentages, not both.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html#stackset-ops-options
 */
export interface RolloutOperationPreferences {
  /**
   * How many accounts per region may fail before StackSets stops in that region.
   *
   * @default - failureTolerancePercentage
   */
  readonly failureToleranceCount?: number;

  /**
   * The percentage of accounts per region that may fail before StackSets stops in that region (0 to 100).
   *
   * @default 10, unless failureToleranceCount is given
   */
  readonly failureTolerancePercentage?: number;

  /**
   * How many accounts StackSets deploys to at once (at least 1).
   *
   * @default - maxConcurrentPercentage
   */
  readonly maxConcurrentCount?: number;

  /**
   * The percentage of accounts StackSets deploys to at once (1 to 100).
   *
   * @default 25, unless maxConcurrentCount is given
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Whether the regions are deployed one after the other or all at once.
   *
   * @default RegionConcurrency.PARALLEL
   */
  readonly regionConcurrency?: RegionConcurrency;

  /**
   * The order of the regions, for sequential deployments; each must be a region of a target.
   *
   * @default - StackSets' own order
   */
  readonly regionOrder?: string[];

  /**
   * How the failure tolerance bounds the concurrency.
   *
   * @default FailureToleranceMode.SOFT - the concurrency stays at its maximum
   */
  readonly failureToleranceMode?: FailureToleranceMode;
}

/**
 * A part of the organization the agent is rolled out to: organizational units, optionally refined by accounts, and
 * the regions.
 *
 * @example
 * const target: monitoring.RolloutTarget = {
 *   organizationalUnitIds: ['ou-ab12-controltower'],
 *   regions: ['eu-west-1', 'us-east-1'],
 *   recording: monitoring.Recording.adoptExisting(),
 * };
 */
export interface RolloutTarget {
  /** The organizational units (or the root, `r-...`) whose accounts, present and future, get the agent. */
  readonly organizationalUnitIds: string[];

  /** The regions the agent is deployed to in each account. */
  readonly regions: string[];

  /**
   * Accounts that refine the OUs, as `accountFilter` says.
   *
   * @default - none: every account of the OUs
   */
  readonly accounts?: string[];

  /**
   * How `accounts` refines the OUs: only them (`INTERSECTION`) or all but them (`DIFFERENCE`).
   *
   * @default AccountFilter.NONE, which takes no accounts
   */
  readonly accountFilter?: AccountFilter;

  /**
   * The recording of this part of the organization, when it differs from the agent's: `Recording.adoptExisting()`
   * for OUs enrolled in Control Tower, whose accounts have a recorder already.
   *
   * Targets with different recordings are deployed by different StackSets (one per variant).
   *
   * @default - the agent's `recording`
   */
  readonly recording?: Recording;
}
