import { ComplianceAggregator, ConfigMonitoringMaster } from '../../src';
import { REGION_NAME } from '../../src/common/validation';

// One region pattern for every construct: before, the aggregator and the rollout took one digit, the event bus and
// the recorder any number, so a region was valid for one prop and refused by the next.

test.each(['eu-west-1', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-7', 'eu-south-10'])('%s is a region name everywhere', (region) => {
  expect(REGION_NAME.test(region)).toBe(true);
  expect(() => ConfigMonitoringMaster.eventBusArn('111111111111', region)).not.toThrow();
  expect(() => ComplianceAggregator.accounts({ accounts: ['222222222222'], regions: [region] })).not.toThrow();
});

test.each(['Ireland', 'eu-west', 'eu-west-100', 'EU-WEST-1', 'euwest1'])('%s is refused everywhere', (region) => {
  expect(REGION_NAME.test(region)).toBe(false);
  expect(() => ConfigMonitoringMaster.eventBusArn('111111111111', region)).toThrow(/region must be an AWS region/);
  expect(() => ComplianceAggregator.accounts({ accounts: ['222222222222'], regions: [region] })).toThrow(/regions must hold AWS region names/);
});
