import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sendConditionalWrite } from './conditional-write';
import { NO_PREDECESSOR } from './evaluation-order';
import type { HistoryRecord } from './history-repository';

/** An evaluation's record in the events table: the history record with its place in the order and its predecessor's. */
export interface EvaluationRecord extends HistoryRecord {
  readonly config_item_type: 'ComplianceChange' | 'ComplianceEvaluation';
  readonly config_rule_name: string;
  readonly compliance_status: string;
  readonly previous_status: string;
  /** This evaluation's place in the resource's order (evaluation-order.ts). */
  readonly eval_order: number;
  /** The place of the evaluation or deletion before it, NO_PREDECESSOR if none: only ever raised. */
  readonly prev_order: number;
  /** When the master learnt of it (ISO-8601): later than `event_time` for an evaluation that arrived late. */
  readonly recorded_at: string;
  readonly annotation?: string;
}

/** A neighbour in the order: an evaluation of the same rule, or a deletion of the resource (status NONE). */
export interface Neighbour {
  readonly sk: string;
  readonly order: number;
  /** NONE for a deletion. */
  readonly status: string;
  readonly prevOrder: number;
}

// Neighbours are almost always among the few newest records: read a few at a time rather than 1 MB pages.
const PAGE_SIZE = 16;
// Above every character of a history sort key after its timestamp: `<iso>#~` bounds all records of one millisecond.
const AFTER_ALL = '~';

/**
 * The evaluation log: every distinct evaluation of a resource, each with the status before it, in the events table
 * next to the configuration changes. The history an auditor reads is the log's transitions (records whose previous
 * status differs), so it is the same whatever order the evaluations arrived in (docs/design/write-path.md).
 */
export class EvaluationLog {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Writes the record unless it exists; the caller then looks for its neighbours. @returns false if it existed. */
  async write(record: EvaluationRecord): Promise<boolean> {
    return this.conditional(new PutCommand({ TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  /**
   * Raises a record's predecessor to `previous` if it is later than the one it has: the last writer to learn of a
   * predecessor never undoes what a better-informed one wrote.
   */
  async raisePrevious(pk: string, sk: string, status: string, previous: Pick<Neighbour, 'order' | 'status'>): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk, sk },
      UpdateExpression: 'SET prev_order = :order, previous_status = :previous, config_item_type = :type',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(prev_order) OR prev_order < :order)',
      ExpressionAttributeValues: {
        ':order': previous.order,
        ':previous': previous.status,
        ':type': previous.status === status ? 'ComplianceEvaluation' : 'ComplianceChange',
      },
    }));
  }

  /** The latest evaluation of `rule` or deletion of the resource before `order` (at `atMs` or earlier). */
  async predecessor(pk: string, rule: string, atMs: number, order: number): Promise<Neighbour | undefined> {
    const bound = { upper: `${new Date(atMs).toISOString()}#${AFTER_ALL}` };
    return (await this.nearest(pk, rule, bound, false, (n) => n.order < order)).nearest;
  }

  /**
   * The earliest evaluation of `rule` or deletion after `order` (at `atMs` or later, and not after `ignoreAfterOrder`:
   * records dated in the future are nobody's successor), and the record of `order` itself as stored.
   */
  async successor(pk: string, rule: string, atMs: number, order: number, ignoreAfterOrder: number): Promise<{ next?: Neighbour; self?: Neighbour }> {
    const bound = { lower: `${new Date(atMs).toISOString()}#` };
    const { nearest, seen } = await this.nearest(pk, rule, bound, true, (n) => n.order > order && n.order <= ignoreAfterOrder);
    return { next: nearest, self: seen.find((n) => n.order === order) };
  }

  /** For each rule, the earliest of its evaluations after `order` (at `atMs` or later): what a deletion precedes. */
  async firstOfEachRuleAfter(pk: string, atMs: number, order: number, ignoreAfterOrder: number): Promise<Array<Neighbour & { rule: string }>> {
    const firsts = new Map<string, Neighbour & { rule: string }>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.page(pk, { lower: `${new Date(atMs).toISOString()}#` }, true, startKey);
      for (const item of page.items) {
        const neighbour = toNeighbour(item);
        const rule = item.config_rule_name as string | undefined;
        if (rule === undefined || neighbour === undefined || typeof item.eval_order !== 'number') continue;
        if (neighbour.order <= order || neighbour.order > ignoreAfterOrder) continue;
        const known = firsts.get(rule);
        if (!known || neighbour.order < known.order) firsts.set(rule, { ...neighbour, rule });
      }
      startKey = page.lastKey;
    } while (startKey);
    return [...firsts.values()];
  }

  /**
   * Pages from the bound in one direction until past the millisecond of the nearest accepted record: within one
   * millisecond the sort key does not follow the order (statuses sort by name), so the whole millisecond is read.
   */
  private async nearest(
    pk: string, rule: string, bound: { upper?: string; lower?: string }, forward: boolean, accept: (n: Neighbour) => boolean,
  ): Promise<{ nearest?: Neighbour; seen: Neighbour[] }> {
    const seen: Neighbour[] = [];
    let nearest: Neighbour | undefined;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.page(pk, bound, forward, startKey, rule);
      for (const neighbour of page.items.map(toNeighbour)) {
        if (neighbour === undefined) continue;
        seen.push(neighbour);
        if (accept(neighbour) && (!nearest || (forward ? neighbour.order < nearest.order : neighbour.order > nearest.order))) nearest = neighbour;
      }
      startKey = page.lastKey;
      if (nearest && startKey && millisecondOf(startKey.sk as string) !== millisecondOf(nearest.sk)) break;
    } while (startKey);
    return { nearest, seen };
  }

  private async page(pk: string, bound: { upper?: string; lower?: string }, forward: boolean, startKey?: Record<string, unknown>, rule?: string) {
    const page = await this.client.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: bound.upper ? 'pk = :pk AND sk <= :bound' : 'pk = :pk AND sk >= :bound',
      // Evaluations of the rule and deletions of the resource; other rules' records are read but not returned.
      FilterExpression: rule === undefined ? 'attribute_exists(eval_order) OR attribute_exists(deletion_order)' : 'config_rule_name = :rule OR attribute_exists(deletion_order)',
      ExpressionAttributeValues: { ':pk': pk, ':bound': bound.upper ?? bound.lower, ...(rule === undefined ? {} : { ':rule': rule }) },
      ScanIndexForward: forward,
      ConsistentRead: true,
      Limit: PAGE_SIZE,
      ExclusiveStartKey: startKey,
    }));
    return { items: page.Items ?? [], lastKey: page.LastEvaluatedKey };
  }

  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    return sendConditionalWrite(this.client, command);
  }
}

// History sort keys start with the ISO-8601 time of the record, 24 characters.
function millisecondOf(sk: string): string {
  return sk.slice(0, 24);
}

function toNeighbour(item: Record<string, unknown>): Neighbour | undefined {
  if (typeof item.deletion_order === 'number') return { sk: item.sk as string, order: item.deletion_order, status: 'NONE', prevOrder: NO_PREDECESSOR };
  if (typeof item.eval_order !== 'number') return undefined;
  return {
    sk: item.sk as string,
    order: item.eval_order,
    status: item.compliance_status as string,
    prevOrder: typeof item.prev_order === 'number' ? item.prev_order : NO_PREDECESSOR,
  };
}
