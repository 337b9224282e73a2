/**
 * The realistic run: deliveries reach the buffer queue at their own instants (the reference rate), Lambda's SQS
 * event source (bench/event-source-model.ts) batches them and invokes independent handler instances (each a fresh
 * module load of the bundle with its own caches, SDK clients and simulated clock, bench/clocked-handler.ts), and
 * everything the handler does goes to dynalite behind the billing proxy, as in bench/pipeline.ts.
 *
 * The event source's settings are the template's: BatchSize, MaximumBatchingWindowInSeconds and
 * ScalingConfig.MaximumConcurrency of the mapping, the buffer queue's VisibilityTimeout and redrive
 * maxReceiveCount, the function's MemorySize (for the compute model).
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Item, TableSpec } from './billing';
import { HandlerFactory, HandlerInstance } from './clocked-handler';
import { compareState, defaultCurrentItem, readComplianceTable, StateComparison } from './compare-state';
import { measureTableBytes, TableBytes } from './cost-model';
import { attribute, classifier, CpuProfiler } from './cpu-profile';
import { EventSourceConfig, EventSourceResult, poissonArrivals, simulateEventSource } from './event-source-model';
import { countDuplicateNotifications } from './notification-duplicates';
import { CI_CHANGE, COMPLIANCE_CHANGE, Workload } from './workload';
import { CapacityReport } from '../demo/local/capacity-proxy';
import { CfnTemplate } from '../demo/local/dynamodb-from-template';
import { sumEmfMetrics } from '../demo/local/emf-metrics';
import { eventSourceSettings, findHandlerFunction } from '../demo/local/handler-environment';
import { indexOfMessageId, invoke, SqsEvent, toSqsRecord } from '../demo/local/lambda-runner';
import { startLocalMaster } from '../demo/local/local-master';

export interface TemplateSettings {
  readonly handlerLogicalId: string;
  readonly batchSize: number;
  readonly windowSeconds: number;
  readonly maxConcurrency: number;
  readonly memoryMb: number;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly historyRetentionDays: number;
}

/** What the event source and the compute model need, read from the synthesized template (CloudFormation's defaults when absent). */
export function templateSettings(template: CfnTemplate): TemplateSettings {
  const fn = findHandlerFunction(template);
  if (!fn) throw new Error('the template has no HandleConfigEvents function');
  const resources = template.Resources ?? {};
  const source = eventSourceSettings(template, fn.logicalId);
  const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties?.FunctionName?.Ref === fn.logicalId);
  const queue = source?.queueLogicalId ? resources[source.queueLogicalId] : undefined;
  return {
    handlerLogicalId: fn.logicalId,
    batchSize: source?.batchSize ?? 10,
    windowSeconds: mapping?.Properties?.MaximumBatchingWindowInSeconds ?? 0,
    // Without ScalingConfig the mapping may use the account's concurrency (1,000 by default).
    maxConcurrency: mapping?.Properties?.ScalingConfig?.MaximumConcurrency ?? 1000,
    memoryMb: resources[fn.logicalId]?.Properties?.MemorySize ?? 128,
    visibilityTimeoutSeconds: queue?.Properties?.VisibilityTimeout ?? 30,
    maxReceiveCount: source?.maxReceiveCount ?? 5,
    historyRetentionDays: Number(fn.variables.HISTORY_RETENTION_DAYS ?? 365),
  };
}

export interface TableInfo {
  readonly spec: TableSpec;
  readonly ttlAttribute?: string;
}

/** Key schema, indexes and TTL attribute of each table in a template (Table or GlobalTable). */
export function tableInfos(template: CfnTemplate): Map<string, TableInfo> {
  const out = new Map<string, TableInfo>();
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r.Type !== 'AWS::DynamoDB::Table' && r.Type !== 'AWS::DynamoDB::GlobalTable') continue;
    const p = r.Properties ?? {};
    const keys = (schema: { AttributeName: string }[]) => schema.map((k) => k.AttributeName);
    out.set(id, {
      spec: {
        keyAttributes: keys(p.KeySchema),
        indexes: (p.GlobalSecondaryIndexes ?? []).map((g: any) => ({
          name: g.IndexName,
          keyAttributes: keys(g.KeySchema),
          projection: g.Projection?.ProjectionType ?? 'ALL',
          nonKeyAttributes: g.Projection?.NonKeyAttributes,
        })),
      },
      ttlAttribute: p.TimeToLiveSpecification?.Enabled ? p.TimeToLiveSpecification.AttributeName : undefined,
    });
  }
  return out;
}

