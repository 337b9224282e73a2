import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * What a function that runs the write path (the event handler, the reconciliation) is given by the master: it
 * writes the compliance state and history and publishes the transitions.
 */
export interface WritePathResources {
  readonly complianceTable: dynamodb.ITableV2;
  readonly eventsTable: dynamodb.ITableV2;
  readonly notificationTopic: sns.ITopic;
  /** The key of the tables, the queues, the created topic and the log groups, if customer-managed. */
  readonly encryptionKey?: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Whole days, as the handlers read it (HISTORY_RETENTION_DAYS). */
  readonly historyRetentionDays: string;
}

/**
 * The write path's grants beyond its table calls: publishing transitions, and the keys. The customer-managed key
 * (if any) covers the tables, the queues and the created topic: decrypt to read, data keys to write; named actions
 * rather than topic.grantPublish()'s `kms:GenerateDataKey*`. A topic you bring may know its own key.
 */
export function grantTransitionPublishing(grantee: iam.IGrantable, resources: WritePathResources): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sns:Publish'],
    resources: [resources.notificationTopic.topicArn],
  }));
  resources.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
  const topicKey = resources.notificationTopic.masterKey;
  if (topicKey !== undefined && topicKey !== resources.encryptionKey) topicKey.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey');
}
