import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sendConditionalWrite } from './conditional-write';
import { statusShardKeys } from './keys';
import { STATUS_INDEX_NAME } from '../../contract/table-names';

/** The sort key of an execution's own record in the events table. */
export const EXECUTION_SK = 'EXECUTION';

/** The partition of one automation execution in the events table. */
export function executionKey(account: string, region: string, executionId: string): string {
  return `REMEDIATION#${account}#${region}#${executionId}`;
}

/** The remediation link kept on a compliance item (attribute `remediation`). */
export interface RemediationLink {
  readonly execution_id: string;
  readonly document: string;
  readonly status: string;
  /** Whether the execution still runs: an ended one leaves the item free for Config's next attempt. */
  readonly outcome: 'succeeded' | 'failed' | 'in-progress';
  readonly started_at_ms: number;
  readonly ended_at_ms?: number;
  readonly failure_message?: string;
  /** `named` when the event named the resource, `correlated` when the master inferred it (see apply-remediation-result.ts). */
  readonly link: 'named' | 'correlated';
  /** Non-compliant items of the rule that could have been the one remediated, when correlated. */
  readonly candidates?: number;
  /** Set when the item's transition to COMPLIANT used this link (its "remediated" notification is sent). */
  readonly resolved_at_ms?: number;
}

/** An execution's own record: its newest status, the resource it acted on, and its pending failure notification. */
export interface ExecutionRecord {
  readonly pk: string;
  readonly sk: string;
  readonly account: string;
  readonly region: string;
  readonly execution_id: string;
  readonly document: string;
  readonly document_version?: string;
  readonly status: string;
  readonly event_time_ms: number;
  readonly started_at_ms?: number;
  readonly ended_at_ms?: number;
  readonly executed_by?: string;
  readonly failure_message?: string;
  readonly config_rule_name?: string;
  readonly resource_type?: string;
  readonly resource_id?: string;
  /** The compliance item's keys, once linked. */
  readonly resource_pk?: string;
  readonly resource_sk?: string;
  readonly resource_link?: 'named' | 'correlated';
  readonly link_candidates?: number;
  /** A failure whose notification is not sent yet (claimed by removing it). */
  readonly pending_notification?: string;
  /** Set with the first failure status: a later failure status of the same execution is never notified again. */
  readonly failure_recorded?: boolean;
  readonly expires_at: number;
}

/** A non-compliant item that may be the one an execution remediates. */
export interface LinkCandidate {
  readonly pk: string;
  readonly sk: string;
  readonly resource_id: string;
  readonly evaluated_at_ms: number;
  readonly remediation?: RemediationLink;
}

/**
 * Remediation executions in the events table (their record and their history) and their link on the compliance item.
 * Every write is conditional, so redeliveries and concurrent deliveries converge on one state and one notification.
 */
