/**
 * The handler's environment, read from the synthesized template and resolved to local stand-ins.
 *
 * Why from the template: the construct decides the variables (names, retention, which table is which).
 * Reading them from the HandleConfigEvents function resource, instead of restating them here, means the
 * demo and the benchmark run the handler configured exactly as the construct configures it in AWS; a
 * variable the construct forgets shows up as a local failure, not as a hand-filled value.
 */
import { CfnTemplate } from './dynamodb-from-template';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';
import { localQueueUrl } from './recording-endpoint';

/** The variables the runtime contract (docs/design/runtime-contract.md) requires of HandleConfigEvents. */
export const HANDLER_ENV_VARS = ['COMPLIANCE_TABLE_NAME', 'EVENTS_TABLE_NAME', 'NOTIFICATION_TOPIC_ARN', 'DEAD_LETTER_QUEUE_URL', 'HISTORY_RETENTION_DAYS',
  'CONFIGURATION_ITEM_HISTORY', 'SILENT_AFTER_SECONDS'];

export interface HandlerFunction {
  readonly logicalId: string;
  readonly variables: Record<string, unknown>;
}

/**
 * The Lambda function whose environment carries the contract's variables. When several do (a
 * reconciler may share the tables), the one whose logical id names HandleConfigEvents wins.
 */
export function findHandlerFunction(template: CfnTemplate, required = HANDLER_ENV_VARS.slice(0, 2)): HandlerFunction | undefined {
  const candidates = Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([logicalId, r]) => ({ logicalId, variables: (r.Properties?.Environment?.Variables ?? {}) as Record<string, unknown> }))
    .filter((f) => required.every((v) => v in f.variables));
  return candidates.find((f) => /HandleConfigEvents/i.test(f.logicalId)) ?? candidates[0];
}

export interface LocalTargets {
  /** Logical id → local table name (from dynamodb-from-template). */
  readonly tables: Map<string, string>;
  /** The recording endpoint: topics and queues resolve to it. */
  readonly recordingEndpoint: string;
}

/**
 * Resolve `Ref` / `Fn::GetAtt` to local names: tables to their dynalite names, topics to an ARN
 * (the SNS client takes the endpoint from AWS_ENDPOINT_URL_SNS), queues to a URL on the recording
 * endpoint (the SQS client sends to the QueueUrl's host). Unresolvable values fail loudly.
 */
export function resolveHandlerEnvironment(template: CfnTemplate, variables: Record<string, unknown>, local: LocalTargets): Record<string, string> {
  const resources = template.Resources ?? {};
  const resolve = (name: string, v: unknown): string => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    const o = v as Record<string, any>;
    const [target, attr] = o?.Ref !== undefined ? [o.Ref as string, 'Ref'] : o?.['Fn::GetAtt'] ? o['Fn::GetAtt'] as [string, string] : [undefined, undefined];
    if (target === undefined) throw new Error(`cannot resolve ${name}=${JSON.stringify(v)} locally`);
    const type = resources[target]?.Type;
    if (local.tables.has(target) && attr === 'Ref') return local.tables.get(target)!;
    if (local.tables.has(target) && attr === 'Arn') return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${local.tables.get(target)}`;
    if (type === 'AWS::SNS::Topic') return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${target}`;
    if (type === 'AWS::SQS::Queue') {
      return attr === 'Arn' ? `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${target}` : localQueueUrl(local.recordingEndpoint, target);
    }
    throw new Error(`cannot resolve ${name}: ${JSON.stringify(v)} points at ${target} (${type ?? 'not in this template'})`);
  };
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolve(k, v)]));
}

export interface EventSourceSettings {
  /** The SQS event source mapping's BatchSize (CloudFormation's default for SQS is 10). */
  readonly batchSize: number;
  /** The buffer queue's redrive maxReceiveCount, if it has a dead-letter queue. */
  readonly maxReceiveCount?: number;
  readonly queueLogicalId?: string;
}

/**
 * How SQS feeds the function, as the construct configured it: batch size and redrive. The benchmark
 * replays with these rather than with assumed defaults.
 */
export function eventSourceSettings(template: CfnTemplate, functionLogicalId: string): EventSourceSettings | undefined {
  const resources = template.Resources ?? {};
  const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping'
    && (r.Properties?.FunctionName?.Ref === functionLogicalId || r.Properties?.FunctionName === functionLogicalId));
  if (!mapping) return undefined;
  const queueLogicalId: string | undefined = mapping.Properties?.EventSourceArn?.['Fn::GetAtt']?.[0];
  const redrive = queueLogicalId ? resources[queueLogicalId]?.Properties?.RedrivePolicy : undefined;
  return {
    batchSize: mapping.Properties?.BatchSize ?? 10,
    maxReceiveCount: typeof redrive?.maxReceiveCount === 'number' ? redrive.maxReceiveCount : undefined,
    queueLogicalId,
  };
}
