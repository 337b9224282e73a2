import { Token } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';

/**
 * How many configuration-item changes of one resource type the agent forwards.
 *
 * Sampling thins out noisy resource types (network interfaces, SSM inventory, …) at the source. The decision is a
 * hash of the event id, so a redelivered event gets the same decision as the first delivery. Compliance changes and
 * deletions are never sampled: each one is a state change the master must see.
 *
 * @example
 * monitoring.SamplingRule.forResourceType(config.ResourceType.of('AWS::EC2::NetworkInterface'), 0.1);
 */
export class SamplingRule {
  /**
   * Forwards the share `rate` of the configuration-item changes of `resourceType`.
   *
   * @param resourceType the resource type the rule applies to
   * @param rate from 0 (forward none) to 1 (forward all), for example 0.1 for one change in ten
   */
  public static forResourceType(resourceType: config.ResourceType, rate: number): SamplingRule {
    if (!Token.isUnresolved(rate) && !(rate >= 0 && rate <= 1)) {
      throw new Error(`SamplingRule.forResourceType() rate must be from 0 to 1, got ${rate} for `
        + `${resourceType.complianceResourceType}: pass the share of changes to forward, for example 0.1 for one in ten`);
    }
    return new SamplingRule(resourceType, rate);
  }

  /**
   * @param resourceType the resource type the rule applies to
   * @param rate the share of its configuration-item changes that is forwarded
   */
  protected constructor(public readonly resourceType: config.ResourceType, public readonly rate: number) {}
}
