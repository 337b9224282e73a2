import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure, sendConditionalWrite } from '../../../src/runtime/store/conditional-write';

const put = new PutCommand({ TableName: 't', Item: { pk: 'a', sk: 'b' }, ConditionExpression: 'attribute_not_exists(pk)' });
const clientThat = (send: () => Promise<unknown>) => ({ send }) as unknown as DynamoDBDocumentClient;

test('a write that succeeds is true', async () => {
  await expect(sendConditionalWrite(clientThat(async () => ({})), put)).resolves.toBe(true);
});

test('a condition that did not hold is false, by class or by name', async () => {
  const byClass = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  const byName = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

  await expect(sendConditionalWrite(clientThat(async () => { throw byClass; }), put)).resolves.toBe(false);
  await expect(sendConditionalWrite(clientThat(async () => { throw byName; }), put)).resolves.toBe(false);
  expect(isConditionalCheckFailure(byName)).toBe(true);
});

test('any other failure is thrown', async () => {
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });

  await expect(sendConditionalWrite(clientThat(async () => { throw throttled; }), put)).rejects.toBe(throttled);
  expect(isConditionalCheckFailure(undefined)).toBe(false);
});
