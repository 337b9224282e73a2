/**
 * The demo's remediation step: SSM Automation status changes of restricted-ssh's automatic remediation (and the
 * evaluations around them) through the enriching agent's shipped forwarder bundle, then through the master's
 * HandleConfigEvents bundle, one delivery per invocation so each is applied before the next arrives. Prints
 * the execution history, the link on each compliance item and the notifications the master sent.
 *
 * Why through the forwarder: the SSM event names the document and the execution only; the agent adds the rule and
 * resource type (from its remediation configurations), which is what lets the master find the item acted on.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AgentStackSummary } from './agent-stacks';
import { invoke, LoadedHandler, toSqsRecord } from './lambda-runner';
import { asDeliveredEvent, runEnrichedAgent } from './local-agent';
import { RecordingEndpoint } from './recording-endpoint';
import { resourceKey, ruleSortKey } from '../../src/runtime/store/keys';
import type { RemediationScenario, Subject } from '../scenario';

export interface RemediationStep {
  readonly agent: AgentStackSummary;
  readonly forwarderBundle: string;
  readonly master: LoadedHandler;
  readonly recording: RecordingEndpoint;
  readonly ddb: DynamoDBClient;
  readonly environment: Record<string, string>;
  readonly scenario: RemediationScenario;
  /** The first SQS message index to use (after the replay's), so message ids stay distinct. */
  readonly firstIndex: number;
}

export interface RemediationStepResult {
  /** The master's log lines (EMF included). */
  readonly logs: string[];
  readonly remediationFailedNotifications: number;
  readonly remediatedNotifications: number;
}

const time = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(11, 19) : '-');

export async function runRemediationStep(step: RemediationStep): Promise<RemediationStepResult> {
  const { scenario, recording: rec } = step;
  const agentRun = await runEnrichedAgent(step.agent, step.forwarderBundle, scenario.deliveries.map((d) => d.body));
  await agentRun.recording.close();
  const logs: string[] = [];
  const publishedBefore = rec.published().length;
  for (const [n, d] of scenario.deliveries.entries()) {
    const id = (d.body as { id: string }).id;
    const entry = agentRun.forwarded.get(id);
    const fate = agentRun.outcomes.find((o) => o.eventId === id)?.fate ?? '?';
    if (!entry) {
      console.log(`    ${n + 1}. ${d.note}: the agent did not forward it (${fate})`);
      continue;
    }
    const hints = (JSON.parse(entry.Detail) as { enrichment?: { remediation?: unknown } }).enrichment?.remediation;
    const record = toSqsRecord(asDeliveredEvent(entry, step.agent.account), step.firstIndex + n, 1);
    const r = await invoke(step.master, { Records: [record] }, { captureLogs: true });
    logs.push(...r.logs);
    const outcome = r.error ? `the handler threw: ${r.error.message}` : r.failedMessageIds.length ? 'failed' : 'applied';
    console.log(`    ${n + 1}. ${d.note}: agent ${fate}${hints ? ` (hints ${JSON.stringify(hints)})` : ''}; master ${outcome}`);
  }

  console.log('  execution history (EventsTable, config_item_type RemediationExecution):');
  const history = ((await step.ddb.send(new ScanCommand({ TableName: step.environment.EVENTS_TABLE_NAME, ConsistentRead: true }))).Items ?? [])
    .map((i) => unmarshall(i)).filter((h) => h.config_item_type === 'RemediationExecution').sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  for (const h of history) {
    console.log(`    ${String(h.event_time).slice(11, 19)}  ${h.remediation_status.padEnd(8)} ${h.document} execution ${h.execution_id} `
      + `on ${h.resource_type} ${h.resource_id} (${h.config_rule_name ?? 'no rule'})${h.failure_message ? `: ${h.failure_message}` : ''}`);
  }
  if (history.length === 0) console.log('    (none)');

  console.log('  links on the compliance items (attribute remediation):');
  const itemOf = async (s: Subject) => (await step.ddb.send(new GetItemCommand({
    TableName: step.environment.COMPLIANCE_TABLE_NAME,
    Key: marshall({ pk: resourceKey({ account: s.account, region: s.region, resourceType: s.type, resourceId: s.id }), sk: ruleSortKey(s.rule) }),
    ConsistentRead: true,
  }))).Item;
  for (const s of [scenario.failing, scenario.remediated]) {
    const raw = await itemOf(s);
    const item = raw ? unmarshall(raw) : undefined;
    const link = item?.remediation as Record<string, unknown> | undefined;
    console.log(`    ${s.id} ${item?.compliance_status ?? '(no item)'}: ${link
      ? `execution ${link.execution_id} ${link.status} (${link.outcome}), started ${time(link.started_at_ms)}, ${link.link}`
        + `${link.candidates !== undefined ? ` among ${link.candidates} candidate(s)` : ''}${link.resolved_at_ms !== undefined ? `, resolved at ${time(link.resolved_at_ms)}` : ', unresolved'}`
      : '(no remediation link)'}`);
  }

  console.log('  notifications (SNS):');
  const sent = rec.published().slice(publishedBefore);
  const attr = (m: (typeof sent)[number], k: string) => m.MessageAttributes[k]?.StringValue;
  for (const m of sent) {
    console.log(`    event_type ${attr(m, 'event_type') ?? '(none)'}  ${attr(m, 'previous_status') ? `${attr(m, 'previous_status')} → ${attr(m, 'compliance_status')}  ` : ''}`
      + `${m.Subject ? `"${m.Subject}"` : ''}`);
  }
  if (sent.length === 0) console.log('    (none)');
  return {
    logs,
    remediationFailedNotifications: sent.filter((m) => attr(m, 'event_type') === 'REMEDIATION_FAILED').length,
    remediatedNotifications: sent.filter((m) => attr(m, 'event_type') === 'REMEDIATED' && attr(m, 'compliance_status') === 'COMPLIANT').length,
  };
}
