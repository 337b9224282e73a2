import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * Moves a record that can never be processed to the dead-letter queue at once, with its reason, instead of letting
 * it fail `maxReceiveCount` times first. The caller acknowledges the record only after this succeeded.
 */
export class DeadLetterQueue {
  constructor(private readonly client: SQSClient, private readonly queueUrl: string) {}

  async send(body: string, reason: string, sourceMessageId: string): Promise<void> {
    await this.client.send(new SendMessageCommand({
      QueueUrl: this.queueUrl,
      MessageBody: body,
      MessageAttributes: {
        // SQS message attribute values are capped at 256 KiB in total with the body; reasons are short.
        reason: { DataType: 'String', StringValue: reason.slice(0, 1024) },
        source_message_id: { DataType: 'String', StringValue: sourceMessageId },
      },
    }));
  }
}
