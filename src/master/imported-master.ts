import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { COMPLIANCE_API_STAGE } from './api/compliance-api';
import type { ConfigMonitoringMasterAttributes } from './config-monitoring-master-attributes';
import type { IConfigMonitoringMaster } from './config-monitoring-master-ref';
import { handlerMetricByName } from './handler-metric';
import { atConstructPath, REGION_NAME } from '../common/validation';
import { COMPLIANCE_TABLE_INDEXES } from '../contract/table-names';

/** The compliance API's GET paths, path parameters as `*`: the same methods `ComplianceApi.grantInvoke` grants. */
const COMPLIANCE_API_PATHS = ['/compliance', '/summary', '/resources/*/*/*/*', '/resources/*/*/*/*/history'];

/** Where the master lives: everything it creates is in its bus's account and region. */
interface MasterEnvironment {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

/**
 * A master deployed elsewhere, known by its attributes: what `ConfigMonitoringMaster.fromMasterAttributes()` returns.
 *
 * Every resource is addressed in the bus's account and region (not the importing stack's), so grants and metrics
 * point at the master's resources from any stack or account.
 *
 * @internal
 */
export class ImportedConfigMonitoringMaster extends Construct implements IConfigMonitoringMaster {
  public readonly eventBus: events.IEventBus;
  public readonly complianceTable: dynamodb.ITableV2;
  public readonly eventsTable: dynamodb.ITableV2;
  public readonly notificationTopic: sns.ITopic;

  private readonly environment: MasterEnvironment;
  private readonly eventHandlerFunctionName?: string;
  private readonly deadLetterQueue?: sqs.IQueue;
  private readonly complianceApiId?: string;

  constructor(scope: Construct, id: string, attrs: ConfigMonitoringMasterAttributes) {
    super(scope, id);
    try {
      this.environment = validateAttributes(attrs);
      const { partition, account, region } = this.environment;
      const stack = Stack.of(this);
      const arnOf = (service: string, resource: string, resourceName?: string) =>
        stack.formatArn({ partition, account, region, service, resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });

      const encryptionKey = attrs.encryptionKeyArn === undefined ? undefined
        : kms.Key.fromKeyArn(this, 'EncryptionKey', attrs.encryptionKeyArn);
      this.eventBus = events.EventBus.fromEventBusArn(this, 'EventBus', attrs.eventBusArn);
      this.complianceTable = dynamodb.TableV2.fromTableAttributes(this, 'ComplianceTable', {
        tableArn: arnOf('dynamodb', 'table', attrs.complianceTableName),
        // The indexes by name: an imported table grants on its indexes only when told they exist.
        globalIndexes: [...COMPLIANCE_TABLE_INDEXES],
        encryptionKey,
      });
      this.eventsTable = dynamodb.TableV2.fromTableAttributes(this, 'EventsTable', {
        tableArn: arnOf('dynamodb', 'table', attrs.eventsTableName),
        encryptionKey,
      });
      this.notificationTopic = sns.Topic.fromTopicAttributes(this, 'NotificationTopic', {
        topicArn: attrs.notificationTopicArn,
        keyArn: attrs.encryptionKeyArn,
      });
      this.eventHandlerFunctionName = attrs.eventHandlerFunctionName;
      this.deadLetterQueue = attrs.deadLetterQueueArn === undefined ? undefined
        : sqs.Queue.fromQueueArn(this, 'DeadLetterQueue', attrs.deadLetterQueueArn);
      this.complianceApiId = attrs.complianceApiId;
    } catch (error) {
      throw atConstructPath('ConfigMonitoringMaster', this, error);
    }
  }

  public grantReadCompliance(grantee: iam.IGrantable): iam.Grant {
    return this.complianceTable.grantReadData(grantee).combine(this.eventsTable.grantReadData(grantee));
  }

  public grantInvokeApi(grantee: iam.IGrantable): iam.Grant {
    const apiId = this.complianceApiId;
    if (apiId === undefined) {
      throw this.missing('grantInvokeApi', 'complianceApiId', "the id of the master's compliance API");
    }
    const { partition, account, region } = this.environment;
    const resourceArns = COMPLIANCE_API_PATHS.map((path) =>
      `arn:${partition}:execute-api:${region}:${account}:${apiId}/${COMPLIANCE_API_STAGE}/GET${path}`);
    return iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const functionName = this.eventHandlerFunctionName;
    if (functionName === undefined) {
      throw this.missing(`metric('${metricName}')`, 'eventHandlerFunctionName', "the name of the master's event handler");
    }
    return handlerMetricByName(this, functionName, metricName, { ...this.metricEnvironment(), ...props });
  }

  public metricEventsProcessed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EventsProcessed', props);
  }

