/**
 * The demo: synthesize the example app (demo/example-app.ts) into cdk.out/, show what each agent stack
 * records and evaluates, run the enriching agent's buffer through the shipped ProcessConfigEvents bundle,
 * then replay a realistic morning (demo/scenario.ts), with what that agent forwarded, through the shipped
 * HandleConfigEvents bundle against local stand-ins created from the master's template, and show what
 * the platform team would see: compliance by account and rule, the transitions recorded in history, the
 * notifications, the dead-letter queue. Then a reconciliation pass heals and retires what the events
 * missed, and the daily report is rendered into demo/out/report/.
 *
 * Run: npx ts-node --transpile-only --project test/tsconfig.json demo/run.ts
 * Nothing here talks to AWS: DynamoDB is dynalite, SNS, SQS and EventBridge are a recording endpoint,
 * the Config aggregator is an in-process fake.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.JSII_DEPRECATED = process.env.JSII_DEPRECATED ?? 'quiet';

/* eslint-disable import/first */
import * as fs from 'fs';
import * as path from 'path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { compareState, readComplianceTable } from '../bench/compare-state';
import { expectedComplianceState } from '../bench/workload';
import { agentStacks } from './local/agent-stacks';
import { runArchiveStep } from './local/archive-step';
import { printAgentStacks, renderReport, runAgentBuffer, runReconciliation } from './local/demo-steps';
import { sumEmfMetrics } from './local/emf-metrics';
import { masterTemplate } from './local/example-app-synth';
import { bundlePath, indexOfMessageId, invoke, toSqsRecord } from './local/lambda-runner';
import { asDeliveredEvent } from './local/local-agent';
import { startLocalMaster } from './local/local-master';
import { runRemediationStep } from './local/remediation-step';
import { printRollout, runCoverageStep } from './local/rollout-step';
import { buildRemediationScenario, buildScenario, Delivery, SSH_REMEDIATION_DOCUMENT } from './scenario';
/* eslint-enable import/first */

const CDK_OUT = 'cdk.out';
const REPORT_DIR = path.join('demo', 'out', 'report');

function heading(s: string) {
  console.log(`\n== ${s}`);
}
function step(s: string) {
  console.log(`[demo ${new Date().toISOString().slice(11, 19)}] ${s}`);
}
const hhmm = (iso: unknown) => (typeof iso === 'string' ? iso.slice(11, 19) : String(iso));

