/**
 * The demo's later steps (demo/run.ts): the agents' side, the reconciliation and the daily report.
 * Each prints its own progress lines; run.ts keeps the story's order.
 */
import * as path from 'path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AgentStackSummary } from './agent-stacks';
import { AgentRun, runEnrichedAgent } from './local-agent';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { AggregatorEvaluation, reconcileLocally } from './reconcile-locally';
import type { ExpectedCompliance } from '../../bench/workload';
import { renderReportLocally } from '../../src/runtime/report/render-locally';
import type { Delivery } from '../scenario';

/** What each agent stack records, evaluates and how it forwards. */
export function printAgentStacks(agents: readonly AgentStackSummary[]): void {
  for (const a of agents) {
    console.log(`  ${a.name}`);
    console.log(`    records: ${a.recording}`);
    console.log(`    rules: ${a.rules.length ? a.rules.join(', ') : '(none of its own)'}`);
    for (const p of a.conformancePacks) console.log(`    conformance pack ${p.name}: ${p.rules.join(', ') || '(rules not readable)'}`);
    console.log(`    forwards: ${a.forwarder ? `through the enriching function ${a.forwarder.logicalId}` : 'directly (an EventBridge rule to the central bus)'}`);
  }
}

/** Run the enriched agent's buffer through the shipped forwarder bundle and print each delivery's fate. */
export async function runAgentBuffer(agent: AgentStackSummary, bundle: string, batches: readonly Delivery[][]): Promise<AgentRun> {
  const deliveries = batches.flat();
  const run = await runEnrichedAgent(agent, bundle, deliveries.map((d) => d.body));
  console.log(`  loaded ${path.relative(process.cwd(), bundle)} in ${run.loadMs.toFixed(0)} ms with FORWARDING_SETTINGS=${run.environment.FORWARDING_SETTINGS}`);
  for (const o of run.outcomes) {
    const where = o.entry ? ` → ${o.entry.Source} "${o.entry.DetailType}"` : '';
    console.log(`    ${String(o.index + 1).padStart(2)}. ${deliveries[o.index].note}: ${o.fate}${where}`);
  }
  const count = (f: (s: string) => boolean) => run.outcomes.filter((o) => f(o.fate)).length;
  console.log(`  forwarded ${run.recording.putEvents().length} (PutEvents), filtered ${count((f) => f.startsWith('filtered'))}, `
    + `sampled out ${count((f) => f === 'sampled out')}, duplicates ${count((f) => f.startsWith('duplicate'))}, dead-lettered ${run.recording.sent().length}`);
  console.log(`  forwarder metrics (EMF): ${Object.entries(run.metrics).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  await run.recording.close();
  return run;
}

export interface ReconciliationStep {
  readonly dynamoDbEndpoint: string;
  readonly environment: Record<string, string>;
  readonly snsEndpoint: string;
  readonly truth: readonly ExpectedCompliance[];
  readonly nowMs: number;
}

/** One reconciliation pass; prints what it healed and retired. */
export async function runReconciliation(step: ReconciliationStep): Promise<void> {
  const truth: AggregatorEvaluation[] = [...step.truth];
  const run = await reconcileLocally({
    dynamoDbEndpoint: step.dynamoDbEndpoint,
    complianceTable: step.environment.COMPLIANCE_TABLE_NAME,
    eventsTable: step.environment.EVENTS_TABLE_NAME,
    historyRetentionDays: Number(step.environment.HISTORY_RETENTION_DAYS),
    snsEndpoint: step.snsEndpoint,
    topicArn: step.environment.NOTIFICATION_TOPIC_ARN,
    truth,
    nowMs: step.nowMs,
  });
  const c = run.counts;
  console.log(`  pass ${run.outcome} at ${new Date(step.nowMs).toISOString().slice(11, 16)}: ${c.rules} rules, ${c.evaluations} evaluations read; `
    + `${c.unchanged} unchanged, ${c.refreshed} refreshed, ${c.stale} kept (ours newer), ${c.deletedResource} kept retired (deletion recorded), ${c.unreportedScope} in unreported scopes`);
  console.log(`  drift ${c.healed + c.retired}: healed ${c.healed}, retired ${c.retired}`);
  run.driftSample.forEach((line) => console.log(`    ${line}`));
}

/** The daily report over the final state, into `outputDir`. */
export async function renderReport(dynamoDbEndpoint: string, environment: Record<string, string>, outputDir: string, now: Date): Promise<void> {
  const dynamo = new DynamoDBClient({ endpoint: dynamoDbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const generated = await renderReportLocally({
      documentClient: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
      complianceTable: environment.COMPLIANCE_TABLE_NAME,
      eventsTable: environment.EVENTS_TABLE_NAME,
      outputDir,
      now,
    });
    console.log(`  HTML page: ${path.relative(process.cwd(), generated.location)}`);
    console.log(`  ${generated.files.length} files written under ${path.relative(process.cwd(), outputDir)}/`);
    console.log(`  summary subject: "${generated.summary.subject}"`);
  } finally {
    dynamo.destroy();
  }
}