export class RemediationRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly complianceTable: string,
    private readonly eventsTable: string,
  ) {}

  async getExecution(account: string, region: string, executionId: string): Promise<ExecutionRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({
      TableName: this.eventsTable, Key: { pk: executionKey(account, region, executionId), sk: EXECUTION_SK }, ConsistentRead: true,
    }));
    return Item as ExecutionRecord | undefined;
  }

  /** Writes the execution record if it is still what was read (or still absent). @returns false when another writer won. */
  async putExecutionIfUnchanged(record: ExecutionRecord, expected: ExecutionRecord | undefined): Promise<boolean> {
    const condition = expected
      ? {
        ConditionExpression: 'event_time_ms = :t AND #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':t': expected.event_time_ms, ':s': expected.status },
      }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    return this.conditional(new PutCommand({ TableName: this.eventsTable, Item: stripUndefined(record), ...condition }));
  }

  /** One history record per (execution, status); @returns false when it was already there. */
  async appendHistory(record: Record<string, unknown>): Promise<boolean> {
    return this.conditional(new PutCommand({
      TableName: this.eventsTable, Item: stripUndefined(record), ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  /** Takes the right to send an execution's failure notification: only one caller ever gets true. */
  async claimNotification(pk: string, status: string): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.eventsTable,
      Key: { pk, sk: EXECUTION_SK },
      UpdateExpression: 'REMOVE pending_notification',
      ConditionExpression: 'pending_notification = :s',
      ExpressionAttributeValues: { ':s': status },
    }));
  }

  /** Gives a claimed notification back when it could not be sent, so the redelivered record retries it. */
  async restoreNotification(pk: string, status: string): Promise<void> {
    await this.conditional(new UpdateCommand({
      TableName: this.eventsTable,
      Key: { pk, sk: EXECUTION_SK },
      UpdateExpression: 'SET pending_notification = :s',
      ConditionExpression: 'attribute_not_exists(pending_notification)',
      ExpressionAttributeValues: { ':s': status },
    }));
  }

  /**
   * The NON_COMPLIANT items of one rule and resource type in one account and region: the status index (every
   * NON_COMPLIANT shard, narrowed by the sort key prefix resource type, account, region; filtered on the rule), then
   * each item read from the table, since the index projects neither the evaluation time nor the remediation link.
   */
  async nonCompliantItems(account: string, region: string, resourceType: string, configRuleName: string): Promise<LinkCandidate[]> {
    const pages = await Promise.all(statusShardKeys('NON_COMPLIANT').map(async (shard) => {
      const keys: Array<{ pk: string; sk: string }> = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(new QueryCommand({
          TableName: this.complianceTable,
          IndexName: STATUS_INDEX_NAME,
          KeyConditionExpression: 'status_shard = :shard AND begins_with(status_sort, :prefix)',
          FilterExpression: 'config_rule_name = :rule',
          ExpressionAttributeValues: { ':shard': shard, ':prefix': `${resourceType}#${account}#${region}#`, ':rule': configRuleName },
          ExclusiveStartKey: startKey,
        }));
        keys.push(...(page.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string })));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return keys;
    }));
    const items = await Promise.all(pages.flat().map(async ({ pk, sk }) => {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.complianceTable, Key: { pk, sk }, ConsistentRead: true }));
      return Item as (LinkCandidate & { compliance_status?: string }) | undefined;
    }));
    // The index is eventually consistent: an item may have changed since.
    return items.filter((item): item is LinkCandidate => item?.compliance_status === 'NON_COMPLIANT' && !('retired_at_ms' in item));
  }

  /**
   * Records the execution on the compliance item. The first link needs the item non-compliant and free (no link, a
   * resolved one, one of an ended execution, as when Config retries after a failure, or one older than the item's
   * evaluation); later statuses of the same execution update their own link.
   * @returns false when the item moved on or another execution holds it.
   */
  async link(pk: string, sk: string, link: RemediationLink, first: boolean): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.complianceTable,
      Key: { pk, sk },
      // The version tells a concurrent writer of the item that it changed (config-compliance-repository.ts).
      UpdateExpression: 'SET remediation = :link ADD version :one',
      ConditionExpression: first
        ? 'attribute_exists(pk) AND attribute_not_exists(retired_at_ms) AND compliance_status = :nc AND (attribute_not_exists(remediation) OR '
          + 'attribute_exists(remediation.resolved_at_ms) OR remediation.execution_id = :id OR remediation.outcome <> :running '
          + 'OR remediation.started_at_ms < evaluated_at_ms)'
        : 'attribute_exists(pk) AND remediation.execution_id = :id AND attribute_not_exists(remediation.resolved_at_ms)',
      ExpressionAttributeValues: { ':link': stripUndefined(link), ':id': link.execution_id, ':one': 1, ...(first ? { ':nc': 'NON_COMPLIANT', ':running': 'in-progress' } : {}) },
    }));
  }

  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    return sendConditionalWrite(this.client, command);
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
