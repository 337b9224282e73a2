import { App, Stack } from 'aws-cdk-lib';
import { ConfigMonitoringMaster } from '../../src';

// Two masters in one stack fail at synth, naming both.

test('two masters in one stack', () => {
  const app = new App();
  const stack = new Stack(app, 'Central', { env: { account: '111111111111', region: 'eu-west-1' } });
  new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });
  new ConfigMonitoringMaster(stack, 'Monitoring2', { organizationId: 'o-a1b2c3d4e5', eventBusName: 'other' });
  expect(() => app.synth()).toThrow(/Central\/Monitoring2 and Central\/Monitoring are two masters in the stack Central: an organization has one master \(one central bus the agents forward to\); remove one, or put the other in its own stack/);
});

test('one master per stack is fine', () => {
  const app = new App();
  new ConfigMonitoringMaster(new Stack(app, 'A', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });
  new ConfigMonitoringMaster(new Stack(app, 'B', { env: { account: '444444444444', region: 'eu-west-1' } }), 'Monitoring', { organizationId: 'o-f6g7h8i9j0' });
  expect(() => app.synth()).not.toThrow();
});
