/**
 * The enriching agent's forwarder, locally: the shipped ProcessConfigEvents bundle loaded with the
 * environment its function has in the agent's template (FORWARDING_SETTINGS, DEAD_LETTER_QUEUE_URL),
 * putting events on a recording endpoint that answers EventBridge PutEvents (and SQS for its
 * dead-letter queue).
 *
 * Why one record per invocation: the function reports its decisions as metrics per invocation, so
 * feeding each delivery alone attributes every drop to its reason from the bundle's own EMF output,
 * without restating the filter here. Duplicates are the exception: they are delivered together in one
 * batch, as SQS would, so the bundle's in-batch deduplication shows.
 */
import { AgentStackSummary } from './agent-stacks';
import { sumEmfMetrics } from './emf-metrics';
import { resolveHandlerEnvironment } from './handler-environment';
import { invoke, loadBundledHandler, toSqsRecord } from './lambda-runner';
import { PutEventsEntry, RecordingEndpoint, startRecordingEndpoint } from './recording-endpoint';

/** What became of one delivery to the agent. */
export interface AgentOutcome {
  readonly index: number;
  readonly eventId?: string;
  /** forwarded, or a drop reason from the function's metrics (not-applicable, relationship-only, sampled-out, …). */
  readonly fate: string;
  /** The entry put on the central bus, when forwarded. */
  readonly entry?: PutEventsEntry;
}

export interface AgentRun {
  readonly outcomes: AgentOutcome[];
  readonly environment: Record<string, string>;
  readonly loadMs: number;
  /** Original aws.config event id → the entry forwarded for it. */
  readonly forwarded: Map<string, PutEventsEntry>;
  readonly recording: RecordingEndpoint;
  /** Every metric the function emitted, summed. */
  readonly metrics: Record<string, number>;
}

const FATES: Record<string, string> = {
  EventsDroppedByResourceType: 'filtered: resource type not forwarded',
  EventsDroppedNotApplicable: 'filtered: NOT_APPLICABLE first evaluation (dropNotApplicable)',
  EventsDroppedRelationshipOnly: 'filtered: only relationships changed (dropRelationshipOnlyChanges)',
  EventsSampledOut: 'sampled out',
  DuplicateEvents: 'duplicate of the record before it, forwarded once',
  EventsDeadLettered: 'dead-lettered',
  EventsFailed: 'failed (SQS would redeliver)',
};

/**
 * Run `bodies` (the agent's buffer, in order) through the bundle. The process environment is restored
 * afterwards, so the master's handler loaded later gets its own.
 */
export async function runEnrichedAgent(agent: AgentStackSummary, bundle: string, bodies: readonly unknown[]): Promise<AgentRun> {
  if (!agent.forwarder) throw new Error(`${agent.name} has no enriching forwarder (no function with FORWARDING_SETTINGS)`);
  const recording = await startRecordingEndpoint();
  const saved = { ...process.env };
  try {
    const environment = resolveHandlerEnvironment(agent.template, agent.forwarder.variables, {
      tables: new Map(),
      recordingEndpoint: recording.endpoint,
    });
    const loaded = loadBundledHandler(bundle, {
      ...environment,
      AWS_LAMBDA_FUNCTION_NAME: 'ProcessConfigEvents',
      AWS_ENDPOINT_URL_EVENTBRIDGE: recording.endpoint,
      AWS_ENDPOINT_URL_SQS: recording.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const outcomes: AgentOutcome[] = [];
    const logs: string[] = [];
    for (let i = 0; i < bodies.length; i++) {
      // A body equal to the next one is delivered with it, in the same batch.
      const group = [i];
      while (i + 1 < bodies.length && JSON.stringify(bodies[i + 1]) === JSON.stringify(bodies[i])) group.push(++i);
      const before = recording.putEvents().length;
      const r = await invoke(loaded, { Records: group.map((g) => toSqsRecord(bodies[g], g, 1)) }, { captureLogs: true });
      logs.push(...r.logs);
      const metrics = sumEmfMetrics(r.logs);
      const entry = recording.putEvents().slice(before)[0];
      const drop = Object.keys(FATES).find((m) => m !== 'DuplicateEvents' && (metrics[m] ?? 0) > 0);
      group.forEach((g, n) => {
        const eventId = (bodies[g] as { id?: string })?.id;
        const fate = r.error ? `the function threw: ${r.error.message}`
          : n > 0 ? FATES.DuplicateEvents : entry ? 'forwarded' : drop ? FATES[drop] : 'not forwarded (no metric says why)';
        outcomes.push({ index: g, eventId, fate, entry: n === 0 ? entry : undefined });
      });
    }
    const forwarded = new Map<string, PutEventsEntry>();
    for (const e of recording.putEvents()) {
      const original = (JSON.parse(e.Detail) as { event?: { id?: string } }).event?.id;
      if (original) forwarded.set(original, e);
    }
    return { outcomes, environment, loadMs: loaded.loadMs, forwarded, recording, metrics: sumEmfMetrics(logs) };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/**
 * A forwarded entry as EventBridge delivers it to the master's buffer queue: the envelope EventBridge
 * adds (id = the EventId PutEvents answered, account = the sender, region = the bus's) around the entry.
 */
export function asDeliveredEvent(entry: PutEventsEntry, senderAccount: string): Record<string, unknown> {
  const busRegion = String(entry.EventBusName ?? '').split(':')[3] || 'eu-west-1';
  const time = entry.Time === undefined ? new Date().toISOString()
    : typeof entry.Time === 'number' ? new Date(entry.Time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : String(entry.Time);
  return {
    'version': '0',
    'id': entry.EventId,
    'detail-type': entry.DetailType,
    'source': entry.Source,
    'account': senderAccount,
    time,
    'region': busRegion,
    'resources': entry.Resources ?? [],
    'detail': JSON.parse(entry.Detail),
  };
}
