/**
 * A naive design, rebuilt here as the benchmark's baseline.
 *
 * What the naive design does (and the pipeline replaces): one Lambda invocation per event; the full event
 * `PutItem`-ed into a compliance table under a single partition key `CONFIG_COMPLIANCE`
 * (sort key `<resource_id>#<config_rule_name>`) with a GSI hashed on `compliance_status` alone,
 * projecting ALL; the full event `PutItem`-ed into an events table; an SNS message for every
 * NON_COMPLIANT compliance event. No conditions, so duplicates are re-written and re-notified, a stale
 * evaluation delivered late overwrites a newer one, and deleted resources keep their compliance items.
 *
 * Write units are counted as DynamoDB bills them: dynalite's reported table units (cross-checked)
 * plus the index writes it does not report, computed by bench/billing.ts from the item's old image
 * (`ReturnValues: ALL_OLD`) and new image.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import { billedWriteUnits, Item, TableSpec, WriteLedger } from './billing';
import { compareState, readComplianceTable, StateComparison } from './compare-state';
import { countDuplicateNotifications } from './notification-duplicates';
import { COMPLIANCE_CHANGE, ConfigEvent, generateWorkload, Workload } from './workload';
import { CfnTemplate, startDynamoDbFromTemplate } from '../demo/local/dynamodb-from-template';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../demo/local/local-aws';
import { startRecordingEndpoint } from '../demo/local/recording-endpoint';

/** The naive design's tables, as the CloudFormation its stack would have synthesized. */
export const SEED_TEMPLATE: CfnTemplate = {
  Resources: {
    ConfigComplianceTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: 'ConfigCompliance',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'compliance_status', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [{
          IndexName: 'ConfigCompliance-Index',
          KeySchema: [{ AttributeName: 'compliance_status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        }],
      },
    },
    ConfigEventsTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: 'ConfigEvents',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      },
    },
  },
};

const COMPLIANCE_SPEC: TableSpec = {
  keyAttributes: ['pk', 'sk'],
  indexes: [{ name: 'ConfigCompliance-Index', keyAttributes: ['compliance_status'], projection: 'ALL' }],
};
const EVENTS_SPEC: TableSpec = { keyAttributes: ['pk', 'sk'], indexes: [] };

export interface BaselineResult {
  readonly invocations: number;
  readonly writes: ReturnType<WriteLedger['toJSON']>;
  readonly notifications: number;
  /** Messages about an evaluation already notified. */
  readonly duplicateNotifications: number;
  readonly wallMs: number;
  /** Sum of per-invocation handler time here (not Lambda's billed duration). */
  readonly busyMs: number;
  readonly state: StateComparison;
}

export interface BaselineOptions {
  /** Invocations in flight at once (Lambda would run one per event, concurrently). @default 8 */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** How often to call onProgress, in events. @default 2000 */
  readonly progressEvery?: number;
  /** Called before the tables go away (to measure what they hold): a client of the local DynamoDB, logical id → table name. */
  readonly inspect?: (client: DynamoDBClient, tables: Map<string, string>) => Promise<void>;
}

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:ConfigComplianceNotifications';

function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** The naive design's items for one event. */
export function seedItems(event: ConfigEvent): { compliance?: Record<string, unknown>; history: Record<string, unknown> } {
  const d = event.detail;
  if (event['detail-type'] === COMPLIANCE_CHANGE) {
    const n = d.newEvaluationResult;
    const compliance = {
      pk: 'CONFIG_COMPLIANCE',
      sk: `${d.resourceId}#${d.configRuleName}`,
      account: d.awsAccountId,
      region: d.awsRegion,
      resource_id: d.resourceId,
      resource_type: d.resourceType,
      config_rule_name: d.configRuleName,
      compliance_status: n.complianceType,
      last_evaluated: epochSeconds(n.resultRecordedTime),
      compliance_details: JSON.stringify({
        annotation: n.annotation ?? null, config_rule_arn: d.configRuleARN, result_recorded_time: n.resultRecordedTime,
      }),
      event,
    };
    const history = {
      pk: d.resourceId,
      sk: `${event.time}#${event.id}`,
      config_item_type: event['detail-type'],
      compliance_status: n.complianceType,
      resource_id: d.resourceId,
      config_rule_name: d.configRuleName,
      event,
    };
    return { compliance, history };
  }
  const ci = d.configurationItem ?? d.configurationItemSummary ?? {};
  return {
    history: {
      pk: ci.resourceId,
      sk: `${event.time}#${event.id}`,
      config_item_type: event['detail-type'],
      configuration_state: ci.configurationItemStatus,
      resource_id: ci.resourceId,
      event,
    },
  };
}

