import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { COMPLIANCE_INDEX_NAMES, ComplianceIndex } from './compliance-index';
import {
  EVENTS_TTL_ATTRIBUTE, SCOPE_INDEX_ATTRIBUTES, STATUS_INDEX_ATTRIBUTES, STATUS_INDEX_NAME,
} from '../contract/table-names';

/** How the store's tables are built. */
export interface ComplianceStoreOptions {
  readonly encryptionKey?: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Whether the events table has a stream of old images, which the history archive reads to catch TTL expiries.
   * Off without the archive: a stream nobody reads is free, but it is one more thing to explain.
   */
  readonly historyStream?: boolean;
  /** The account and rule indexes to create. @default none */
  readonly indexes?: readonly ComplianceIndex[];
}

const SCOPE_PARTITION_KEYS: Readonly<Record<ComplianceIndex, string>> = {
  [ComplianceIndex.BY_ACCOUNT]: 'account_shard',
  [ComplianceIndex.BY_RULE]: 'rule_shard',
};

/** The two tables of the compliance store. */
export interface ComplianceStore {
  readonly complianceTable: dynamodb.TableV2;
  readonly eventsTable: dynamodb.TableV2;
}

/**
 * Creates the current-state table (`ComplianceTable`) and the history table (`EventsTable`) in `scope`.
 *
 * Both are on-demand (a burst of first evaluations is absorbed without capacity planning), keep 35 days of
 * point-in-time recovery, and are encrypted with the given key or else with the AWS-managed key `alias/aws/dynamodb`:
 * unlike the DynamoDB-owned default, that key satisfies the common "encrypted with KMS" controls (AWS Config's
 * `dynamodb-table-encrypted-kms`, Control Tower's CT.DYNAMODB.PR.2), and DynamoDB caches it, so it costs next to nothing.
 *
 * @internal
 */
export function createComplianceStore(scope: Construct, options: ComplianceStoreOptions): ComplianceStore {
  const common = {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: options.encryptionKey
      ? dynamodb.TableEncryptionV2.customerManagedKey(options.encryptionKey)
      : dynamodb.TableEncryptionV2.awsManagedKey(),
    removalPolicy: options.removalPolicy,
  };

  const complianceTable = new dynamodb.TableV2(scope, 'ComplianceTable', {
    ...common,
    globalSecondaryIndexes: [{
      indexName: STATUS_INDEX_NAME,
      // Sharded: a partition key of the status alone would put every item on four values.
      partitionKey: { name: 'status_shard', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'status_sort', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: STATUS_INDEX_ATTRIBUTES,
    },
    // Sharded like the status index (so a first recording of one large account spreads over 16 partitions), and
    // sorted on its sort key, which every item carries anyway.
    ...(options.indexes ?? []).map((index) => ({
      indexName: COMPLIANCE_INDEX_NAMES[index],
      partitionKey: { name: SCOPE_PARTITION_KEYS[index], type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'status_sort', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: SCOPE_INDEX_ATTRIBUTES,
    }))],
  });

  const eventsTable = new dynamodb.TableV2(scope, 'EventsTable', {
    ...common,
    timeToLiveAttribute: EVENTS_TTL_ATTRIBUTE,
    // The old image is what an expiry leaves: the item as it was, which the archive writes to S3.
    dynamoStream: options.historyStream ? dynamodb.StreamViewType.OLD_IMAGE : undefined,
  });

  return { complianceTable, eventsTable };
}
