/**
 * The benchmark: the reference organization's day (bench/workload.ts) through a naive design
 * (bench/baseline.ts) and through the shipped pipeline (the bundled HandleConfigEvents handler fed in
 * SQS batches, bench/pipeline.ts), side by side: invocations, billed DynamoDB units, notifications,
 * dead-letter messages, correctness of the final state, wall time here; plus handler load times.
 * Writes bench/results.json.
 *
 * Run: npx ts-node --transpile-only --project test/tsconfig.json bench/run.ts [--count 20000] [--batch 100]
 *      [--bundle assets/handlers/handle-config-events.lambda/index.js] [--samples 9] [--out bench/results.json]
 *      [--skip-baseline] [--skip-load] [--before 15bb2cb,9a720b0] (the commits whose handler bundles the load tables compare with)
 *      [--skip-compressed] (the compressed run: the whole workload in back-to-back full batches through one handler instance)
 *      [--skip-realistic] [--hours 2] (the realistic run, bench/realistic-suite.ts: a window of the reference day at the reference
 *      rate through Lambda's SQS event source on a simulated clock, independent handler instances, the default master, history ALL and NONE)
 *      [--profile-minutes 30] (the profiling pass that splits handler CPU into SDK and ours; 0: none)
 *      [--skip-burst] [--burst-count 20000] (first evaluations of a new conformance pack, and the modelled drain of a million)
 * Stops before measuring anything when the example app (demo/example-app.ts) cannot be synthesized.
 *
 * Status: runs end to end against the real bundle and the example app's master template (batch size and
 * redrive read from the template). Left to the lead: decide which figures go to the README; keep
 * `defaultCurrentItem` (bench/compare-state.ts) in step with how the handler retires deleted resources
 * (today: it deletes them and keeps a `RESOURCE` marker); Lambda compute (GB-s) is not modelled.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.JSII_DEPRECATED = process.env.JSII_DEPRECATED ?? 'quiet';

/* eslint-disable import/first */
import * as fs from 'fs';
import * as path from 'path';
import { BaselineResult, runBaseline } from './baseline';
import { buildBeforeBundles, EARLIER_BUNDLES } from './before-bundles';
import { synthDefaultMaster } from './default-master';
import { formatHandlerLoad, HandlerLoadReport, measureHandlerLoad } from './handler-load';
import { PipelineResult, runPipeline } from './pipeline';
import { formatSuite, runSuite, SuiteReport } from './realistic-suite';
import { generateWorkload } from './workload';
import { masterTemplate } from '../demo/local/example-app-synth';
import { bundlePath } from '../demo/local/lambda-runner';
/* eslint-enable import/first */

/** us-east-1 on-demand prices (the AWS pricing pages of DynamoDB, Lambda, SNS and SQS), dollars per request or unit. */
const PRICE = {
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  sns: 0.5 / 1e6,
  sqs: 0.4 / 1e6,
};
const REFERENCE_EVENTS_PER_DAY = 210_000;

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || a === 0 ? '-' : (b / a).toFixed(3));

