import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { ComplianceApiOptions } from './compliance-api-options';
import { grantLogsUseOfKey } from '../../common/logs-key-grant';
import { createMonitoringFunction, FUNCTION_LOG_RETENTION } from '../../common/monitoring-function';
import { acknowledgeNagFinding } from '../../common/nag-acknowledgement';
import { validateIntegerInRange } from '../../common/validation';
import { functionEnvironment } from '../../contract/function-environments';
import { FLEET_COVERAGE_PARTITION_KEY, STATUS_INDEX_NAME } from '../../contract/table-names';
import { ComplianceApiFunction } from '../../handlers/compliance-api-function';
import { COMPLIANCE_INDEX_NAMES, type ComplianceIndex } from '../compliance-index';

// Routes follow src/runtime/api/router.ts: change both sides together. Index names come from the contract.


/** The stage every route is deployed to: the first path segment of the API's URL. */
export const COMPLIANCE_API_STAGE = 'v1';

/** Below API Gateway's 29-second integration timeout, so a slow summary ends in the function's error, not a 504. */
export const COMPLIANCE_API_TIMEOUT = Duration.seconds(28);

/** The API's access and execution logs are kept as long as its function's: who read what is audit evidence. */
export const COMPLIANCE_API_LOG_RETENTION = FUNCTION_LOG_RETENTION;

const RESOURCE_PATH = ['resources', '{account}', '{region}', '{resourceType}', '{resourceId}'];
const FILTERS = ['status', 'resourceType', 'account', 'region', 'rule'];

/** Properties of the `ComplianceApi` construct. */
export interface ComplianceApiProps extends ComplianceApiOptions {
  readonly complianceTable: dynamodb.ITableV2;
  readonly eventsTable: dynamodb.ITableV2;
  /** Serve `GET /coverage`, the fleet coverage snapshot. @default false */
  readonly fleetCoverage?: boolean;
  /** The account and rule indexes the table has: the function plans its queries with these. */
  readonly indexes: readonly ComplianceIndex[];
  /** The key of the tables (and of the API's log groups). @default - AWS-managed keys */
  readonly encryptionKey?: kms.IKey;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A read-only REST API over the compliance state and history, for dashboards and platform tools.
 *
 * Regional, IAM-authorized on every method (SigV4; grant callers with `grantInvoke`), throttled, with access logs,
 * execution logs (errors only, no payloads), X-Ray tracing and request-parameter validation. One function answers
 * every route with Queries on keys and indexes only (never a Scan), under a role that may only read.
 *
 * Routes (all `GET`): `/compliance`, `/summary`, `/resources/{account}/{region}/{resourceType}/{resourceId}` and
 * `/resources/{account}/{region}/{resourceType}/{resourceId}/history`.
 */
export class ComplianceApi extends Construct {
  /** The REST API. */
  public readonly api: apigateway.RestApi;

  /** The function behind every route. */
  public readonly handler: lambda.IFunction;

  /** The stage's access log group: one JSON line per request, with the caller's IAM identity. */
  public readonly accessLogGroup: logs.ILogGroup;

  /** The base URL of the API's stage, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/v1/`. */
  public readonly url: string;

  private readonly methodArns: string[] = [];

