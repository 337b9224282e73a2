import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ComplianceItem, PendingTransition } from '../store/compliance-item';

/** Publishes one message per compliance transition, with attributes subscribers can filter on. */
export class TransitionNotifier {
  constructor(private readonly client: SNSClient, private readonly topicArn: string) {}

  async notify(item: ComplianceItem, transition: PendingTransition): Promise<void> {
    const previous = transition.from ?? 'NONE';
    const details = JSON.parse(item.compliance_details) as { annotation?: string; config_rule_arn?: string };
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await this.client.send(new PublishCommand({
      TopicArn: this.topicArn,
      // SNS subjects are limited to 100 characters.
      Subject: `${transition.to}: ${item.config_rule_name} on ${item.resource_type}`.slice(0, 100),
      Message: JSON.stringify({
        account: item.account,
        region: item.region,
        resource_type: item.resource_type,
        resource_id: item.resource_id,
        config_rule_name: item.config_rule_name,
        compliance_status: transition.to,
        previous_status: previous,
        evaluated_at: new Date(transition.at_ms).toISOString(),
        annotation: details.annotation,
        config_rule_arn: details.config_rule_arn,
      }),
      MessageAttributes: {
        compliance_status: attribute(transition.to),
        previous_status: attribute(previous),
        account: attribute(item.account),
        region: attribute(item.region),
        config_rule_name: attribute(item.config_rule_name),
        resource_type: attribute(item.resource_type),
      },
    }));
  }
}
