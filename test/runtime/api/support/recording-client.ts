import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Every DynamoDB operation a client sent, by name, with its input: to prove a request path never Scans. */
export interface RecordedOperation {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

export function recordingDocumentClient(endpoint: string): { client: DynamoDBDocumentClient; operations: RecordedOperation[]; destroy: () => void } {
  const operations: RecordedOperation[] = [];
  const low = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // The initialize step sees every command of the low-level client, whatever document-client command built it.
  low.middlewareStack.add((next, context) => async (args) => {
    operations.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
    return next(args);
  }, { step: 'initialize', name: 'recordOperations' });
  const client = DynamoDBDocumentClient.from(low, { marshallOptions: { removeUndefinedValues: true } });
  return { client, operations, destroy: () => low.destroy() };
}
