/**
 * A plumbing probe, NOT the product handler: the smallest SQS-batch handler that touches every local
 * stand-in the way HandleConfigEvents will (DynamoDB conditional writes, SNS Publish with message
 * attributes, SQS SendMessage to the dead-letter queue), through SDK clients created at module scope
 * and pointed at local servers only by AWS_ENDPOINT_URL_* variables.
 *
 * Why: it is bundled by esbuild exactly like the real handler (demo/local/self-check.ts does it), so
 * the local stack (dynamodb-from-template, capacity-proxy, recording-endpoint, lambda-runner) is proven
 * end to end before the real handler lands, and bench/run.ts can be dry-run with `--bundle <probe>`.
 *
 * It uses the contract's keys (docs/design/runtime-contract.md) and a naive newest-wins condition,
 * nothing more: no history, no deletion handling, no sharded GSI attributes.
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const ddb = new DynamoDBClient({});
const sns = new SNSClient({});
const sqs = new SQSClient({});

interface ProbeRecord { messageId: string; body: string }

async function processRecord(r: ProbeRecord): Promise<void> {
  let event: any;
  try {
    event = JSON.parse(r.body);
    if (event['detail-type'] !== 'Config Rules Compliance Change') return;
    if (!event.detail?.newEvaluationResult?.resultRecordedTime) throw new Error('no newEvaluationResult');
  } catch (e) {
    await sqs.send(new SendMessageCommand({
      QueueUrl: process.env.DEAD_LETTER_QUEUE_URL!,
      MessageBody: r.body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: `unprocessable: ${(e as Error).message}` },
        source_message_id: { DataType: 'String', StringValue: r.messageId },
      },
    }));
    return;
  }
  const d = event.detail;
  const status: string = d.newEvaluationResult.complianceType;
  const atMs = Date.parse(d.newEvaluationResult.resultRecordedTime);
  try {
    await ddb.send(new PutItemCommand({
      TableName: process.env.COMPLIANCE_TABLE_NAME!,
      Item: {
        pk: { S: `${d.awsAccountId}#${d.awsRegion}#${d.resourceType}#${d.resourceId}` },
        sk: { S: `RULE#${d.configRuleName}` },
        // The seed's attribute names, so bench/compare-state.ts can read the probe's table too.
        account: { S: d.awsAccountId },
        region: { S: d.awsRegion },
        resource_type: { S: d.resourceType },
        resource_id: { S: d.resourceId },
        config_rule_name: { S: d.configRuleName },
        compliance_status: { S: status },
        evaluated_at_ms: { N: String(atMs) },
      },
      ConditionExpression: 'attribute_not_exists(pk) OR evaluated_at_ms < :t',
      ExpressionAttributeValues: { ':t': { N: String(atMs) } },
    }));
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return; // stale or duplicate
    throw e;
  }
  await sns.send(new PublishCommand({
    TopicArn: process.env.NOTIFICATION_TOPIC_ARN!,
    Subject: `${d.resourceId} is ${status}`,
    Message: JSON.stringify({ resourceId: d.resourceId, rule: d.configRuleName, status }),
    MessageAttributes: { compliance_status: { DataType: 'String', StringValue: status } },
  }));
}

export const handler = async (event: { Records: ProbeRecord[] }) => {
  const failures: { itemIdentifier: string }[] = [];
  for (const r of event.Records) {
    try {
      await processRecord(r);
    } catch (e) {
      console.error(JSON.stringify({ level: 'ERROR', messageId: r.messageId, error: String(e) }));
      failures.push({ itemIdentifier: r.messageId });
    }
  }
  return { batchItemFailures: failures };
};
