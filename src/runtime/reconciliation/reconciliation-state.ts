import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeHashes, encodeHashes, SeenSet } from './seen-set';

/**
 * Reconciliation's own items in the compliance table. They carry no `status_shard`/`status_sort`, so the status
 * index never sees them, and their partition keys cannot collide with a resource key (which starts with 12 digits).
 */
export const CURSOR_PK = 'RECONCILIATION#cursor';
export const CURSOR_SK = 'CURSOR';
export const SEEN_PK = 'RECONCILIATION#seen';

/** 45,000 hashes = 360,000 bytes: one chunk stays below DynamoDB's 400 KB item limit with its keys. */
export const HASHES_PER_CHUNK = 45_000;

/** Counters of one pass, kept in the cursor so a pass spread over several invocations reports one total. */
export interface PassCounts {
  /** (account, region, rule) triples read. */
  rules: number;
  /** Evaluation results the aggregator returned. */
  evaluations: number;
  /** Items that were missing or had another status than the aggregator's newer evaluation: written (drift). */
  healed: number;
  /** Same status, newer evaluation time: written, not drift (Config sends no event when nothing changes). */
  refreshed: number;
  /** Our item is newer than the aggregator's (event-driven state the aggregator has not caught up with): kept. */
  stale: number;
  /** Already identical. */
  unchanged: number;
  /** Reported by the aggregator for a resource whose deletion we recorded later: kept retired. */
  deletedResource: number;
  /** Results without the fields an item needs (account, region, rule, resource, a known status, a time). */
  invalid: number;
  /** Items the aggregator no longer reports, removed by the sweep (drift). */
  retired: number;
  /** Items in an (account, region) the aggregator reported nothing for: kept, counted. */
  unreportedScope: number;
}

export function emptyCounts(): PassCounts {
  return {
    rules: 0, evaluations: 0, healed: 0, refreshed: 0, stale: 0, unchanged: 0, deletedResource: 0, invalid: 0, retired: 0, unreportedScope: 0,
  };
}

export interface PassState {
  readonly id: string;
  readonly startedAtMs: number;
  readonly phase: 'evaluate' | 'sweep';
  /** The NextToken that fetched the DescribeAggregateComplianceByConfigRules page being worked (absent: the first page). */
  readonly describeToken?: string;
  /** Position of the next triple in that page, and its identity to find it again if the page shifted. */
  readonly ruleIndex: number;
  readonly ruleKey?: string;
  /** The NextToken inside the current triple's GetAggregateComplianceDetailsByConfigRule pages. */
  readonly detailsToken?: string;
  /** The sweep's Scan position. */
  readonly scanKey?: Record<string, unknown>;
  /** How many seen-set chunks this pass wrote. */
  readonly chunks: number;
  /** False once the pass may have skipped a triple: then the sweep retires nothing. */
  readonly complete: boolean;
  readonly invocations: number;
  readonly counts: PassCounts;
}

export interface CursorState {
  readonly version: number;
  readonly leaseUntilMs: number;
  readonly completedPasses: number;
  readonly lastPassStartedAtMs?: number;
  readonly lastPassCompletedAtMs?: number;
  readonly pass?: PassState;
}

/** The cursor (one item, optimistic concurrency on `version`) and the seen-set chunks of the current pass. */
export class ReconciliationStateStore {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  async read(): Promise<CursorState> {
    const { Item } = await this.client.send(new GetCommand({
      TableName: this.tableName, Key: { pk: CURSOR_PK, sk: CURSOR_SK }, ConsistentRead: true,
    }));
    return Item ? (Item.state as CursorState) : { version: 0, leaseUntilMs: 0, completedPasses: 0 };
  }

  /**
   * Writes `next` if nobody wrote since `expected` was read.
   * @returns false when another invocation holds or took the cursor.
   */
  async write(next: CursorState, expected: CursorState): Promise<boolean> {
    const condition = expected.version === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': expected.version } };
    try {
      await this.client.send(new PutCommand({
        TableName: this.tableName,
        Item: { pk: CURSOR_PK, sk: CURSOR_SK, version: next.version, state: next },
        ...condition,
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async appendChunk(passId: string, sequence: number, hashes: readonly number[]): Promise<void> {
    await this.client.send(new PutCommand({
      TableName: this.tableName,
      Item: { pk: SEEN_PK, sk: chunkSortKey(passId, sequence), hashes: encodeHashes(hashes), count: hashes.length },
    }));
  }

  async loadSeen(passId: string): Promise<SeenSet> {
    const chunks: Float64Array[] = [];
    for await (const item of this.chunkItems(passId, 'pk, sk, hashes')) chunks.push(decodeHashes(item.hashes as Uint8Array));
    return SeenSet.fromChunks(chunks);
  }

  /** Removes a pass's chunks (after its sweep, or when it is abandoned). */
  async deleteChunks(passId: string): Promise<number> {
    let deleted = 0;
    for await (const item of this.chunkItems(passId, 'pk, sk')) {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }));
      deleted++;
    }
    return deleted;
  }

  private async *chunkItems(passId: string, projection: string): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pass)',
        ExpressionAttributeValues: { ':pk': SEEN_PK, ':pass': `${passId}#` },
        ProjectionExpression: projection,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }));
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

function chunkSortKey(passId: string, sequence: number): string {
  return `${passId}#${String(sequence).padStart(6, '0')}`;
}
