import type { SQSBatchItemFailure, SQSRecord } from 'aws-lambda';
import { buildEntry, entrySize, MAX_ENTRY_BYTES, type Enrichment } from './agent-envelope';
import { decide, remediationDocumentUse, type DropReason } from './event-filter';
import { ForwardingMetrics, type ForwardingMetricName } from './forwarding-metrics';
import type { ForwardingSettings } from './forwarding-settings';
import type { OversizedItemResolver, Resolution } from './oversized-item-resolver';
import { MALFORMED_ENTRY_CODES, type OutgoingEntry, type PutEventsSender } from './put-events-sender';
import { AWS_CONFIG_SOURCE, SSM_SOURCE } from '../../contract/event-sources';
import { describeError, type Logger } from '../observability/logger';
import { parseEventBridgeEvent } from '../parsing/parse-event';
import { InvalidEventError, type ParsedEvent } from '../parsing/parsed-event';
import type { DeadLetterQueue } from '../pipeline/dead-letter';

export interface ForwardingDependencies {
  readonly settings: ForwardingSettings;
  readonly sender: PutEventsSender;
  readonly resolver: OversizedItemResolver;
  readonly deadLetters: DeadLetterQueue;
  readonly logger: Logger;
  /** Entry budget; tests lower it to exercise the size ladder with small samples. */
  readonly maxEntryBytes?: number;
  /** S3 reads in flight at once. */
  readonly resolveConcurrency?: number;
}

export interface ForwardingResult {
  readonly batchItemFailures: SQSBatchItemFailure[];
  readonly metrics: ForwardingMetrics;
}

const DROP_METRICS: Record<DropReason, ForwardingMetricName> = {
  'resource-type': 'EventsDroppedByResourceType',
  'not-applicable': 'EventsDroppedNotApplicable',
  'relationship-only': 'EventsDroppedRelationshipOnly',
  'sampled-out': 'EventsSampledOut',
  'unknown-document': 'EventsDroppedUnknownDocument',
};

/** One event to forward, with every SQS record that carried it (SQS and EventBridge may both deliver twice). */
interface Pending {
  readonly key: string;
  readonly records: SQSRecord[];
  readonly original: Record<string, unknown>;
  readonly parsed?: ParsedEvent;
  resolution?: Resolution;
}

/**
 * One SQS batch of aws.config events: filter, sample, resolve oversized items, enrich, and put the survivors on the
 * central bus as `monitoring.agent.config` events. A record is acknowledged once its event was forwarded or
 * deliberately dropped; a record whose entry failed for a reason a later attempt may cure is reported as a batch
 * item failure (SQS redelivers it, then moves it to the dead-letter queue); a record that can never be forwarded
 * goes to the dead-letter queue at once with its reason. One bad record never fails the others.
 */
