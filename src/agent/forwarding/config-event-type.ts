import { Token } from 'aws-cdk-lib';

/**
 * A kind of AWS Config event, identified by its EventBridge `detail-type`.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 */
export class ConfigEventType {
  /**
   * A configuration item changed (`Config Configuration Item Change`), including oversized items and deletions.
   */
  public static readonly CONFIGURATION_ITEM_CHANGE = new ConfigEventType('Config Configuration Item Change');

  /**
   * A rule evaluated a resource to a new compliance status (`Config Rules Compliance Change`).
   */
  public static readonly COMPLIANCE_CHANGE = new ConfigEventType('Config Rules Compliance Change');

  /**
   * Another Config event, by its exact `detail-type`.
   *
   * The master stores configuration-item and compliance changes; it counts other kinds as skipped.
   *
   * @param detailType the event's `detail-type`, for example `Config Rules Re-evaluation Status`
   */
  public static of(detailType: string): ConfigEventType {
    if (!Token.isUnresolved(detailType) && detailType.trim() === '') {
      throw new Error("ConfigEventType.of() needs a detail-type, got '': pass the exact detail-type of a Config event, "
        + "for example 'Config Rules Re-evaluation Status'");
    }
    return new ConfigEventType(detailType);
  }

  /**
   * @param detailType the EventBridge `detail-type` of this kind of event
   */
  protected constructor(public readonly detailType: string) {}
}
