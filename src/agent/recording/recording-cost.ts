import { RecordingFrequency } from './recording-strategy';

/** US East (N. Virginia) price of one configuration item recorded continuously, in USD. */
export const CONTINUOUS_ITEM_PRICE_USD = 0.003;

/** US East (N. Virginia) price of one configuration item recorded daily, in USD. */
export const DAILY_ITEM_PRICE_USD = 0.012;

/** Days in the month the estimates are made for. */
export const DAYS_PER_MONTH = 30;

/**
 * What the monthly recording cost estimate is made from.
 */
export interface RecordingCostEstimateProps {
  /**
   * Configuration-item changes a day in one account and region: what continuous recording would record.
   */
  readonly dailyItemChanges: number;

  /**
   * The recording frequency the estimate is for.
   *
   * @default RecordingFrequency.CONTINUOUS
   */
  readonly frequency?: RecordingFrequency;

  /**
   * How many distinct resources change on a day. Daily recording records at most one item per changed resource a
   * day, so it only pays where resources change more than four times a day.
   *
   * @default - `dailyItemChanges` (every change on a different resource)
   */
  readonly resourcesChangedPerDay?: number;
}

/**
 * The monthly cost, in USD and rounded to cents, of recording configuration items for one account and region.
 *
 * Prices are those of US East (N. Virginia); rule evaluations, conformance packs and storage are not included.
 *
 * @internal
 */
export function estimateMonthlyRecordingCost(props: RecordingCostEstimateProps): number {
  const frequency = props.frequency ?? RecordingFrequency.CONTINUOUS;
  validateCount('dailyItemChanges', props.dailyItemChanges);
  if (props.resourcesChangedPerDay !== undefined) validateCount('resourcesChangedPerDay', props.resourcesChangedPerDay);
  const items = frequency === RecordingFrequency.DAILY
    ? Math.min(props.resourcesChangedPerDay ?? props.dailyItemChanges, props.dailyItemChanges)
    : props.dailyItemChanges;
  const price = frequency === RecordingFrequency.DAILY ? DAILY_ITEM_PRICE_USD : CONTINUOUS_ITEM_PRICE_USD;
  return Math.round(items * DAYS_PER_MONTH * price * 100) / 100;
}

function validateCount(prop: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${prop} must be a finite number of at least 0, got ${value}: give the expected count a day`);
  }
}
