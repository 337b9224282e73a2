import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from './conditional-write';
import { RecentKeys } from './recent-keys';

/** One history record in the events table; the seed's field names plus the keys and the TTL attribute. */
export interface HistoryRecord {
  readonly pk: string;
  readonly sk: string;
  readonly account: string;
  readonly region: string;
  readonly resource_type: string;
  readonly resource_id: string;
  readonly event_time: string;
  readonly expires_at: number;
  /** `ComplianceEvaluation`: an evaluation that changed nothing, kept in the log and left out of every history read. */
  readonly config_item_type: 'ComplianceChange' | 'ComplianceEvaluation' | 'ConfigurationItemChange';
  readonly config_rule_name?: string;
  readonly compliance_status?: string;
  readonly previous_status?: string;
  readonly configuration_state?: string;
  readonly change_type?: string;
  readonly changed_properties?: string[];
  readonly source_event_id?: string;
  /** On a deletion's record: its place in the resource's order (evaluation-order.ts). */
  readonly deletion_order?: number;
}

/** Append-only history. Keys are derived from the event itself, so a redelivery appends nothing. */
export class HistoryRepository {
  // About 1 MB of keys: enough to span the redelivery window of a busy container.
  private readonly written = new RecentKeys(10_000);

  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** @returns false when the record was already there. */
  async append(record: HistoryRecord): Promise<boolean> {
    const key = `${record.pk}|${record.sk}`;
    if (this.written.has(key)) return false;
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }));
      this.written.add(key);
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) {
        this.written.add(key);
        return false;
      }
      throw error;
    }
  }
}
