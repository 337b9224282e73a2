/**
 * Run a shipped handler bundle (assets/…/index.js) in this process, the way the Lambda runtime would:
 * environment first, then a fresh `require` of the one-file bundle, then `handler(event, context)`.
 *
 * Why the bundle and not the TypeScript source: the bundle is what ships. Running it proves the
 * esbuild output works (its inlined SDK, endpoint resolution from AWS_ENDPOINT_URL_*, module-scope
 * clients) and its module-load time is the cold-start cost we report.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';

/** The SQS record shape Lambda delivers (aws-lambda's SQSRecord, restated to keep this file standalone). */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, unknown>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface SqsEvent {
  readonly Records: SqsRecord[];
}

export interface BatchResponse {
  readonly batchItemFailures?: { readonly itemIdentifier: string }[];
}

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface LoadedHandler {
  readonly handler: Handler;
  readonly bundlePath: string;
  /** Time to `require` the bundle: the module-initialisation part of a cold start. */
  readonly loadMs: number;
}

export interface InvocationResult<R = BatchResponse> {
  readonly response: R;
  readonly durationMs: number;
  /** stdout/stderr lines the handler wrote (structured logs, EMF metrics), when captured. */
  readonly logs: string[];
  /** Records the handler reported as failed (to be redelivered by SQS); all of them when it threw. */
  readonly failedMessageIds: string[];
  /** The handler threw: Lambda fails the whole batch and SQS redelivers every record of it. */
  readonly error?: Error;
}

export const BUFFER_QUEUE_ARN = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:ConfigEventsBuffer`;

/** Where the bundles live, from the repository root. */
export function bundlePath(handlerName: string, root = process.cwd()): string {
  return path.join(root, 'assets', 'handlers', `${handlerName}.lambda`, 'index.js');
}

/**
 * Set the environment and load the bundle afresh. Endpoint variables (AWS_ENDPOINT_URL_DYNAMODB, …),
 * the region and dummy credentials must be in `env`, or already in process.env: the bundle's SDK
 * clients read them when they are created at module scope.
 */
export function loadBundledHandler(file: string, env: Record<string, string>, exportName = 'handler'): LoadedHandler {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: 'HandleConfigEvents',
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    ...env,
  });
  // Credentials from a developer's profile or session token must not leak into local runs.
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;

  const resolved = require.resolve(path.resolve(file));
  delete require.cache[resolved];
  const t0 = process.hrtime.bigint();
  // A runtime path, on purpose: the bundle is loaded the way Lambda loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(resolved);
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const handler = mod[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} exports no function '${exportName}'`);
  return { handler, bundlePath: resolved, loadMs };
}

/** A stable SQS message id for the n-th event of a run, so a batch failure maps back to its event. */
export function messageIdFor(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** The event index a message id from `messageIdFor` stands for. */
export function indexOfMessageId(id: string): number {
  return parseInt(id.slice(-12), 16);
}

/**
 * One SQS record as Lambda delivers it from the buffer queue.
 *
 * @param body an EventBridge event (serialised here) or a string sent as-is (to test malformed records)
 * @param index the delivery's index in the whole run: its message id derives from it
 * @param receiveCount ApproximateReceiveCount: > 1 for a redelivery
 */
export function toSqsRecord(body: unknown, index: number, receiveCount = 1, sentAt = Date.now()): SqsRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const messageId = messageIdFor(index);
  return {
    messageId,
    receiptHandle: `local-receipt-${messageId}-${receiveCount}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(sentAt),
      SenderId: 'AROAEXAMPLE:events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: BUFFER_QUEUE_ARN,
    awsRegion: LOCAL_REGION,
  };
}

let invocationCounter = 0;

/** A Lambda context good enough for handlers that log the request id or check the remaining time. */
export function lambdaContext(functionName = 'HandleConfigEvents', timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  invocationCounter += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${invocationCounter.toString().padStart(8, '0')}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Invoke the handler once. With `captureLogs`, whatever it writes to stdout/stderr during the call is
 * returned instead of printed (keeps the demo's own output readable; EMF lines stay inspectable).
 */
export async function invoke<R = BatchResponse>(loaded: LoadedHandler, event: unknown, options: { captureLogs?: boolean } = {}):
Promise<InvocationResult<R>> {
  const logs: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  if (options.captureLogs) {
    const capture = (chunk: unknown, ...rest: unknown[]) => {
      logs.push(...String(chunk).split('\n').filter((l) => l.length > 0));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
  }
  const t0 = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e6;
  try {
    const response = (await loaded.handler(event, lambdaContext())) as R;
    const durationMs = elapsed();
    const failures = (response as BatchResponse | undefined)?.batchItemFailures ?? [];
    return { response, durationMs, logs, failedMessageIds: failures.map((f) => f.itemIdentifier) };
  } catch (e) {
    const records = (event as Partial<SqsEvent> | undefined)?.Records ?? [];
    return {
      response: undefined as R,
      durationMs: elapsed(),
      logs,
      failedMessageIds: records.map((r) => r.messageId),
      error: e instanceof Error ? e : new Error(String(e)),
    };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