  public metricEventsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EventsFailed', props);
  }

  public metricDeadLetterDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.deadLetterQueue === undefined) {
      throw this.missing('metricDeadLetterDepth', 'deadLetterQueueArn', "the ARN of the master's dead-letter queue");
    }
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM, ...this.metricEnvironment(), ...props,
    });
  }

  /** The master's account and region on its metrics, so that a dashboard elsewhere reads them where they are. */
  private metricEnvironment(): cloudwatch.MetricOptions {
    const { account, region } = this.environment;
    return Token.isUnresolved(account) || Token.isUnresolved(region) ? {} : { account, region };
  }

  private missing(method: string, attribute: string, what: string): Error {
    return new Error(`ConfigMonitoringMaster at '${this.node.path}': ${method} needs ${attribute}, got none: `
      + `pass ${what} to fromMasterAttributes()`);
  }
}

/** One ARN attribute's expected shape, for the message. */
interface ArnShape {
  readonly prop: string;
  readonly service: string;
  /** The resource part after `<account>:`. */
  readonly resource: RegExp;
  readonly example: string;
  /** Where the master exposes the value. */
  readonly source: string;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([^:]*):([^:]*):(.+)$/;

/**
 * Checks the shapes of the attributes and that every resource is in the bus's account and region, and returns that
 * environment (as tokens when the bus ARN is unresolved).
 */
function validateAttributes(attrs: ConfigMonitoringMasterAttributes): MasterEnvironment {
  const bus = checkArn(attrs.eventBusArn, {
    prop: 'eventBusArn',
    service: 'events',
    resource: /^event-bus\/[A-Za-z0-9._-]{1,256}$/,
    example: 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring',
    source: 'eventBus.eventBusArn',
  });
  const tableName = /^[A-Za-z0-9_.-]{3,255}$/;
  checkName('complianceTableName', attrs.complianceTableName, tableName, 'a DynamoDB table name', 'complianceTable.tableName');
  checkName('eventsTableName', attrs.eventsTableName, tableName, 'a DynamoDB table name', 'eventsTable.tableName');
  checkName('eventHandlerFunctionName', attrs.eventHandlerFunctionName, /^[A-Za-z0-9_-]{1,64}$/, 'a Lambda function name',
    'eventHandler.functionName');
  checkName('complianceApiId', attrs.complianceApiId, /^[a-z0-9]{10}$/, 'a REST API id (10 lowercase letters or digits)',
    'complianceApiId');

  const others: Array<[string | undefined, ArnShape]> = [
    [attrs.notificationTopicArn, {
      prop: 'notificationTopicArn',
      service: 'sns',
      resource: /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
      example: 'arn:aws:sns:eu-west-1:111111111111:Monitoring-NotificationTopic',
      source: 'notificationTopic.topicArn',
    }],
    [attrs.encryptionKeyArn, {
      prop: 'encryptionKeyArn',
      service: 'kms',
      resource: /^key\/[A-Za-z0-9-]+$/,
      example: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      source: 'encryption key ARN (an alias ARN cannot be granted)',
    }],
    [attrs.deadLetterQueueArn, {
      prop: 'deadLetterQueueArn',
      service: 'sqs',
      resource: /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
      example: 'arn:aws:sqs:eu-west-1:111111111111:Monitoring-DeadLetterQueue',
      source: 'deadLetterQueue.queueArn',
    }],
  ];
  for (const [value, shape] of others) {
    if (value === undefined) continue;
    const env = checkArn(value, shape);
    if (bus === undefined || env === undefined) continue;
    if (env.partition !== bus.partition || env.account !== bus.account || env.region !== bus.region) {
      throw new Error(`${shape.prop} must be in the event bus's account and region (${bus.account}, ${bus.region}), `
        + `got '${value}' in ${env.account}, ${env.region}: the master creates its bus, tables, topic, queue and key in `
        + 'one stack, so pass the ARNs of one master');
    }
  }

  if (bus !== undefined) return bus;
  // An unresolved bus ARN (an SSM parameter, an import): its parts are read at deploy time.
  const parts = Arn.split(attrs.eventBusArn, ArnFormat.SLASH_RESOURCE_NAME);
  return { partition: parts.partition!, account: parts.account!, region: parts.region! };
}

/** The environment of a resolved ARN of the expected shape, `undefined` for an unresolved one. */
function checkArn(value: string, shape: ArnShape): MasterEnvironment | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const match = ARN.exec(value);
  const [, partition, service, region, account, resource] = match ?? [];
  if (!match || service !== shape.service || !REGION_NAME.test(region) || !/^\d{12}$/.test(account)
    || !shape.resource.test(resource)) {
    throw new Error(`${shape.prop} must be an ARN such as '${shape.example}', got '${value}': `
      + `pass the master's ${shape.source}`);
  }
  return { partition, account, region };
}

/** Throws when a resolved name does not have its AWS shape; an ARN given for a name says so. */
function checkName(prop: string, value: string | undefined, pattern: RegExp, what: string, source: string): void {
  if (value === undefined || Token.isUnresolved(value) || pattern.test(value)) return;
  const hint = value.startsWith('arn:') ? 'pass the name, not the ARN' : `pass the master's ${source}`;
  throw new Error(`${prop} must be ${what}, got '${value}': ${hint}`);
}