async function main() {
  // 1. Synthesize.
  heading('Synthesize the example app');
  step(`loading demo/example-app.ts and synthesizing into ${CDK_OUT}/ …`);
  // Throws, saying why, when the example app cannot be synthesized or has no HandleConfigEvents function.
  const master = masterTemplate(CDK_OUT);
  for (const s of master.stacks) {
    const top = Object.entries(s.resourceCounts).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([t, n]) => `${n} ${t.replace('AWS::', '')}`).join(', ');
    console.log(`  ${s.name.padEnd(46)} ${String(s.resourceTotal).padStart(3)} resources: ${top}`);
  }
  const total = master.stacks.reduce((n, s) => n + s.resourceTotal, 0);
  console.log(`  ${master.stacks.length} stacks, ${total} resources; templates in ${CDK_OUT}/`);
  console.log(`  the handler's tables and environment come from ${master.origin}`);

  heading('The organization rollout: the agent for every account and region, from one definition');
  printRollout(path.join('demo', 'out', 'rollout'));

  const bundle = bundlePath('handle-config-events');
  const forwarderBundle = bundlePath('process-config-events');
  for (const b of [bundle, forwarderBundle].filter((f) => !fs.existsSync(f))) {
    console.log(`\n  NOTE: ${path.relative(process.cwd(), b)} is not built (npx projen bundle): nothing to replay.`);
    return;
  }

  // 2. The agents' side.
  heading('The agent stacks: what each account records, evaluates and forwards');
  const agents = agentStacks(master.stacks, master.origin.replace(/^example app, stack /, ''));
  printAgentStacks(agents);
  const scenario = buildScenario();
  const enriched = agents.find((a) => a.forwarder && a.account === '222222222222');
  if (!enriched) throw new Error('the example app has no enriching agent for 222222222222');
  heading(`The enriching agent (${enriched.name}): its buffer through the shipped ProcessConfigEvents bundle`);
  step(`${scenario.agentBatches.flat().length} aws.config events of account ${enriched.account}, one SQS delivery each (duplicates together)`);
  const agentRun = await runAgentBuffer(enriched, forwarderBundle, scenario.agentBatches);
  // What the master's queue receives for an agent account's event: the agent's forwarded event, or nothing.
  const toMaster = (d: Delivery): Delivery | undefined => {
    if (!d.viaEnrichedAgent) return d;
    const entry = agentRun.forwarded.get((d.body as { id: string }).id);
    return entry ? { ...d, body: asDeliveredEvent(entry, enriched.account), note: `${d.note} [via the agent]` } : undefined;
  };

  // 3. Local stand-ins from the master's template.
  heading('Start local DynamoDB, SNS and SQS');
  const local = await startLocalMaster({ template: master.template, bundle });
  const { db, recording: rec, environment, loaded } = local;
  const ddb = db.client();
  try {
    for (const t of db.details.values()) {
      const gsis = (t.input.GlobalSecondaryIndexes ?? []).map((g) => `${g.IndexName} (${g.Projection?.ProjectionType})`).join(', ');
      console.log(`  table ${t.tableName}${gsis ? `, GSI ${gsis}` : ''}${t.ttlAttribute ? `, TTL on ${t.ttlAttribute}` : ''}`);
    }
    console.log(`  handler ${local.handlerFunction.logicalId}: ${Object.entries(environment).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    console.log(`  loaded ${path.relative(process.cwd(), bundle)} (${(fs.statSync(bundle).size / 1024).toFixed(0)} KB) in ${loaded.loadMs.toFixed(0)} ms`);

    // 4. Replay.
    heading('Replay the morning through the handler, batch by batch');
    const batches = scenario.batches.map((batch) => batch.map(toMaster).filter((d): d is Delivery => d !== undefined));
    const deliveries = batches.flat();
    const logs: string[] = [];
    let index = 0;
    let retry: number[] = [];
    let injectedSoFar = 0;
    for (const [b, batch] of batches.entries()) {
      const redelivered = new Set(retry);
      const indices = [...retry, ...batch.map(() => index++)];
      retry = [];
      step(`batch ${b + 1}: ${indices.length} records`);
      for (const f of scenario.faults.filter((x) => x.beforeBatch === b + 1)) {
        rec.failNext(f.count, f.kind, f.service);
        console.log(`    ! ${f.note}`);
      }
      indices.forEach((i) => console.log(`    ${String(i + 1).padStart(2)}. ${redelivered.has(i) ? '(redelivered) ' : ''}${deliveries[i].note}`));
      const r = await invoke(loaded, { Records: indices.map((i) => toSqsRecord(deliveries[i].body, i, 1)) }, { captureLogs: true });
      logs.push(...r.logs);
      if (r.error) console.log(`    the handler threw (the whole batch would be retried): ${r.error.message}`);
      const failed = r.failedMessageIds.map(indexOfMessageId);
      console.log(`    → ${r.durationMs.toFixed(0)} ms; ${failed.length ? `failed, redelivered next batch: ${failed.map((i) => i + 1).join(', ')}` : 'no record failed'}`);
      retry = failed;
      const injected = rec.calls.filter((c) => c.outcome !== 'ok').length;
      if (injected > injectedSoFar) console.log(`    (the stand-in answered ${injected - injectedSoFar} calls with an injected error)`);
      injectedSoFar = injected;
    }
    if (retry.length) console.log(`  still failing after the last batch: ${retry.map((i) => i + 1).join(', ')}`);

    // 5. What the platform team sees.
    heading('Fleet coverage: the accounts and regions that should report, against the activity the replay left');
    await runCoverageStep(ddb, environment.COMPLIANCE_TABLE_NAME);

    heading('Compliance by account and rule (ComplianceTable)');
    const printCompliance = async () => {
      const state = await readComplianceTable(ddb, environment.COMPLIANCE_TABLE_NAME);
      const byAccount = new Map<string, string[]>();
      for (const { item } of [...state.values()].sort((a, b) => String(a.item.config_rule_name).localeCompare(String(b.item.config_rule_name)))) {
        const line = `${String(item.config_rule_name).padEnd(54)} ${String(item.compliance_status).padEnd(14)} ${item.resource_type} ${item.resource_id} (${item.region}, `
          + `evaluated ${new Date(Number(item.last_evaluated) * 1000).toISOString().slice(11, 19)})`;
        byAccount.set(String(item.account), [...(byAccount.get(String(item.account)) ?? []), line]);
      }
      for (const [account, lines] of [...byAccount].sort()) {
        console.log(`  account ${account}`);
        lines.forEach((l) => console.log(`    ${l}`));
      }
      if (state.size === 0) console.log('  (empty: is the bundle still the stub?)');
      return state;
    };
    await printCompliance();
    const fromAgent = deliveries.filter((d) => (d.body as { source?: string })?.source === 'monitoring.agent.config').length;
    console.log(`  ${fromAgent} of the ${deliveries.length} deliveries came from the enriching agent (monitoring.agent.config)`);
    const all = (await ddb.send(new ScanCommand({ TableName: environment.COMPLIANCE_TABLE_NAME, ConsistentRead: true }))).Items ?? [];
    const markers = all.map((i) => unmarshall(i)).filter((i) => i.sk === 'RESOURCE');
    markers.forEach((m) => console.log(`  deletion marker: ${m.resource_type} ${m.resource_id} deleted at ${new Date(Number(m.deleted_at_ms)).toISOString().slice(11, 19)}`));

    heading(`History (EventsTable): compliance transitions, then configuration items (CONFIGURATION_ITEM_HISTORY=${environment.CONFIGURATION_ITEM_HISTORY}; `
      + 'deletions always)');
    const history = ((await ddb.send(new ScanCommand({ TableName: environment.EVENTS_TABLE_NAME, ConsistentRead: true }))).Items ?? [])
      .map((i) => unmarshall(i)).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    const isCompliance = (h: Record<string, unknown>) => String(h.sk).includes('#COMPLIANCE#');
    for (const h of history.filter(isCompliance)) {
      const from = h.previous_status ?? h.from ?? h.old_compliance_status;
      console.log(`  ${hhmm(h.event_time ?? h.sk)}  ${String(h.config_rule_name).padEnd(54)} ${from ? `${from} → ` : ''}${h.compliance_status}  ${h.resource_id}`);
    }
    for (const h of history.filter((x) => !isCompliance(x))) {
      console.log(`  ${hhmm(h.event_time ?? h.sk)}  ${String(h.config_item_type)} ${h.configuration_state} ${h.resource_type} ${h.resource_id}`);
    }
    if (history.length === 0) console.log('  (empty)');

    heading('Notifications (SNS)');
    for (const m of rec.published()) {
      const a = (k: string) => m.MessageAttributes[k]?.StringValue ?? '?';
      console.log(`  ${a('previous_status').padEnd(14)} → ${a('compliance_status').padEnd(14)} ${a('config_rule_name')} (${a('account')}/${a('region')})${m.Subject ? `  "${m.Subject}"` : ''}`);
    }
    if (rec.published().length === 0) console.log('  (none)');

    heading('Dead-letter queue (SQS)');
    for (const m of rec.sent()) {
      const source = m.MessageAttributes.source_message_id?.StringValue;
      const which = source ? `record ${indexOfMessageId(source) + 1}` : 'record ?';
      console.log(`  ${which}: ${m.MessageAttributes.reason?.StringValue ?? '(no reason attribute)'}`);
    }
    if (rec.sent().length === 0) console.log('  (empty)');

    // 6. Reconciliation against the aggregator's truth: the events' truth, plus one evaluation the events lost,
    // without one resource whose deletion event was lost.
    heading('Reconciliation: one pass against the aggregator (in-process fake)');
    const r = scenario.reconciliation;
    const gone = r.disappeared;
    type Evaluation = { account: string; region: string; resourceType: string; resourceId: string; configRuleName: string };
    const isGone = (e: Evaluation) => e.account === gone.account && e.region === gone.region
      && e.resourceType === gone.resourceType && e.resourceId === gone.resourceId && e.configRuleName === gone.configRuleName;
    const truth = new Map([...expectedComplianceState([...scenario.underlying, r.lost])].filter(([, e]) => !isGone(e)));
    step(`the aggregator reports ${truth.size} evaluations: it knows ${r.lost.detail.configRuleName} ${r.lost.detail.resourceId} (event lost), `
      + `and no longer ${gone.resourceType} ${gone.resourceId} (deleted, event lost)`);
    await runReconciliation({ dynamoDbEndpoint: db.endpoint, environment, snsEndpoint: rec.endpoint, truth: [...truth.values()], nowMs: r.runAtMs });
    heading('Compliance after the reconciliation');
    await printCompliance();

    // 7. The daily report.
    heading('Daily report (renderReportLocally)');
    step(`rendering over the final state into ${REPORT_DIR}/ …`);
    await renderReport(db.endpoint, environment, path.resolve(REPORT_DIR), new Date(r.runAtMs));

    // 8. Remediation outcomes: restricted-ssh's automatic remediation fails on one group, succeeds on another.
    heading(`Remediation outcomes: ${SSH_REMEDIATION_DOCUMENT} (restricted-ssh, ${enriched.account}) through the agent, then the master`);
    const remediation = buildRemediationScenario();
    step(`${remediation.deliveries.length} events (2 SSM Automation status changes, 3 evaluations), each through the forwarder bundle, then the handler`);
    const remediationRun = await runRemediationStep({
      agent: enriched, forwarderBundle, master: loaded, recording: rec, ddb, environment, scenario: remediation, firstIndex: deliveries.length,
    });
    logs.push(...remediationRun.logs);
    const remediationTruth = expectedComplianceState(remediation.underlying);

    // 9. Archive of expiring history: two history items' TTL removals through the archive bundle.
    heading('Archive of expiring history (ArchiveHistory bundle, S3 on the recording endpoint)');
    const archiveBundle = bundlePath('archive-history');
    const historyNow = ((await ddb.send(new ScanCommand({ TableName: environment.EVENTS_TABLE_NAME, ConsistentRead: true }))).Items ?? [])
      .map((i) => unmarshall(i)).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    // One compliance transition of each account: two partitions.
    const expiring = ['333333333333', '222222222222']
      .map((account) => historyNow.find((h) => h.account === account && String(h.sk).includes('#COMPLIANCE#')))
      .filter((h): h is Record<string, any> => h !== undefined);
    if (!fs.existsSync(archiveBundle)) {
      console.log(`  NOTE: ${path.relative(process.cwd(), archiveBundle)} is not built (npx projen bundle): skipped.`);
    } else {
      step(`TTL removals of ${expiring.length} history items, as DynamoDB Streams delivers them, one batch`);
      await runArchiveStep({
        template: master.template, bundle: archiveBundle, recording: rec, eventsTable: environment.EVENTS_TABLE_NAME, items: expiring,
      });
    }

    heading('Check against the expected state');
    const final = await readComplianceTable(ddb, environment.COMPLIANCE_TABLE_NAME);
    const expected = new Map([...truth, ...remediationTruth]);
    const verdict = compareState(final, expected);
    console.log(verdict.correct
      ? `  ✓ all ${verdict.expected} expected compliance items present with the right status, nothing extra `
        + '(agent-filtered events absent, the deleted volume stayed retired, the lost evaluation healed, the vanished role retired, '
        + 'the failed remediation left its group NON_COMPLIANT, the remediated group COMPLIANT)'
      : `  ✗ ${verdict.matched}/${verdict.expected} right, ${verdict.wrongStatus} wrong, ${verdict.missing} missing, ${verdict.extra} extra: ${JSON.stringify(verdict.examples)}`);
    const remediationOk = remediationRun.remediationFailedNotifications === 1 && remediationRun.remediatedNotifications === 1;
    console.log(`  ${remediationOk ? '✓' : '✗'} remediation notifications: ${remediationRun.remediationFailedNotifications} REMEDIATION_FAILED, `
      + `${remediationRun.remediatedNotifications} COMPLIANT transition with event_type REMEDIATED (expected 1 and 1)`);
    const metrics = sumEmfMetrics(logs);
    if (Object.keys(metrics).length) console.log(`  handler metrics (EMF): ${Object.entries(metrics).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    // npm test runs the demo: a wrong end state fails it, not only prints a cross.
    if (!verdict.correct || !remediationOk) throw new Error('the end state differs from the expected one (see ✗ above)');
  } finally {
    ddb.destroy();
    await local.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
