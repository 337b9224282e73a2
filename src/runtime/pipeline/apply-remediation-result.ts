import { expiresAt, type WriteContext } from './write-context';
import type { RemediationResult } from '../models/remediation-result';
import { resourceKey, ruleSortKey } from '../store/keys';
import {
  executionKey,
  EXECUTION_SK,
  type ExecutionRecord,
  type LinkCandidate,
  type RemediationLink,
  type RemediationRepository,
} from '../store/remediation-repository';

export type RemediationOutcomeKind =
  /** The execution's newest status: recorded (and linked when the resource is known). */
  | 'recorded'
  /** An older status than the one recorded: history only. */
  | 'stale'
  /** The very status already recorded: nothing new (an unfinished notification is finished). */
  | 'duplicate';

export interface RemediationWriteResult {
  readonly outcome: RemediationOutcomeKind;
  /** Whether this call sent the execution's failure notification. */
  readonly notified: boolean;
  /** The compliance item the execution is linked to, if any. */
  readonly linkedItem?: { readonly pk: string; readonly sk: string };
}

/** What the remediation path needs on top of the compliance write path. */
export interface RemediationWriteContext extends WriteContext {
  readonly remediations: RemediationRepository;
}

const MAX_ATTEMPTS = 8;

/** The resource type of an execution whose resource is not known: its history lives under the execution itself. */
export const EXECUTION_RESOURCE_TYPE = 'AWS::SSM::AutomationExecution';

/**
 * One status change of a remediation execution: the execution's record (newest status wins), one history record per
 * status (idempotent key), the link to the compliance item it acted on, and exactly one notification when it fails.
 *
 * How an execution is tied to its resource. The event names the document and the execution only: Config passes the
 * resource id as a document parameter, and the parameters are not in the event. So:
 * 1. the agent (enriched mode) adds the rule and resource type of the document, from its remediation configurations;
 * 2. an event that names the resource (`detail.ResourceId`) is linked to it directly;
 * 3. otherwise the master correlates: among the rule's NON_COMPLIANT items of that type, account and region evaluated
 *    before the execution started and not held by another running remediation, preferring items no other execution
 *    acted on (a retry of a failed execution takes over its item when nothing else is left), then the most recently
 *    evaluated (Config starts an automatic remediation right after the non-compliant evaluation). The link says `correlated`
 *    and how many candidates there were, so an inferred link is never mistaken for a named one;
 * 4. the first status that links the execution stores the item's keys on the execution record: later statuses of the
 *    same execution (Success after InProgress) update that same item, even once it is COMPLIANT again.
 * Without the rule (direct forwarding, or a document several rules use) the execution is recorded and notified but
 * not linked.
 */