function log(msg: string) {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

type Row = [label: string, baseline: string, pipeline: string, ratio: string];
type MonthlyCost = ReturnType<typeof monthly>;

/** Monthly cost of the measured parts at the reference volume (the workload is a scaled day). */
function monthly(perRun: { writes: number; reads: number; lambda: number; sns: number; sqs: number }, uniqueEvents: number) {
  const scale = (REFERENCE_EVENTS_PER_DAY / uniqueEvents) * 30;
  const parts = {
    dynamoWrites: perRun.writes * scale * PRICE.dynamoWrite,
    dynamoReads: perRun.reads * scale * PRICE.dynamoRead,
    lambdaRequests: perRun.lambda * scale * PRICE.lambdaRequest,
    snsPublishes: perRun.sns * scale * PRICE.sns,
    sqsRequests: perRun.sqs * scale * PRICE.sqs,
  };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

function stateCell(s: { matched: number; expected: number; wrongStatus: number; missing: number; extra: number }): string {
  return `${s.matched}/${s.expected} ok, ${s.wrongStatus}w ${s.missing}m ${s.extra}x`;
}

async function main() {
  const count = Number(arg('count', '20000'));
  // Default: the batch size the construct configures (read from the template's event source mapping).
  const batchSize = arg('batch') ? Number(arg('batch')) : undefined;
  const bundle = path.resolve(arg('bundle', bundlePath('handle-config-events'))!);
  const samples = Number(arg('samples', '9'));
  const out = path.resolve(arg('out', 'bench/results.json')!);
  // First, so that a broken example app stops the run before minutes of baseline.
  const master = masterTemplate(path.resolve('cdk.out'));

  const compressed = !flag('skip-compressed');
  log(`COMPRESSED run: ${compressed ? '' : 'skipped; '}the whole workload in back-to-back full batches through one handler instance, no clock`);
  log(`generating the reference organization's workload: ${fmt(count)} events`);
  const workload = generateWorkload({ count });
  const ws = workload.stats;
  log(`  ${fmt(ws.complianceChanges)} compliance changes over ${ws.complianceKeys} keys, ${fmt(ws.configurationItemChanges)} configuration-item changes; `
    + `${fmt(ws.deliveries)} deliveries (${fmt(ws.duplicateDeliveries)} duplicates, ${fmt(ws.movedLater)} moved later, ${ws.staleComplianceDeliveries} stale compliance deliveries, `
    + `${ws.evaluationsDeliveredAfterDeletion} evaluations after their resource's deletion); expected final items: ${ws.expectedItems}`);

  let baseline: BaselineResult | undefined;
  if (compressed && !flag('skip-baseline')) {
    log('baseline (seed design: one invocation and full-event PutItems per event, single-partition table, GSI on status projecting ALL)');
    baseline = await runBaseline(workload, { onProgress: (d, t) => log(`  baseline ${fmt(d)}/${fmt(t)} events`) });
    log(`  done in ${(baseline.wallMs / 1000).toFixed(1)} s: ${fmt(baseline.writes.totalUnits)} write units, ${baseline.notifications} notifications, `
      + `state ${baseline.state.correct ? 'correct' : 'WRONG'}`);
  }

  let pipeline: PipelineResult | undefined;
  let pipelineError: string | undefined;
  log(`pipeline: ${path.relative(process.cwd(), bundle)} in SQS batches of ${batchSize ?? "the template's size"}; tables and environment from ${master.origin}`);
  if (!compressed) {
    pipelineError = 'compressed run skipped (--skip-compressed)';
  } else if (!fs.existsSync(bundle)) {
    pipelineError = `${bundle} does not exist: build it (npx projen bundle)`;
  } else {
    try {
      pipeline = await runPipeline(workload, {
        bundle,
        template: master.template,
        batchSize,
        onProgress: (d, t, inv) => log(`  pipeline ${fmt(d)}/${fmt(t)} deliveries, ${inv} invocations`),
      });
      log(`  done in ${(pipeline.wallMs / 1000).toFixed(1)} s (batches of ${pipeline.batchSize}, redrive after ${pipeline.maxReceiveCount} receives): ${fmt(pipeline.capacity.writes.totalUnits)} write units, ${pipeline.notifications} notifications, `
        + `state ${pipeline.state.correct ? 'correct' : 'WRONG'}`);
      if (pipeline.capacity.requests.PutItem === undefined && pipeline.capacity.writes.writes === 0) {
        log('  WARNING: the handler made no DynamoDB writes: is the bundle still the stub?');
      }
      if (pipeline.handlerErrors) log(`  WARNING: ${pipeline.handlerErrors} invocations threw; first: ${pipeline.firstHandlerError?.split('\n')[0]}`);
      if (Object.keys(pipeline.capacity.unsupported).length) log(`  WARNING: operations dynalite does not implement: ${JSON.stringify(pipeline.capacity.unsupported)}`);
    } catch (e) {
      pipelineError = (e as Error).stack ?? String(e);
      log(`  pipeline failed: ${pipelineError}`);
    }
  }

  let realistic: SuiteReport | undefined;
  let realisticError: string | undefined;
  if (!flag('skip-realistic')) {
    log('REALISTIC run and burst: synthesizing the master with only its required props');
    const t0 = Date.now();
    try {
      realistic = await runSuite({
        template: synthDefaultMaster(),
        templateOrigin: 'default master: new ConfigMonitoringMaster(stack, id, { organizationId }) (bench/default-master.ts)',
        bundle,
        hours: Number(arg('hours', '2')),
        burstCount: Number(arg('burst-count', '20000')),
        profileMinutes: Number(arg('profile-minutes', '30')),
        skipBurst: flag('skip-burst'),
        log,
      });
      log(`  realistic and burst done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (e) {
      realisticError = (e as Error).stack ?? String(e);
      log(`  realistic run failed: ${realisticError}`);
    }
  }

  let load: HandlerLoadReport | undefined;
  if (!flag('skip-load')) {
    log(`handler load times (${samples} fresh processes each)`);
    // The bundles before each change of what goes into them, rebuilt here so both sides are measured alike.
    const commits = arg('before', EARLIER_BUNDLES.map((earlier) => earlier.commit).join(','))!.split(',');
    for (const earlier of EARLIER_BUNDLES.filter((e) => commits.includes(e.commit))) log(`  ${earlier.commit}: before ${earlier.before}`);
    log(`building the handler bundles of ${commits.join(', ')} to compare with`);
    const before = commits.map((commit) => buildBeforeBundles(process.cwd(), commit));
    try {
      load = measureHandlerLoad(process.cwd(), samples, master.stacks.map((s) => s.template), before);
    } finally {
      for (const earlier of before) fs.rmSync(earlier.dir, { recursive: true, force: true });
    }
  }

  // ---- report
  const b = baseline;
  const p = pipeline;
  const bCost = b && monthly({ writes: b.writes.totalUnits, reads: 0, lambda: b.invocations, sns: b.notifications, sqs: 0 }, ws.uniqueEvents);
  // SQS for the pipeline: one SendMessage per delivery (EventBridge target), one ReceiveMessage and one
  // DeleteMessageBatch per batch; a lower bound (empty long polls are not counted).
  const pCost = p && monthly({
    writes: p.capacity.writes.totalUnits,
    reads: p.capacity.readUnits,
    lambda: p.invocations,
    sns: p.notifications,
    sqs: p.deliveries + 2 * p.invocations + p.deadLettered,
  }, ws.uniqueEvents);
  const perThousand = (n: number) => (n * 1000) / ws.uniqueEvents;
  const perEvent = (n: number) => n / ws.uniqueEvents;
  /** A figure of both designs, optionally scaled, with the pipeline/baseline ratio of the unscaled figures. */
  const compared = (label: string, bv: number | undefined, pv: number | undefined, digits = 0, scale = (n: number) => n): Row =>
    [label, fmt(bv === undefined ? undefined : scale(bv), digits), fmt(pv === undefined ? undefined : scale(pv), digits), ratio(bv, pv)];
  const usd = (cost: MonthlyCost | undefined, part: keyof MonthlyCost) => (cost ? cost[part].toFixed(2) : '-');
  const rows: Row[] = [
    compared('Lambda invocations', b?.invocations, p?.invocations),
    compared('  per 1,000 events', b?.invocations, p?.invocations, 1, perThousand),
    compared('DynamoDB write units, total', b?.writes.totalUnits, p?.capacity.writes.totalUnits),
    compared('  per event', b?.writes.totalUnits, p?.capacity.writes.totalUnits, 2, perEvent),
    compared('  table', b?.writes.tableUnits, p?.capacity.writes.tableUnits),
    compared('  index (GSI)', b?.writes.indexUnits, p?.capacity.writes.indexUnits),
    compared('  writes (items)', b?.writes.writes, p?.capacity.writes.writes),
    ['  of which failed conditions', fmt(b?.writes.conditionFailures), fmt(p?.capacity.writes.conditionFailures), '-'],
    ['DynamoDB read units', '0', fmt(p?.capacity.readUnits, 1), '-'],
    compared('SNS notifications', b?.notifications, p?.notifications),
    ['  of which duplicates', fmt(b?.duplicateNotifications), fmt(p?.duplicateNotifications), '-'],
    ['Dead-letter messages (handler)', '-', fmt(p?.deadLettered), '-'],
    ['Redelivered / redriven records', '-', p ? `${p.redeliveries} / ${p.redriven}` : '-', '-'],
    ['Final state correct', b ? stateCell(b.state) : '-', p ? stateCell(p.state) : '-', '-'],
    ['Wall time here, s', b ? (b.wallMs / 1000).toFixed(1) : '-', p ? (p.wallMs / 1000).toFixed(1) : '-', ratio(b?.wallMs, p?.wallMs)],
    ['Monthly at reference volume, $ (measured parts)', usd(bCost, 'total'), usd(pCost, 'total'), ratio(bCost?.total, pCost?.total)],
    ['  DynamoDB writes', usd(bCost, 'dynamoWrites'), usd(pCost, 'dynamoWrites'), '-'],
    ['  Lambda requests', usd(bCost, 'lambdaRequests'), usd(pCost, 'lambdaRequests'), '-'],
    ['  SNS publishes', usd(bCost, 'snsPublishes'), usd(pCost, 'snsPublishes'), '-'],
    ['  SQS requests (lower bound)', usd(bCost, 'sqsRequests'), usd(pCost, 'sqsRequests'), '-'],
  ];
  const w = [48, 24, 24, 7];
  if (compressed) console.log(`\nCOMPRESSED: ${fmt(ws.uniqueEvents)} events back to back in full batches through one handler instance (no clock, no arrival rate)`);
  if (compressed) console.log(`${'metric'.padEnd(w[0])} ${'baseline'.padStart(w[1])} ${'pipeline'.padStart(w[2])} ${'p/b'.padStart(w[3])}`);
  if (compressed) for (const r of rows) console.log(`${r[0].padEnd(w[0])} ${r[1].padStart(w[1])} ${r[2].padStart(w[2])} ${r[3].padStart(w[3])}`);
  if (compressed) console.log('(final state: w = wrong status, m = missing, x = extra. Lambda compute, EventBridge and Config recording are not measured here; see limits-and-costs.md for the full model.)');
  if (p && Object.keys(p.metrics).length) console.log(`handler metrics (EMF): ${JSON.stringify(p.metrics)}`);
  if (p && !p.state.correct) console.log(`pipeline state examples: ${JSON.stringify(p.state.examples)}`);
  if (p && b) {
    console.log(`write units per event: this design ${perEvent(p.capacity.writes.totalUnits).toFixed(2)}, `
      + `the design before the evaluation log ${PREVIOUS_DESIGN_UNITS_PER_EVENT.toFixed(2)}, the naive baseline ${perEvent(b.writes.totalUnits).toFixed(2)}. `
      + 'Each evaluation now also writes its log record (1 unit): a transition costs what it did (the log record is its history record), '
      + 'an evaluation that changes nothing costs 3 units instead of 2 (log record, state, status index); see docs/design/write-path.md.');
  }
  if (load) console.log(`\n${formatHandlerLoad(load)}`);
  if (pipelineError) console.log(`\npipeline not measured: ${pipelineError.split('\n')[0]}`);
  if (realistic) console.log(formatSuite(realistic));
  if (realisticError) console.log(`\nrealistic run not measured: ${realisticError.split('\n')[0]}`);

  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    options: { count, batchSize: pipeline?.batchSize ?? batchSize, bundle: path.relative(process.cwd(), bundle), samples },
    template: { origin: master.origin },
    workload: ws,
    baseline: b ? { ...b, monthlyUsd: bCost } : undefined,
    pipeline: p ? { ...p, monthlyUsd: pCost } : undefined,
    pipelineError,
    handlerLoad: load,
    // Per-invocation durations are summarised (durations) rather than listed.
    realistic: realistic && JSON.parse(JSON.stringify(realistic, (k, v) => (k === 'durationsMs' ? undefined : v))),
    realisticError,
  };
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), out)}`);
}

/**
 * What this workload cost per event with the write path before the evaluation log (a pending marker and a claim, no
 * record of evaluations that changed nothing): measured by this bench at commit 8d84bf1 (27,958 write units).
 */
const PREVIOUS_DESIGN_UNITS_PER_EVENT = 1.40;

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
