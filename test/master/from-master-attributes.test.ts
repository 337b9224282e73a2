import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConfigMonitoringAgent, ConfigMonitoringMaster, type ConfigMonitoringMasterAttributes, Recording } from '../../src';

const MASTER = { account: '111111111111', region: 'eu-west-1' };
const ATTRIBUTES: ConfigMonitoringMasterAttributes = {
  eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring',
  complianceTableName: 'Monitoring-ComplianceTable',
  eventsTableName: 'Monitoring-EventsTable',
  notificationTopicArn: 'arn:aws:sns:eu-west-1:111111111111:Monitoring-NotificationTopic',
};

/** A consumer stack in another account than the master's, with one role to grant. */
function consumer(account = '222222222222') {
  const stack = new Stack(new App(), 'Consumer', { env: { account, region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  return { stack, role };
}

/** The statements of the policies attached to `role` (of every policy of the stack without it). */
function statements(stack: Stack, role?: iam.Role): unknown[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  const roleRef = role && stack.resolve((role.node.defaultChild as iam.CfnRole).ref);
  return policies.filter((policy) => roleRef === undefined || JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('ConfigMonitoringMaster.fromMasterAttributes()', () => {
  test('grantReadCompliance reads both tables and the compliance indexes in the master account, not the consumer one', () => {
    const { stack, role } = consumer();
    ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', ATTRIBUTES).grantReadCompliance(role);

    const resources = statements(stack).flatMap((statement: any) => statement.Resource);
    const arns = resources.map((resource) => JSON.stringify(stack.resolve(resource)));
    expect(arns.join('\n')).toContain('111111111111:table/Monitoring-ComplianceTable');
    expect(arns.join('\n')).toContain('111111111111:table/Monitoring-ComplianceTable/index/*');
    expect(arns.join('\n')).toContain('111111111111:table/Monitoring-EventsTable');
    expect(arns.join('\n')).not.toContain('222222222222');
    expect(statements(stack)).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
      Effect: 'Allow',
    }));
  });

  test('grantReadCompliance includes the key when encryptionKeyArn is given', () => {
    const { stack, role } = consumer();
    const keyArn = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', { ...ATTRIBUTES, encryptionKeyArn: keyArn }).grantReadCompliance(role);

    expect(statements(stack)).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['kms:Decrypt']), Resource: keyArn }));
  });

  test('grants the same statements as the master itself, in its own stack', () => {
    const masterStack = new Stack(new App(), 'Master', { env: MASTER });
    const master = new ConfigMonitoringMaster(masterStack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });
    const ownRole = new iam.Role(masterStack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    master.grantReadCompliance(ownRole);

    const { stack, role } = consumer(MASTER.account);
    ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', ATTRIBUTES).grantReadCompliance(role);

    // The same actions on as many resources: only the way the ARNs are written differs (attributes or names).
    const shape = (s: Stack, r: iam.Role) => statements(s, r).map((st: any) => [st.Action, [st.Resource].flat().length]);
    expect(shape(stack, role)).toEqual(shape(masterStack, ownRole));
    expect(shape(stack, role).length).toBeGreaterThan(0);
  });

  test('grantInvokeApi grants the API methods in the master account', () => {
    const { stack, role } = consumer();
    ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', { ...ATTRIBUTES, complianceApiId: 'a1b2c3d4e5' }).grantInvokeApi(role);

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: [
            'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/v1/GET/compliance',
            'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/v1/GET/summary',
            'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/v1/GET/resources/*/*/*/*',
            'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/v1/GET/resources/*/*/*/*/history',
          ],
        }],
      },
    });
  });

  test('grantInvokeApi grants the methods a created master grants', () => {
    const masterStack = new Stack(new App(), 'Master', { env: MASTER });
    const master = new ConfigMonitoringMaster(masterStack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', complianceApi: {} });
    const role = new iam.Role(masterStack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    master.grantInvokeApi(role);

    // Each created ARN is a join ending in the stage, method and path: the imported master's ARNs end the same way.
    const granted = statements(masterStack, role).filter((st: any) => st.Action === 'execute-api:Invoke')
      .flatMap((st: any) => st.Resource)
      .map((arn: any) => arn['Fn::Join'][1].at(-1));
    expect(granted).toEqual(['/v1/GET/compliance', '/v1/GET/summary', '/v1/GET/resources/*/*/*/*', '/v1/GET/resources/*/*/*/*/history']);
  });

  test('the agent forwards to the imported bus', () => {
    const { stack } = consumer();
    const master = ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', ATTRIBUTES);

    expect(master.eventBus.eventBusArn).toBe(ATTRIBUTES.eventBusArn);
    expect(master.eventBus.eventBusName).toBe('config-monitoring');
    expect(master.eventBus.env.account).toBe('111111111111');
  });

  test('an agent forwards to the imported master\'s bus', () => {
    const { stack } = consumer();
    const master = ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', ATTRIBUTES);
    new ConfigMonitoringAgent(stack, 'Agent', { centralEventBus: master.eventBus, recording: Recording.adoptExisting() });

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: ATTRIBUTES.eventBusArn })],
    });
  });

  test('metrics name the handler and the dead-letter queue, in the master account and region', () => {
    const { stack } = consumer();
    const master = ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', {
      ...ATTRIBUTES,
      eventHandlerFunctionName: 'Monitoring-HandleConfigEvents',
      deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:111111111111:Monitoring-DeadLetterQueue',
    });

    const processed = master.metricEventsProcessed();
    expect(processed).toMatchObject({ namespace: 'ConfigMonitoring', metricName: 'EventsProcessed', account: '111111111111', region: 'eu-west-1' });
    expect(processed.dimensions).toEqual({ FunctionName: 'Monitoring-HandleConfigEvents' });
    expect(master.metric('NotificationsSent').dimensions).toEqual({ FunctionName: 'Monitoring-HandleConfigEvents' });
    expect(master.metricEventsFailed().metricName).toBe('EventsFailed');
    const depth = master.metricDeadLetterDepth();
    expect(depth).toMatchObject({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum' });
    expect(depth.dimensions).toEqual({ QueueName: 'Monitoring-DeadLetterQueue' });
  });

  test('an alarm in the master account on an imported metric is an ordinary alarm', () => {
    const { stack } = consumer(MASTER.account);
    const master = ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', { ...ATTRIBUTES, eventHandlerFunctionName: 'Handler' });
    master.metricEventsFailed().createAlarm(stack, 'Failed', { threshold: 1, evaluationPeriods: 1 });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ConfigMonitoring', MetricName: 'EventsFailed', Dimensions: [{ Name: 'FunctionName', Value: 'Handler' }],
    });
  });

  test('an alarm in another account reads the metric in the master account', () => {
    const { stack } = consumer();
    const master = ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', { ...ATTRIBUTES, eventHandlerFunctionName: 'Handler' });
    master.metricEventsFailed().createAlarm(stack, 'Failed', { threshold: 1, evaluationPeriods: 1 });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [{ AccountId: '111111111111', MetricStat: { Metric: { MetricName: 'EventsFailed', Namespace: 'ConfigMonitoring' } } }],
    });
  });

  test('metric() and the named methods fail without the attributes they need, naming the path', () => {
    const { stack, role } = consumer();
    const master = ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', ATTRIBUTES);

    expect(() => master.metric('EventsProcessed')).toThrow(
      "ConfigMonitoringMaster at 'Consumer/Master': metric('EventsProcessed') needs eventHandlerFunctionName, got none");
    expect(() => master.metricDeadLetterDepth()).toThrow("at 'Consumer/Master': metricDeadLetterDepth needs deadLetterQueueArn");
    expect(() => master.grantInvokeApi(role)).toThrow("at 'Consumer/Master': grantInvokeApi needs complianceApiId");
  });

  test('metric() refuses a name the handler does not emit', () => {
    const { stack } = consumer();
    const master = ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', { ...ATTRIBUTES, eventHandlerFunctionName: 'Handler' });

    expect(() => master.metric('EventProcessed')).toThrow(
      "ConfigMonitoringMaster at 'Consumer/Master': metric() got 'EventProcessed', which the event handler does not emit");
  });

  test('an unresolved bus ARN addresses the tables in its account and region at deploy time', () => {
    const { stack, role } = consumer();
    const busArn = new CfnParameter(stack, 'BusArn').valueAsString;
    ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', { ...ATTRIBUTES, eventBusArn: busArn }).grantReadCompliance(role);

    const arns = JSON.stringify(stack.resolve(statements(stack)));
    expect(arns).toContain('"Ref":"BusArn"');
    expect(arns).not.toContain('222222222222');
  });

  describe('bad attributes fail at synth, naming the path', () => {
    test.each<[string, Partial<ConfigMonitoringMasterAttributes>, string]>([
      ['a bus name for its ARN', { eventBusArn: 'config-monitoring' }, "eventBusArn must be an ARN such as 'arn:aws:events:"],
      ['a topic ARN for the bus', { eventBusArn: ATTRIBUTES.notificationTopicArn }, 'eventBusArn must be an ARN'],
      ['a bus ARN with a bad region', { eventBusArn: 'arn:aws:events:eu-west:111111111111:event-bus/b' }, 'eventBusArn must be an ARN'],
      ['a table ARN for its name', { complianceTableName: 'arn:aws:dynamodb:eu-west-1:111111111111:table/T' },
        "complianceTableName must be a DynamoDB table name, got 'arn:aws:dynamodb:eu-west-1:111111111111:table/T': pass the name, not the ARN"],
      ['a short table name', { eventsTableName: 'T' }, "eventsTableName must be a DynamoDB table name, got 'T'"],
      ['a key alias', { encryptionKeyArn: 'arn:aws:kms:eu-west-1:111111111111:alias/monitoring' }, 'encryptionKeyArn must be an ARN such as'],
      ['a topic in another account', { notificationTopicArn: 'arn:aws:sns:eu-west-1:333333333333:Topic' },
        "notificationTopicArn must be in the event bus's account and region (111111111111, eu-west-1), got "
        + "'arn:aws:sns:eu-west-1:333333333333:Topic' in 333333333333, eu-west-1"],
      ['a queue in another region', { deadLetterQueueArn: 'arn:aws:sqs:us-east-1:111111111111:Dlq' },
        "deadLetterQueueArn must be in the event bus's account and region (111111111111, eu-west-1)"],
      ['a function ARN for its name', { eventHandlerFunctionName: 'arn:aws:lambda:eu-west-1:111111111111:function:F' },
        'eventHandlerFunctionName must be a Lambda function name'],
      ['an API URL for its id', { complianceApiId: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/' },
        'complianceApiId must be a REST API id'],
    ])('%s', (_, bad, message) => {
      const { stack } = consumer();

      expect(() => ConfigMonitoringMaster.fromMasterAttributes(stack, 'Master', { ...ATTRIBUTES, ...bad }))
        .toThrow(`ConfigMonitoringMaster at 'Consumer/Master': ${message}`);
    });
  });
});

