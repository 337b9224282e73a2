import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { ConfigMonitoringMaster, ConfigMonitoringMasterProps } from '../../src';

const ORG = 'o-a1b2c3d4e5';

function create(props: ConfigMonitoringMasterProps, prepare?: (stack: Stack) => Partial<ConfigMonitoringMasterProps>) {
  const stack = new Stack(new App(), 'Master', { env: { account: '111111111111', region: 'eu-west-1' } });
  return { stack, master: new ConfigMonitoringMaster(stack, 'Monitoring', { ...props, ...prepare?.(stack) }) };
}

const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));

describe('principals', () => {
  test('names the construct path in front of the prop, the value and the fix', () => {
    expect(() => create({ organizationId: 'o-xyz' })).toThrow(new RegExp("^ConfigMonitoringMaster at 'Master/Monitoring': "
      + "organizationId must be 'o-' followed by 10 to 32 lowercase letters or digits, got 'o-xyz': use the id"));
  });

  test('fails when neither organizationId nor agentAccounts is set', () => {
    expect(() => create({})).toThrow(/^ConfigMonitoringMaster at 'Master\/Monitoring': organizationId or agentAccounts must be set, got neither: set organizationId .* or list the member accounts in agentAccounts$/);
  });

  test.each([
    ['O-A1B2C3D4E5', 'uppercase'],
    ['o-a1b2c3', 'too short'],
    ['o-' + 'a'.repeat(33), 'too long'],
    ['a1b2c3d4e5', 'no prefix'],
    ['o-a1b2c3d4e_', 'not alphanumeric'],
  ])('fails when organizationId is %s (%s)', (organizationId) => {
    expect(() => create({ organizationId }))
      .toThrow(`organizationId must be 'o-' followed by 10 to 32 lowercase letters or digits, got '${organizationId}': `
        + "use the id that 'aws organizations describe-organization' prints as Organization.Id");
  });

  test('accepts organization ids of 10 and 32 characters', () => {
    expect(() => create({ organizationId: 'o-abcdefghij' })).not.toThrow();
    expect(() => create({ organizationId: 'o-' + 'a1'.repeat(16) })).not.toThrow();
  });

  test.each(['12345678901', '1234567890123', '12345678901a', ''])('fails when an agent account is %p', (account) => {
    expect(() => create({ agentAccounts: ['222222222222', account] }))
      .toThrow(`agentAccounts[1] must be a 12-digit AWS account id, got '${account}': write it as a string of exactly 12 digits`);
  });

  test('fails when agentAccounts is empty', () => {
    expect(() => create({ agentAccounts: [] })).toThrow(/^ConfigMonitoringMaster at 'Master\/Monitoring': agentAccounts must list at least one account, got \[\]/);
  });

  test('the bus policy stays under its 10,240-character cap: fails when agentAccounts lists more than 50 accounts, and points to organizationId', () => {
    expect(() => create({ agentAccounts: accounts(51) }))
      .toThrow('agentAccounts lists 51 accounts, more than 50: an event bus policy is capped at 10,240 characters, '
        + 'so grant the whole organization with organizationId instead');
  });

  test('accepts 50 accounts, and keeps their statement well under the policy size limit', () => {
    const { stack } = create({ agentAccounts: accounts(50) });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::Events::EventBusPolicy'));
    const statement = JSON.stringify(policy.Properties.Statement).replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::(\d+):root"\]\]\}/g,
      '"arn:aws:iam::$1:root"');
    expect(statement.length).toBeLessThan(10_240 / 4);
  });

  test('duplicates do not count towards the limit', () => {
    expect(() => create({ agentAccounts: [...accounts(50), ...accounts(50)] })).not.toThrow();
  });

  test('accepts tokens without validation', () => {
    expect(() => create({}, (stack) => ({
      organizationId: new CfnParameter(stack, 'Org').valueAsString,
      agentAccounts: [new CfnParameter(stack, 'Account').valueAsString],
    }))).not.toThrow();
  });
});