export async function scanItems(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    out.push(...((page.Items ?? []) as unknown as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

export interface HistoryCheck {
  /** Unique compliance evaluations of the workload. */
  readonly evaluationsExpected: number;
  /** … found in the events table (as ComplianceChange or ComplianceEvaluation), once each. */
  readonly evaluationsRecorded: number;
  readonly evaluationsMissing: number;
  /** Records of an evaluation already recorded. */
  readonly evaluationsDuplicated: number;
  /** Two successive ComplianceChange records of a key (by evaluation time) with the same status: not a transition. */
  readonly nonTransitions: number;
  /** Unique configuration-item changes of the workload, and history records of configuration items found. */
  readonly configurationItemsExpected: number;
  readonly configurationItemsRecorded: number;
  readonly configurationItemsDuplicated: number;
  /** Evaluations all recorded once, changes all transitions, configuration items as the history mode says. */
  readonly correct: boolean;
  readonly examples: string[];
}

// Config's statuses of a deleted resource's configuration item.
const DELETION_STATUSES = ['ResourceDeleted', 'ResourceDeletedNotRecorded'];

/**
 * The history the events table holds, against the workload's unique events: every evaluation recorded exactly once
 * (a change or an evaluation that changed nothing), the changes of a key a sequence of real transitions, and
 * configuration-item records once each: all of them with history ALL, exactly the deletions with NONE (a deletion is
 * always recorded: the evaluation log orders a resource's compliance history by it), RESOURCES_WITH_COMPLIANCE not
 * judged here beyond duplicates and deletions (which resources count is the handler's rule).
 */
export function checkHistory(items: readonly Record<string, any>[], workload: Workload, mode: string): HistoryCheck {
  const examples: string[] = [];
  const evalKey = (account: string, region: string, type: string, id: string, rule: string, ms: number) => `${account}|${region}|${type}|${id}|${rule}|${ms}`;
  const expectedEvals = new Set<string>();
  const expectedCis = new Set<string>();
  const expectedDeletions = new Set<string>();
  for (const e of workload.events) {
    if (e['detail-type'] === COMPLIANCE_CHANGE) {
      const d = e.detail;
      const ms = Date.parse(d.newEvaluationResult.resultRecordedTime);
      expectedEvals.add(evalKey(d.awsAccountId, d.awsRegion, d.resourceType, d.resourceId, d.configRuleName, ms));
    } else if (e['detail-type'] === CI_CHANGE) {
      const ci = e.detail.configurationItem;
      const key = `${ci.awsAccountId}|${ci.resourceType}|${ci.resourceId}|${Date.parse(ci.configurationItemCaptureTime)}`;
      expectedCis.add(key);
      if (DELETION_STATUSES.includes(ci.configurationItemStatus)) expectedDeletions.add(key);
    }
  }
  const seenEvals = new Map<string, number>();
  const changes = new Map<string, { ms: number; status: string }[]>();
  const seenCis = new Map<string, number>();
  for (const it of items) {
    const type = it.config_item_type;
    const ms = Date.parse(it.event_time);
    if (type === 'ComplianceChange' || type === 'ComplianceEvaluation') {
      const k = evalKey(it.account, it.region, it.resource_type, it.resource_id, it.config_rule_name, ms);
      seenEvals.set(k, (seenEvals.get(k) ?? 0) + 1);
      if (type === 'ComplianceChange') {
        const kk = `${it.account}|${it.region}|${it.resource_type}|${it.resource_id}|${it.config_rule_name}`;
        changes.set(kk, [...(changes.get(kk) ?? []), { ms, status: it.compliance_status }]);
      }
    } else if (type === 'ConfigurationItemChange') {
      const k = `${it.account}|${it.resource_type}|${it.resource_id}|${ms}`;
      seenCis.set(k, (seenCis.get(k) ?? 0) + 1);
    }
  }
  let recorded = 0;
  let missing = 0;
  let duplicated = 0;
  for (const k of expectedEvals) {
    const n = seenEvals.get(k) ?? 0;
    if (n === 0) {
      missing++;
      if (examples.length < 3) examples.push(`evaluation not in the history: ${k}`);
    } else {
      recorded++;
      duplicated += n - 1;
    }
  }
  let nonTransitions = 0;
  for (const [k, list] of changes) {
    list.sort((a, b) => a.ms - b.ms);
    for (let i = 1; i < list.length; i++) {
      if (list[i].status === list[i - 1].status) {
        nonTransitions++;
        if (examples.length < 6) examples.push(`not a transition: ${k} ${list[i].status} twice`);
      }
    }
  }
  const ciDuplicated = [...seenCis.values()].reduce((s, n) => s + n - 1, 0);
  const ciRecorded = seenCis.size;
  const deletionsKept = [...expectedDeletions].every((k) => seenCis.has(k));
  const onlyDeletions = [...seenCis.keys()].every((k) => expectedDeletions.has(k));
  const ciOk = deletionsKept && (mode === 'NONE' ? onlyDeletions : mode === 'ALL' ? [...expectedCis].every((k) => seenCis.has(k)) : true);
  if (!deletionsKept && examples.length < 8) examples.push('a deletion is missing from the history');
  if (mode === 'NONE' && !onlyDeletions && examples.length < 8) examples.push('a configuration change other than a deletion is in the history');
  return {
    evaluationsExpected: expectedEvals.size,
    evaluationsRecorded: recorded,
    evaluationsMissing: missing,
    evaluationsDuplicated: duplicated,
    nonTransitions,
    configurationItemsExpected: expectedCis.size,
    configurationItemsRecorded: ciRecorded,
    configurationItemsDuplicated: ciDuplicated,
    correct: missing === 0 && duplicated === 0 && nonTransitions === 0 && ciDuplicated === 0 && ciOk,
    examples,
  };
}

export interface SimulatedRunOptions {
  readonly workload: Workload;
  readonly template: CfnTemplate;
  readonly bundle: string;
  /** Variables set over the template's environment before the instances load (e.g. CONFIGURATION_ITEM_HISTORY). */
  readonly environment?: Record<string, string>;
  /** Event source settings over the template's (tests, what-ifs). */
  readonly eventSource?: Partial<EventSourceConfig>;
  /**
   * Arrival instants: the workload's own (`workload`), or its delivery order re-timed as a Poisson process at the
   * given rate from the workload's first delivery (`poisson`, the default for the realistic run). @default workload
   */
  readonly arrivals?: { readonly kind: 'workload' } | { readonly kind: 'poisson'; readonly perSecond: number; readonly seed?: string };
  /** Split the handler's CPU by module: the bundle must be a non-minified esbuild build. */
  readonly moduleOf?: (line: number) => string | undefined;
  readonly onProgress?: (deliveries: number, invocations: number, simMs: number) => void;
  /**
   * The window's end (epoch ms): invocations that start by then are the steady state; after it the run drains a tail
   * (late and reordered deliveries, later transitions) at a lower rate than a continuing day would have.
   */
  readonly windowEndMs?: number;
}

export interface SimulatedRunResult {
  readonly settings: TemplateSettings;
  readonly eventSource: Omit<EventSourceResult, 'invocations'> & { readonly invocations: number; readonly closedBy: Record<string, number> };
  readonly deliveries: number;
  readonly uniqueEvents: number;
  /** Invocations that started within the window and the records they held (the steady state; all of them without a window). */
  readonly steadyState: { readonly invocations: number; readonly records: number };
  readonly simulatedSeconds: number;
  readonly handlerErrors: number;
  readonly firstHandlerError?: string;
  readonly capacity: CapacityReport;
  readonly notifications: number;
  readonly duplicateNotifications: number;
  readonly deadLettered: number;
  /** Invocation durations here, ms: sum, p50, p99, max. */
  readonly durations: { readonly sumMs: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly durationsMs: number[];
  readonly coldStarts: number;
  readonly meanLoadMs: number;
  /** CPU by category (bench/cpu-profile.ts), ms. */
  readonly cpuMs: Record<string, number>;
  readonly metrics: Record<string, number>;
  readonly state: StateComparison;
  readonly history: HistoryCheck;
  readonly tableBytes: Record<string, TableBytes>;
  readonly environment: Record<string, string>;
  readonly wallMs: number;
}

const quantile = (sorted: readonly number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);

export async function runSimulatedPipeline(options: SimulatedRunOptions): Promise<SimulatedRunResult> {
  const settings = templateSettings(options.template);
  const { workload } = options;
  const local = await startLocalMaster({ template: options.template, bundle: options.bundle, measureCapacity: true });
  const { recording: rec, capacity: proxy, environment } = local;
  const ddb = local.db.client();
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(options.environment ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const profiler = new CpuProfiler();
  try {
    const factory = new HandlerFactory(options.bundle);
    const instances: HandlerInstance[] = [];
    const deliveries = workload.deliveries;
    const bodies = deliveries.map((d) => JSON.stringify(d));
    const arrivals = options.arrivals?.kind === 'poisson'
      ? poissonArrivals(deliveries.length, options.arrivals.perSecond, workload.deliveryTimesMs[0], options.arrivals.seed)
      : workload.deliveryTimesMs;
    // The record's size in the invocation payload: the body plus about 600 bytes of SQS attributes and ids.
    const messages = bodies.map((b, i) => ({ arrivalMs: arrivals[i], bytes: Buffer.byteLength(b) + 600 }));
    const config: EventSourceConfig = {
      batchSize: settings.batchSize,
      windowMs: settings.windowSeconds * 1000,
      maxConcurrency: settings.maxConcurrency,
      visibilityTimeoutMs: settings.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: settings.maxReceiveCount,
      ...options.eventSource,
    };
    let handlerErrors = 0;
    let firstHandlerError: string | undefined;
    const logs: string[] = [];
    const durationsMs: number[] = [];
    let done = 0;
    const started = Date.now();
    await profiler.start();
    const es = await simulateEventSource(messages, config, async (records, startMs, container) => {
      let instance = instances[container];
      if (!instance) {
        instance = factory.create(startMs);
        instances[container] = instance;
      }
      instance.clock.set(startMs);
      const event: SqsEvent = {
        Records: records.map((r) => toSqsRecord(bodies[r.index], r.index, r.receiveCount, Math.floor(messages[r.index].arrivalMs))),
      };
      const loaded = { handler: instance.handler, bundlePath: factory.file, loadMs: instance.loadMs };
      const r = await invoke(loaded, event, { captureLogs: true });
      durationsMs.push(r.durationMs);
      for (const line of r.logs) if (line.includes('"_aws"')) logs.push(line);
      if (r.error) {
        handlerErrors++;
        firstHandlerError ??= r.error.stack ?? r.error.message;
      }
      done += records.length;
      if (durationsMs.length % 200 === 0) options.onProgress?.(done, durationsMs.length, startMs - messages[0].arrivalMs);
      return { durationMs: r.durationMs, failed: r.failedMessageIds.map(indexOfMessageId) };
    });
    const profile = await profiler.stop();
    const wallMs = Date.now() - started;
    const cpuMs = attribute(profile, classifier({ bundle: factory.file, moduleOf: options.moduleOf }));

    const tables = tableInfos(options.template);
    const tableBytes: Record<string, TableBytes> = {};
    let historyItems: Record<string, any>[] = [];
    for (const [logicalId, info] of tables) {
      const name = local.db.tables.get(logicalId)!;
      const items = await scanItems(ddb, name);
      tableBytes[logicalId] = measureTableBytes(info.spec, items, info.ttlAttribute);
      if (name === environment.EVENTS_TABLE_NAME) historyItems = items.map((i) => unmarshall(i as any));
    }
    const actual = await readComplianceTable(ddb, environment.COMPLIANCE_TABLE_NAME, defaultCurrentItem);
    const sorted = [...durationsMs].sort((a, b) => a - b);
    const closedBy: Record<string, number> = {};
    for (const inv of es.invocations) closedBy[inv.closedBy] = (closedBy[inv.closedBy] ?? 0) + 1;
    const { invocations, ...esRest } = es;
    const inWindow = invocations.filter((i) => options.windowEndMs === undefined || i.startMs <= options.windowEndMs);
    return {
      settings,
      eventSource: { ...esRest, invocations: invocations.length, closedBy },
      deliveries: deliveries.length,
      uniqueEvents: workload.stats.uniqueEvents,
      steadyState: { invocations: inWindow.length, records: inWindow.reduce((n, i) => n + i.records, 0) },
      simulatedSeconds: (es.lastEndMs - es.firstArrivalMs) / 1000,
      handlerErrors,
      firstHandlerError,
      capacity: proxy!.report(),
      notifications: rec.published().length,
      duplicateNotifications: countDuplicateNotifications(rec.published()),
      deadLettered: rec.sent().length,
      durations: {
        sumMs: durationsMs.reduce((a, b) => a + b, 0),
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1] ?? 0,
      },
      durationsMs,
      coldStarts: instances.length,
      meanLoadMs: instances.reduce((s, i) => s + i.loadMs, 0) / Math.max(1, instances.length),
      cpuMs,
      metrics: sumEmfMetrics(logs),
      state: compareState(actual, workload.expected),
      history: checkHistory(historyItems, workload, options.environment?.CONFIGURATION_ITEM_HISTORY ?? 'ALL'),
      tableBytes,
      environment: { ...environment, ...options.environment },
      wallMs,
    };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    ddb.destroy();
    await local.close();
  }
}