  constructor(scope: Construct, id: string, props: ComplianceApiProps) {
    super(scope, id);
    const rateLimit = props.throttlingRateLimit ?? 50;
    const burstLimit = props.throttlingBurstLimit ?? 100;
    validateIntegerInRange('throttlingRateLimit', rateLimit, 1, 10_000,
      'API Gateway allows at most 10,000 requests per second per account and region by default');
    validateIntegerInRange('throttlingBurstLimit', burstLimit, 1, 5_000,
      'API Gateway allows a burst of at most 5,000 requests per account and region by default');
    if (props.webAclArn !== undefined && !Token.isUnresolved(props.webAclArn)
      && !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[^/]+\/[^/]+$/.test(props.webAclArn)) {
      throw new Error(`webAclArn must be the ARN of a regional WAF v2 web ACL, got '${props.webAclArn}': `
        + "use the ARN of a web ACL with scope REGIONAL ('arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>')");
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const cloudWatchRole = props.cloudWatchRole ?? true;

    const { function: handler } = createMonitoringFunction(this, {
      createFunction: (s, fnId, fnProps) => new ComplianceApiFunction(s, fnId, fnProps),
      name: 'ComplianceApi',
      roleDescription: 'Execution role of the ComplianceApi function: reads the compliance state and history',
      // `Handler`, beside the API's own log groups and role.
      ids: { function: 'Handler', role: 'HandlerRole', logGroup: 'HandlerLogGroup' },
      description: 'Answers the compliance query API: state, summary and history, read-only',
      memorySize: 512,
      timeout: COMPLIANCE_API_TIMEOUT,
      encryptionKey: props.encryptionKey,
      removalPolicy,
      environment: functionEnvironment('ComplianceApi', {
        complianceTableName: props.complianceTable.tableName,
        eventsTableName: props.eventsTable.tableName,
        scopeIndexes: props.indexes.join(','),
      }),
    });
    this.handler = handler;
    grantReads(handler, props);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogGroup', {
      retention: COMPLIANCE_API_LOG_RETENTION,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
    if (props.encryptionKey) grantLogsUseOfKey(this, props.encryptionKey);

    this.api = new apigateway.RestApi(this, 'Resource', {
      description: 'Config compliance state, summary and history (read-only, IAM-authorized)',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole,
      ...(cloudWatchRole ? { cloudWatchRoleRemovalPolicy: removalPolicy } : {}),
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      deployOptions: {
        stageName: COMPLIANCE_API_STAGE,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        // Errors only, never request or response bodies: the responses are the organization's compliance data.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
      },
    });
    this.url = this.api.url;

    // API Gateway creates its execution log group on first use, without retention: create it first, with both.
    const executionLogGroup = new logs.LogGroup(this, 'ExecutionLogGroup', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${COMPLIANCE_API_STAGE}`,
      retention: COMPLIANCE_API_LOG_RETENTION,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
    this.api.deploymentStage.node.addDependency(executionLogGroup);

    this.addRoutes(handler, props.fleetCoverage ?? false);

    if (props.webAclArn !== undefined) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    } else {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: 'Every method requires SigV4-signed requests of principals granted execute-api:Invoke, and the stage is '
          + 'throttled; a web ACL (about $5 a month plus rules) is opt-in through webAclArn, for IP allow-lists or per-caller rate rules.',
      });
    }
    const cloudWatchRoleConstruct = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRoleConstruct) {
      acknowledgeNagFinding(cloudWatchRoleConstruct, 'AwsSolutions-IAM4',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        'AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for the account-wide role API Gateway writes '
        + 'access and execution logs with; AWS keeps it current. Set cloudWatchRole false where the account already has one.');
    }
  }

  /**
   * Grants `execute-api:Invoke` on the API's methods (and nothing else) to a principal of this account.
   *
   * A principal of another account needs a role in this account to assume: IAM-authorized REST APIs check the
   * caller's identity policy in the API's account.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: this.methodArns });
  }

  private addRoutes(handler: lambda.IFunction, fleetCoverage: boolean): void {
    // One permission per method (scoped to its ARN), none for the console's test invocations.
    const integration = new apigateway.LambdaIntegration(handler, { allowTestInvoke: false });
    const validator = new apigateway.RequestValidator(this, 'RequestValidator', {
      restApi: this.api,
      requestValidatorName: 'parameters',
      validateRequestParameters: true,
      // Every method is a GET without a body model, so this validates nothing today, and refuses bodies if one is ever added.
      validateRequestBody: true,
    });
    const queryString = (names: string[]) => Object.fromEntries(names.map((name) => [`method.request.querystring.${name}`, false]));
    const pathParameters = Object.fromEntries(RESOURCE_PATH.filter((part) => part.startsWith('{'))
      .map((part) => [`method.request.path.${part.slice(1, -1)}`, true]));

    const get = (resource: apigateway.IResource, requestParameters: Record<string, boolean>) => {
      const method = resource.addMethod('GET', integration, { requestValidator: validator, requestParameters, authorizationType: apigateway.AuthorizationType.IAM });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: 'IAM authorization (SigV4) is the deliberate choice: the callers are roles of platform tools and dashboards, '
          + 'granted with grantInvoke and audited in CloudTrail; a Cognito user pool would add a second identity store.',
      });
      // The ARN's path names each path parameter `*`: IAM matches the request's real path against it.
      const path = resource.path.replace(/\{[^}]+\}/g, '*');
      this.methodArns.push(this.api.arnForExecuteApi('GET', path, COMPLIANCE_API_STAGE));
    };

    get(this.api.root.addResource('compliance'), queryString([...FILTERS, 'limit', 'nextToken']));
    get(this.api.root.addResource('summary'), queryString([...FILTERS, 'groupBy']));
    const resource = RESOURCE_PATH.reduce<apigateway.IResource>((parent, part) => parent.addResource(part), this.api.root);
    get(resource, pathParameters);
    get(resource.addResource('history'), { ...pathParameters, ...queryString(['limit', 'nextToken']) });
    if (fleetCoverage) get(this.api.root.addResource('coverage'), {});

    // The integration scopes each permission to its method's ARN; the account as well closes the confused-deputy gap
    // for policy checks (Control Tower's CT.LAMBDA.PR.2) that cannot read the ARN's Fn::Join.
    for (const child of this.node.findAll()) {
      if (child instanceof lambda.CfnPermission) child.sourceAccount = Stack.of(this).account;
    }
  }
}

/** Exactly what the function calls: Query and BatchGetItem on the state and its indexes, Query on the history, GetItem of the coverage snapshot. Never Scan. */
function grantReads(handler: lambda.Function, props: ComplianceApiProps): void {
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
    resources: [props.complianceTable.tableArn],
  }));
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['dynamodb:Query'],
    resources: [
      // The status index and whichever account and rule indexes the table has.
      ...[STATUS_INDEX_NAME, ...props.indexes.map((index) => COMPLIANCE_INDEX_NAMES[index])]
        .map((index) => `${props.complianceTable.tableArn}/index/${index}`),
      props.eventsTable.tableArn,
    ],
  }));
  if (props.fleetCoverage) {
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [props.complianceTable.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [FLEET_COVERAGE_PARTITION_KEY] } },
    }));
  }
  props.encryptionKey?.grant(handler, 'kms:Decrypt', 'kms:DescribeKey');
}

