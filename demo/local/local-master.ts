/**
 * The master's runtime, locally: dynalite holding the template's tables (behind the capacity proxy when
 * capacity is measured), the SNS/SQS recording endpoint, and the shipped HandleConfigEvents bundle loaded
 * with the environment the template gives its function, reaching the stand-ins through AWS_ENDPOINT_URL_*
 * only.
 *
 * Why one helper: the demo and the benchmark must run the handler wired exactly the same way, so that
 * what the demo shows is what the benchmark measures.
 */
import { CapacityProxy, startCapacityProxy } from './capacity-proxy';
import { CfnTemplate, LocalDynamoDb, startDynamoDbFromTemplate } from './dynamodb-from-template';
import { findHandlerFunction, HandlerFunction, resolveHandlerEnvironment } from './handler-environment';
import { LoadedHandler, loadBundledHandler } from './lambda-runner';
import { RecordingEndpoint, startRecordingEndpoint } from './recording-endpoint';

export interface LocalMasterOptions {
  /** The master's synthesized template: tables, and the HandleConfigEvents function's environment. */
  readonly template: CfnTemplate;
  /** The handler bundle to load (assets/handlers/handle-config-events.lambda/index.js). */
  readonly bundle: string;
  /** Put the capacity proxy between the handler and dynalite, to bill what it reads and writes. @default false */
  readonly measureCapacity?: boolean;
}

export interface LocalMaster {
  readonly db: LocalDynamoDb;
  readonly recording: RecordingEndpoint;
  /** Present when `measureCapacity` was set. */
  readonly capacity?: CapacityProxy;
  readonly handlerFunction: HandlerFunction;
  /** The function's environment, resolved to the local stand-ins. */
  readonly environment: Record<string, string>;
  readonly loaded: LoadedHandler;
  /** Stop every stand-in. */
  close(): Promise<void>;
}

export async function startLocalMaster(options: LocalMasterOptions): Promise<LocalMaster> {
  const handlerFunction = findHandlerFunction(options.template);
  if (!handlerFunction) throw new Error('the template has no Lambda function with COMPLIANCE_TABLE_NAME and EVENTS_TABLE_NAME');
  const db = await startDynamoDbFromTemplate(options.template);
  const capacity = options.measureCapacity ? await startCapacityProxy(db.endpoint) : undefined;
  const recording = await startRecordingEndpoint();
  const close = async () => {
    await recording.close();
    await capacity?.close();
    await db.close();
  };
  try {
    const environment = resolveHandlerEnvironment(options.template, handlerFunction.variables, {
      tables: db.tables,
      recordingEndpoint: recording.endpoint,
    });
    const loaded = loadBundledHandler(options.bundle, {
      ...environment,
      AWS_ENDPOINT_URL_DYNAMODB: capacity?.endpoint ?? db.endpoint,
      AWS_ENDPOINT_URL_SNS: recording.endpoint,
      AWS_ENDPOINT_URL_SQS: recording.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    return { db, recording, capacity, handlerFunction, environment, loaded, close };
  } catch (e) {
    await close();
    throw e;
  }
}
