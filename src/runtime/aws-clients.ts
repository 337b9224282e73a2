import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DynamoDB document client per container, created at module load so warm invocations reuse its connections.
 * Adaptive retries back off under throttling instead of failing the record at once.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: 5 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