describe('event bus', () => {
  test('fails when eventBusName is combined with eventBus', () => {
    expect(() => create({ organizationId: ORG, eventBusName: 'other' }, (stack) => ({
      eventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'shared'),
    }))).toThrow("eventBusName cannot be combined with eventBus, got 'other' and a bus: name the bus where you create it, "
      + 'or leave eventBus out to let the master create one');
  });

  test('fails when the bus you bring is in another account or region', () => {
    expect(() => create({ organizationId: ORG }, (stack) => ({
      eventBus: events.EventBus.fromEventBusArn(stack, 'Bus', 'arn:aws:events:us-west-2:999999999999:event-bus/shared'),
    }))).toThrow("eventBus must be in this stack's account and region (111111111111, eu-west-1), got a bus in 999999999999, us-west-2: "
      + "deploy the master in the bus's account and region, or leave eventBus out to create a bus here");
  });

  test('accepts a bus imported by ARN from its own account and region', () => {
    expect(() => create({ organizationId: ORG }, (stack) => ({
      eventBus: events.EventBus.fromEventBusArn(stack, 'Bus', 'arn:aws:events:eu-west-1:111111111111:event-bus/shared'),
    }))).not.toThrow();
  });
});

describe('history retention', () => {
  test.each([Duration.hours(23), Duration.seconds(0), Duration.minutes(90)])('fails when historyRetention is %s, shorter than a day', (historyRetention) => {
    expect(() => create({ organizationId: ORG, historyRetention }))
      .toThrow(new RegExp(`^ConfigMonitoringMaster at 'Master/Monitoring': historyRetention must be at least 1 day, got ${historyRetention.toHumanString()}: keep history for at least Duration.days\\(1\\)$`));
  });

  test('fails when historyRetention is not a whole number of days', () => {
    expect(() => create({ organizationId: ORG, historyRetention: Duration.hours(36) }))
      .toThrow('historyRetention must be a whole number of days, got 1 day 12 hours: use Duration.days(2) or another whole number');
  });

  test('accepts a token', () => {
    const { stack } = create({ organizationId: ORG }, (s) => ({
      historyRetention: Duration.days(new CfnParameter(s, 'Days', { type: 'Number' }).valueAsNumber),
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HISTORY_RETENTION_DAYS: { Ref: 'Days' } }) },
    });
  });
});

describe('batching', () => {
  test.each([0, 10_001, -1, 2.5])('fails when batchSize is %p', (batchSize) => {
    expect(() => create({ organizationId: ORG, batchSize }))
      .toThrow(`batchSize must be an integer from 1 to 10000, got ${batchSize}: Lambda reads from 1 to 10,000 SQS messages per batch`);
  });

  test('fails when maxBatchingWindow is longer than 300 seconds', () => {
    expect(() => create({ organizationId: ORG, maxBatchingWindow: Duration.seconds(301) }))
      .toThrow('maxBatchingWindow must be from 0 seconds to 5 minutes, got 5 minutes 1 second: Lambda waits at most 300 seconds (5 minutes) for a batch');
  });

  test('fails when maxBatchingWindow is not whole seconds', () => {
    expect(() => create({ organizationId: ORG, maxBatchingWindow: Duration.millis(1500) }))
      .toThrow('maxBatchingWindow must be a whole number of seconds, got 1 second 500 millis: use Duration.seconds(2) or another whole number');
  });

  test('fails when batchSize is above 10 without a batching window, as Lambda does', () => {
    expect(() => create({ organizationId: ORG, batchSize: 11, maxBatchingWindow: Duration.seconds(0) }))
      .toThrow('batchSize 11 needs a maxBatchingWindow of at least 1 second, got 0 seconds: '
        + 'set maxBatchingWindow to Duration.seconds(1) or more, or lower batchSize to 10');
  });

  test.each([1, 1001, 3.5])('fails when maxConcurrency is %p', (maxConcurrency) => {
    expect(() => create({ organizationId: ORG, maxConcurrency }))
      .toThrow(`maxConcurrency must be an integer from 2 to 1000, got ${maxConcurrency}: `
        + 'Lambda needs at least 2 concurrent invocations per SQS event source and allows at most 1,000');
  });

  test('accepts tokens without validation', () => {
    const { stack } = create({ organizationId: ORG }, (s) => ({
      batchSize: new CfnParameter(s, 'BatchSize', { type: 'Number' }).valueAsNumber,
      maxConcurrency: new CfnParameter(s, 'Concurrency', { type: 'Number' }).valueAsNumber,
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: { Ref: 'BatchSize' },
      ScalingConfig: { MaximumConcurrency: { Ref: 'Concurrency' } },
    });
  });

  test('an unresolved batching window counts as the longest for the visibility timeout', () => {
    const { stack } = create({ organizationId: ORG }, (s) => ({
      maxBatchingWindow: Duration.seconds(new CfnParameter(s, 'Window', { type: 'Number' }).valueAsNumber),
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: { Ref: 'Window' } });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 60 + 300 });
  });
});
