import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { grantLogsUseOfKey } from './logs-key-grant';

/**
 * How long every function's logs are kept: one year. The logs carry the reason of every dead-lettered record, the
 * drift the reconciliation found, the silent accounts and who read what through the API, which an auditor reading
 * the (default one-year) history may need; one year also meets the common audit-log retention requirements
 * (PCI DSS 10.5.1, ISO 27001 practice) and Control Tower's CT.CLOUDWATCH.PR.2. The volume is small.
 */
export const FUNCTION_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/** Creates the function from its generated class (src/handlers/*-function.ts), whose bundle it names. */
export type MonitoringFunctionFactory = (scope: Construct, id: string, props: lambda.FunctionOptions) => lambda.Function;

/**
 * The construct ids of the function, its role and its log group. They are part of the logical ids, so a site keeps
 * the ones it deployed with: a changed id replaces the resource.
 */
export interface MonitoringFunctionIds {
  readonly function: string;
  readonly role: string;
  readonly logGroup: string;
}

/** The ids of a construct that holds one function: `Function`, `Role`, `LogGroup`. */
export const DEFAULT_FUNCTION_IDS: MonitoringFunctionIds = { function: 'Function', role: 'Role', logGroup: 'LogGroup' };

/** How one of the library's functions is built. */
export interface MonitoringFunctionProps {
  readonly createFunction: MonitoringFunctionFactory;
  /** The function's name in its role's description. */
  readonly name: string;
  /** @default `Execution role of the ${name} function` */
  readonly roleDescription?: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** The key of the log group, if customer-managed; CloudWatch Logs is let use it. @default - CloudWatch Logs' own keys */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the log group when it leaves the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Retries of a failed asynchronous invocation. @default 2 (Lambda's default) */
  readonly retryAttempts?: number;
  /** @default DEFAULT_FUNCTION_IDS */
  readonly ids?: MonitoringFunctionIds;
}

/** A function with its own role and log group. */
export interface MonitoringFunction {
  readonly function: lambda.Function;
  /** Holds only the right to write to the function's own log group; each site grants exactly what its function calls. */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * One of the library's functions, in the one shape they all share: arm64, its own log group (one-year retention,
 * the given key) and its own role.
 *
 * An own role instead of the default one with AWSLambdaBasicExecutionRole, whose logs:* statements apply to every
 * log group of the account: this one may only write to the function's own log group.
 */
export function createMonitoringFunction(scope: Construct, props: MonitoringFunctionProps): MonitoringFunction {
  const ids = props.ids ?? DEFAULT_FUNCTION_IDS;
  const logGroup = new logs.LogGroup(scope, ids.logGroup, {
    retention: FUNCTION_LOG_RETENTION,
    // Logs are always encrypted at rest by CloudWatch Logs; with a customer-managed key, with that key.
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
  });
  if (props.encryptionKey) grantLogsUseOfKey(scope, props.encryptionKey);

  const role = new iam.Role(scope, ids.role, {
    description: props.roleDescription ?? `Execution role of the ${props.name} function`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));

  const fn = props.createFunction(scope, ids.function, {
    description: props.description,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    logGroup,
    role,
    retryAttempts: props.retryAttempts,
    environment: props.environment,
  });
  return { function: fn, role, logGroup };
}
