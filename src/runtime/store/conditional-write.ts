import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Whether DynamoDB refused a write because its condition did not hold. The name is checked too: an error that
 * crossed a realm or came from a second copy of the SDK is not an instance of this copy's class.
 */
export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * Sends a conditional write. A condition that did not hold is an answer, not a failure: `false`. Anything else
 * (throttling, validation, network) is thrown.
 */
export async function sendConditionalWrite(client: DynamoDBDocumentClient, command: PutCommand | UpdateCommand): Promise<boolean> {
  try {
    await client.send(command as PutCommand);
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}
