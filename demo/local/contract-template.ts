/**
 * The master's runtime resources as docs/design/runtime-contract.md describes them, written as the
 * CloudFormation the constructs are expected to synthesize.
 *
 * Why: a stand-in for the real template while the example app (demo/example-app.ts) is not there yet,
 * so the demo and the benchmark can run end to end. It is a fallback only: once the example app
 * synthesizes, its template is used and this file must not be what anyone measures. Drift between
 * the two is itself a finding (the contract or the construct is wrong).
 */
import { CfnTemplate } from './dynamodb-from-template';

const INDEX_INCLUDES = ['account', 'region', 'resource_id', 'resource_type', 'config_rule_name', 'compliance_status', 'last_evaluated'];

export const CONTRACT_TEMPLATE: CfnTemplate = {
  Resources: {
    ComplianceTable: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'status_shard', AttributeType: 'S' },
          { AttributeName: 'status_sort', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [{
          IndexName: 'ConfigCompliance-Index',
          KeySchema: [{ AttributeName: 'status_shard', KeyType: 'HASH' }, { AttributeName: 'status_sort', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: INDEX_INCLUDES },
        }],
        Replicas: [{ Region: 'us-east-1' }],
      },
    },
    EventsTable: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
        Replicas: [{ Region: 'us-east-1' }],
      },
    },
    NotificationTopic: { Type: 'AWS::SNS::Topic', Properties: {} },
    EventsDeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    HandleConfigEventsFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Environment: {
          Variables: {
            COMPLIANCE_TABLE_NAME: { Ref: 'ComplianceTable' },
            EVENTS_TABLE_NAME: { Ref: 'EventsTable' },
            NOTIFICATION_TOPIC_ARN: { Ref: 'NotificationTopic' },
            DEAD_LETTER_QUEUE_URL: { Ref: 'EventsDeadLetterQueue' },
            HISTORY_RETENTION_DAYS: '90',
          },
        },
      },
    },
  },
};