export async function applyRemediationResult(result: RemediationResult, context: RemediationWriteContext): Promise<RemediationWriteResult> {
  const repository = context.remediations;
  const pk = executionKey(result.account, result.region, result.executionId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await repository.getExecution(result.account, result.region, result.executionId);
    const order = stored ? compare(result, stored) : 1;
    if (order <= 0) {
      await appendHistory(result, stored, context);
      const notified = stored ? await finishNotification(stored, context) : false;
      return { outcome: order < 0 ? 'stale' : 'duplicate', notified, ...linkedOf(stored) };
    }

    const target: Target | undefined = stored?.resource_pk !== undefined
      ? {
        pk: stored.resource_pk,
        sk: stored.resource_sk!,
        first: false,
        link: stored.resource_link ?? 'named',
        candidates: stored.link_candidates,
        resourceId: stored.resource_id,
      }
      : await findTarget(result, repository);
    const failedFirst = result.outcome === 'failed' && !stored?.failure_recorded;
    const record: ExecutionRecord = {
      pk,
      sk: EXECUTION_SK,
      account: result.account,
      region: result.region,
      execution_id: result.executionId,
      document: result.documentName,
      document_version: result.documentVersion ?? stored?.document_version,
      status: result.status,
      event_time_ms: result.eventTimeMs,
      started_at_ms: result.startedAtMs ?? stored?.started_at_ms,
      ended_at_ms: result.endedAtMs ?? stored?.ended_at_ms,
      executed_by: result.executedBy ?? stored?.executed_by,
      failure_message: result.failureMessage ?? stored?.failure_message,
      config_rule_name: result.configRuleName ?? stored?.config_rule_name,
      resource_type: result.resourceType ?? stored?.resource_type,
      resource_id: target?.resourceId ?? result.resourceId ?? stored?.resource_id,
      resource_pk: target?.pk,
      resource_sk: target?.sk,
      resource_link: target?.link,
      link_candidates: target?.candidates,
      pending_notification: failedFirst ? result.status : stored?.pending_notification,
      failure_recorded: failedFirst || stored?.failure_recorded ? true : undefined,
      expires_at: expiresAt(result.eventTimeMs, context),
    };
    // The link goes first: a record that names an item the link never reached would hide the item from later statuses.
    // A later status whose item has moved on (resolved, deleted) keeps the item it acted on.
    const linked = target ? await writeLink(target, result, repository) : true;
    const finalRecord: ExecutionRecord = linked || !target?.first ? { ...record, ...keysOf(target) } : {
      ...record,
      resource_pk: undefined,
      resource_sk: undefined,
      resource_link: undefined,
      link_candidates: undefined,
      resource_id: result.resourceId ?? stored?.resource_id,
    };
    if (!(await repository.putExecutionIfUnchanged(finalRecord, stored))) continue;
    await appendHistory(result, finalRecord, context);
    const notified = await finishNotification(finalRecord, context);
    return { outcome: 'recorded', notified, ...linkedOf(finalRecord) };
  }
  throw new Error(`gave up after ${MAX_ATTEMPTS} concurrent updates of ${pk}`);
}

interface Target {
  readonly pk: string;
  readonly sk: string;
  readonly first: boolean;
  readonly link: 'named' | 'correlated';
  readonly resourceId?: string;
  readonly candidates?: number;
  /** Further candidates, tried in order when the first one was taken meanwhile. */
  readonly fallbacks?: LinkCandidate[];
}

async function findTarget(result: RemediationResult, repository: RemediationRepository): Promise<Target | undefined> {
  if (result.configRuleName === undefined || result.resourceType === undefined) return undefined;
  const sk = ruleSortKey(result.configRuleName);
  if (result.resourceId !== undefined) {
    const pk = resourceKey({ account: result.account, region: result.region, resourceType: result.resourceType, resourceId: result.resourceId });
    return { pk, sk, first: true, link: 'named', resourceId: result.resourceId };
  }
  const startMs = result.startedAtMs ?? result.eventTimeMs;
  const candidates = (await repository.nonCompliantItems(result.account, result.region, result.resourceType, result.configRuleName))
    .filter((item) => item.evaluated_at_ms <= startMs && isFree(item, result.executionId))
    // An item no other execution acted on first (a retry takes over its failed predecessor's item only when no such
    // item is left), then the most recently evaluated one.
    .sort((a, b) => heldByOther(a, result.executionId) - heldByOther(b, result.executionId)
      || b.evaluated_at_ms - a.evaluated_at_ms || a.pk.localeCompare(b.pk));
  if (candidates.length === 0) return undefined;
  const [best, ...rest] = candidates;
  return { pk: best.pk, sk: best.sk, first: true, link: 'correlated', resourceId: best.resource_id, candidates: candidates.length, fallbacks: rest };
}

function heldByOther(item: LinkCandidate, executionId: string): number {
  const held = item.remediation;
  const other = held !== undefined && held.resolved_at_ms === undefined && held.execution_id !== executionId;
  return other && held!.started_at_ms >= item.evaluated_at_ms ? 1 : 0;
}

function isFree(item: LinkCandidate, executionId: string): boolean {
  const held = item.remediation;
  return held === undefined || held.resolved_at_ms !== undefined || held.execution_id === executionId
    || held.outcome !== 'in-progress' || held.started_at_ms < item.evaluated_at_ms;
}