export async function processConfigEvents(records: SQSRecord[], dependencies: ForwardingDependencies): Promise<ForwardingResult> {
  const { settings, logger } = dependencies;
  const metrics = new ForwardingMetrics();
  const failures: SQSBatchItemFailure[] = [];
  const deadLetters: Array<{ records: SQSRecord[]; reason: string }> = [];
  const pending = new Map<string, Pending>();
  metrics.add('EventsReceived', records.length);

  for (const record of records) {
    const original = readEvent(record);
    if (typeof original === 'string') {
      deadLetters.push({ records: [record], reason: original });
      continue;
    }
    // A redelivery repeats the event byte for byte; another event under the same id (never from EventBridge, but
    // seen in sanitised samples) is kept apart rather than lost.
    const id = typeof original.id === 'string' && original.id !== '' ? original.id : undefined;
    const same = id === undefined ? undefined : pending.get(id);
    if (same && same.records[0].body === record.body) {
      same.records.push(record);
      metrics.add('DuplicateEvents');
      continue;
    }
    const key = id !== undefined && !same ? id : `${id ?? ''}#${record.messageId}`;
    let parsed: ParsedEvent | undefined;
    try {
      parsed = parseEventBridgeEvent(original);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      // Forwarded unfiltered: the master dead-letters it centrally, with the same reason, where operators look.
      logger.warn('event the master cannot parse, forwarded as it is', { messageId: record.messageId, reason: error.reason });
    }
    if (parsed) {
      const decision = decide(parsed, original.id as string | undefined, settings);
      if (!decision.forward) {
        metrics.add(DROP_METRICS[decision.reason]);
        continue;
      }
    }
    pending.set(key, { key, records: [record], original, parsed });
  }

  await resolveOversizedItems([...pending.values()], dependencies, metrics);

  const outgoing: OutgoingEntry[] = [];
  for (const item of pending.values()) {
    // The resolved item carries the diff the summary lacked: the content filter gets a second look.
    if (item.resolution?.resolved && item.parsed) {
      const reparsed = tryParse({ ...item.original, detail: item.resolution.detail });
      const decision = reparsed ? decide(reparsed, item.original.id as string | undefined, settings) : { forward: true as const };
      if (!decision.forward) {
        metrics.add(DROP_METRICS[decision.reason]);
        pending.delete(item.key);
        continue;
      }
    }
    const outcome = buildEntry({
      original: item.original,
      resolvedDetail: item.resolution?.resolved ? item.resolution.detail : undefined,
      enrichment: enrichmentFor(item, settings),
    }, settings.centralEventBusArn, dependencies.maxEntryBytes ?? MAX_ENTRY_BYTES);
    if (!outcome.fits) {
      deadLetters.push({ records: item.records, reason: `entry too large for PutEvents even reduced to a summary: ${outcome.size} bytes` });
      pending.delete(item.key);
      continue;
    }
    if (outcome.shrunk) metrics.add('EntriesShrunk');
    outgoing.push({ key: item.key, entry: outcome.entry, size: entrySize(outcome.entry) });
  }

  const sent = await dependencies.sender.send(outgoing);
  metrics.add('PutEventsResends', sent.resent);
  metrics.add('EventsForwarded', sent.delivered.length);
  for (const failure of sent.failed) {
    const item = pending.get(failure.key)!;
    const reason = `PutEvents ${failure.errorCode}: ${failure.errorMessage ?? ''}`.trim();
    if (MALFORMED_ENTRY_CODES.has(failure.errorCode)) {
      deadLetters.push({ records: item.records, reason });
      continue;
    }
    // Throttling that outlasted the retries, or a refusal the master's side can fix (bus policy, permissions):
    // SQS redelivers after the visibility timeout, and its redrive policy ends the record in the dead-letter queue.
    for (const record of item.records) failures.push({ itemIdentifier: record.messageId });
    logger.warn('event not forwarded, SQS will redeliver it', { eventId: failure.key, errorCode: failure.errorCode, errorMessage: failure.errorMessage });
  }

  for (const { records: deadRecords, reason } of deadLetters) {
    for (const record of deadRecords) {
      try {
        await dependencies.deadLetters.send(record.body, reason, record.messageId);
        metrics.add('EventsDeadLettered');
        logger.warn('record sent to the dead-letter queue', { messageId: record.messageId, reason });
      } catch (error) {
        failures.push({ itemIdentifier: record.messageId });
        logger.error('could not dead-letter a record', { messageId: record.messageId, reason, ...describeError(error) });
      }
    }
  }
  metrics.add('EventsFailed', failures.length);
  return { batchItemFailures: failures, metrics };
}

/** The record body as an aws.config event, or the reason it is not one. */
function readEvent(record: SQSRecord): Record<string, unknown> | string {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return `record body is not JSON: ${record.body.slice(0, 80)}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'record body is not a JSON object';
  const source = (body as Record<string, unknown>).source;
  if (source !== AWS_CONFIG_SOURCE && source !== SSM_SOURCE) {
    return `source: expected "${AWS_CONFIG_SOURCE}" or "${SSM_SOURCE}", got ${JSON.stringify(source)}`;
  }
  return body as Record<string, unknown>;
}

function tryParse(event: unknown): ParsedEvent | undefined {
  try {
    return parseEventBridgeEvent(event);
  } catch {
    return undefined;
  }
}

async function resolveOversizedItems(items: Pending[], dependencies: ForwardingDependencies, metrics: ForwardingMetrics): Promise<void> {
  const oversized = items.filter((item) => item.parsed?.kind === 'configuration-item' && item.parsed.item.oversized);
  let next = 0;
  const lanes = Array.from({ length: Math.min(dependencies.resolveConcurrency ?? 8, oversized.length) }, async () => {
    while (next < oversized.length) {
      const item = oversized[next++];
      item.resolution = await dependencies.resolver.resolve(item.original.detail as Record<string, unknown>);
      if (item.resolution.resolved) {
        metrics.add('OversizedItemsResolved');
      } else {
        metrics.add('OversizedItemsUnresolved');
        dependencies.logger.info('oversized item forwarded as its summary', { eventId: item.key, reason: item.resolution.reason });
      }
    }
  });
  await Promise.all(lanes);
}

function enrichmentFor(item: Pending, settings: ForwardingSettings): Enrichment {
  if (item.parsed?.kind === 'remediation') {
    const use = remediationDocumentUse(item.parsed.result.documentName, settings);
    return {
      ...(settings.accountName !== undefined ? { accountName: settings.accountName } : {}),
      labels: settings.labels,
      ...(use ? { remediation: { configRuleNames: use.configRuleNames, resourceTypes: use.resourceTypes } } : {}),
    };
  }
  let tags: Record<string, string> | undefined;
  if (item.resolution?.resolved) tags = item.resolution.tags;
  else if (item.parsed?.kind === 'configuration-item' && !item.parsed.item.oversized) tags = item.parsed.item.tags;
  return {
    ...(settings.accountName !== undefined ? { accountName: settings.accountName } : {}),
    labels: settings.labels,
    ...(tags !== undefined ? { tags } : {}),
  };
}