/** Run every delivery of the workload through the naive design against a fresh dynalite. */
export async function runBaseline(workload: Workload, options: BaselineOptions = {}): Promise<BaselineResult> {
  const db = await startDynamoDbFromTemplate(SEED_TEMPLATE);
  const rec = await startRecordingEndpoint();
  const ddb = db.client();
  const sns = new SNSClient({ endpoint: rec.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const complianceTable = db.tables.get('ConfigComplianceTable')!;
  const eventsTable = db.tables.get('ConfigEventsTable')!;
  const ledger = new WriteLedger();
  const deliveries = workload.deliveries;
  let busyNs = 0n;

  const put = async (client: DynamoDBClient, table: string, spec: TableSpec, item: Record<string, unknown>) => {
    const wire = marshall(item, { removeUndefinedValues: true }) as Item;
    const res = await client.send(new PutItemCommand({ TableName: table, Item: wire as any, ReturnValues: 'ALL_OLD', ReturnConsumedCapacity: 'INDEXES' }));
    ledger.add(table, billedWriteUnits(spec, res.Attributes as Item | undefined, wire));
    ledger.reportedTableUnits += res.ConsumedCapacity?.Table?.CapacityUnits ?? res.ConsumedCapacity?.CapacityUnits ?? 0;
  };

  // One "invocation": the naive handler body for one event.
  const invoke = async (event: ConfigEvent) => {
    const t0 = process.hrtime.bigint();
    const { compliance, history } = seedItems(event);
    if (compliance) await put(ddb, complianceTable, COMPLIANCE_SPEC, compliance);
    await put(ddb, eventsTable, EVENTS_SPEC, history);
    if (compliance?.compliance_status === 'NON_COMPLIANT') {
      await sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Subject: `${compliance.resource_id} is NON_COMPLIANT`, Message: JSON.stringify(event) }));
    }
    busyNs += process.hrtime.bigint() - t0;
  };

  const started = Date.now();
  let next = 0;
  let done = 0;
  const every = options.progressEvery ?? 2000;
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, async () => {
      while (next < deliveries.length) {
        await invoke(deliveries[next++]);
        done += 1;
        if (done % every === 0) options.onProgress?.(done, deliveries.length);
      }
    }));
    const wallMs = Date.now() - started;
    const actual = await readComplianceTable(ddb, complianceTable);
    await options.inspect?.(ddb, db.tables);
    return {
      invocations: deliveries.length,
      writes: ledger.toJSON(),
      notifications: rec.published().length,
      duplicateNotifications: countDuplicateNotifications(rec.published()),
      wallMs,
      busyMs: Number(busyNs) / 1e6,
      state: compareState(actual, workload.expected),
    };
  } finally {
    ddb.destroy();
    sns.destroy();
    await rec.close();
    await db.close();
  }
}

// Run alone: npx ts-node --transpile-only --project test/tsconfig.json bench/baseline.ts [count]
if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  void (async () => {
    const w = generateWorkload({ count: Number(process.argv[2] ?? 2_000) });
    const r = await runBaseline(w, { onProgress: (d, t) => console.log(`  baseline ${d}/${t}`) });
    console.log(JSON.stringify({ workload: w.stats, baseline: r }, null, 2));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