// writeLink may move a correlated target to a fallback candidate.
function keysOf(target: Target | undefined): Partial<ExecutionRecord> {
  return target ? { resource_pk: target.pk, resource_sk: target.sk, resource_id: target.resourceId } : {};
}

/** @returns whether the link was written (on the target or, when that one was taken meanwhile, on a fallback). */
async function writeLink(target: Target, result: RemediationResult, repository: RemediationRepository): Promise<boolean> {
  const link = (candidates: number | undefined): RemediationLink => ({
    execution_id: result.executionId,
    document: result.documentName,
    status: result.status,
    outcome: result.outcome,
    started_at_ms: result.startedAtMs ?? result.eventTimeMs,
    ended_at_ms: result.endedAtMs,
    failure_message: result.failureMessage,
    link: target.link,
    candidates,
  });
  if (await repository.link(target.pk, target.sk, link(target.candidates), target.first)) return true;
  for (const fallback of target.fallbacks ?? []) {
    if (await repository.link(fallback.pk, fallback.sk, link(target.candidates), true)) {
      Object.assign(target, { pk: fallback.pk, sk: fallback.sk, resourceId: fallback.resource_id });
      return true;
    }
  }
  return false;
}

/** Newer status changes win; on an exact tie of time, a terminal status wins over a running one. */
function compare(result: RemediationResult, stored: ExecutionRecord): number {
  if (result.eventTimeMs !== stored.event_time_ms) return result.eventTimeMs - stored.event_time_ms;
  if (result.status === stored.status) return 0;
  const rank = (status: string) => (status === 'InProgress' || status === 'Pending' ? 0 : 1);
  return rank(result.status) - rank(stored.status) || result.status.localeCompare(stored.status);
}

async function appendHistory(result: RemediationResult, record: ExecutionRecord | undefined, context: RemediationWriteContext): Promise<void> {
  const linked = record?.resource_pk !== undefined;
  await context.remediations.appendHistory({
    pk: linked ? record!.resource_pk : executionKey(result.account, result.region, result.executionId),
    sk: `${new Date(result.eventTimeMs).toISOString()}#REMEDIATION#${result.executionId}#${result.status}`,
    account: result.account,
    region: result.region,
    resource_type: linked ? record!.resource_type : EXECUTION_RESOURCE_TYPE,
    resource_id: linked ? record!.resource_id : result.executionId,
    event_time: new Date(result.eventTimeMs).toISOString(),
    expires_at: expiresAt(result.eventTimeMs, context),
    config_item_type: 'RemediationExecution',
    config_rule_name: result.configRuleName ?? record?.config_rule_name,
    remediation_status: result.status,
    execution_id: result.executionId,
    document: result.documentName,
    document_version: result.documentVersion,
    started_at: result.startedAtMs === undefined ? undefined : new Date(result.startedAtMs).toISOString(),
    ended_at: result.endedAtMs === undefined ? undefined : new Date(result.endedAtMs).toISOString(),
    failure_message: result.failureMessage,
    source_event_id: result.sourceEventId,
  });
}

/** Claims and sends a pending failure notification; gives it back if the send fails, so a redelivery retries it. */
async function finishNotification(record: ExecutionRecord, context: RemediationWriteContext): Promise<boolean> {
  const status = record.pending_notification;
  if (status === undefined) return false;
  if (!(await context.remediations.claimNotification(record.pk, status))) return false;
  try {
    await context.notifier.notifyRemediationFailure({ ...record, status });
    return true;
  } catch (error) {
    await context.remediations.restoreNotification(record.pk, status);
    throw error;
  }
}

function linkedOf(record: ExecutionRecord | undefined): { linkedItem?: { pk: string; sk: string } } {
  return record?.resource_pk !== undefined ? { linkedItem: { pk: record.resource_pk, sk: record.resource_sk! } } : {};
}
