// dynalite ships no types; the reference makes its declaration visible to every project importing this file.
/// <reference path="./dynalite.d.ts" />
/**
 * A local DynamoDB (dynalite, in-process) whose tables are created from a synthesized CloudFormation
 * template, so the demo and the benchmark run the handler against exactly the keys, indexes and
 * projections the constructs deploy, not a hand-copied imitation that drifts.
 */
import { CreateTableCommand, CreateTableCommandInput, DynamoDBClient, Projection } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { closeServer, listenOnLoopback } from './loopback-server';

/** A CloudFormation template as parsed JSON. */
export interface CfnTemplate {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, any> }>;
}

/** What a caller needs to know about one table created from the template. */
export interface LocalTable {
  readonly logicalId: string;
  readonly tableName: string;
  readonly cfnType: 'AWS::DynamoDB::GlobalTable' | 'AWS::DynamoDB::Table';
  /** The TTL attribute, when the template enables TimeToLiveSpecification. dynalite has no TTL: callers filter expired items themselves. */
  readonly ttlAttribute?: string;
  readonly input: CreateTableCommandInput;
}

export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`: pass it as `endpoint` or as `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint: string;
  /** Logical id → table name. */
  readonly tables: Map<string, string>;
  /** Full details per logical id (key schema, indexes, TTL attribute). */
  readonly details: Map<string, LocalTable>;
  /** A client for the local server (dummy credentials). */
  client(): DynamoDBClient;
  close(): Promise<void>;
}

const TABLE_TYPES = new Set(['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table']);

/**
 * A table name dynalite accepts: [a-zA-Z0-9_.-], 3 to 255 characters. TableV2 usually leaves
 * TableName to CloudFormation, and a name given as a token (Ref, Fn::Join) cannot be resolved here,
 * so those tables are named after their logical id, which is stable across synths.
 */
function localTableName(logicalId: string, declared: unknown): string {
  const name = typeof declared === 'string' ? declared : logicalId;
  const safe = name.replace(/[^a-zA-Z0-9_.-]/g, '_');
  return safe.length >= 3 ? safe.slice(0, 255) : `${safe}___`.slice(0, 3);
}

function projectionOf(p: any): Projection {
  // CloudFormation's default projection is KEYS_ONLY when ProjectionType is omitted.
  const type = p?.ProjectionType ?? 'KEYS_ONLY';
  return type === 'INCLUDE' ? { ProjectionType: type, NonKeyAttributes: p.NonKeyAttributes } : { ProjectionType: type };
}

/**
 * Turn one AWS::DynamoDB::Table or AWS::DynamoDB::GlobalTable resource into CreateTable input.
 * Only what shapes reads and writes is kept: keys, attribute definitions, indexes and their
 * projections, billing mode. Streams, encryption, replicas and PITR have no local meaning.
 */
export function createTableInput(logicalId: string, type: string, props: Record<string, any>): LocalTable {
  const tableName = localTableName(logicalId, props.TableName);
  const onDemand = props.BillingMode === undefined
    // TableV2 (GlobalTable) defaults to on-demand; Table defaults to provisioned.
    ? type === 'AWS::DynamoDB::GlobalTable'
    : props.BillingMode === 'PAY_PER_REQUEST';
  // Provisioned figures are irrelevant locally (dynalite does not throttle), but CreateTable demands them.
  const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

  const gsis = (props.GlobalSecondaryIndexes ?? []).map((g: any) => ({
    IndexName: g.IndexName,
    KeySchema: g.KeySchema,
    Projection: projectionOf(g.Projection),
    ...(onDemand ? {} : { ProvisionedThroughput: throughput }),
  }));
  const lsis = (props.LocalSecondaryIndexes ?? []).map((l: any) => ({
    IndexName: l.IndexName,
    KeySchema: l.KeySchema,
    Projection: projectionOf(l.Projection),
  }));

  const input: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    ...(gsis.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis.length ? { LocalSecondaryIndexes: lsis } : {}),
    ...(onDemand ? { BillingMode: 'PAY_PER_REQUEST' } : { BillingMode: 'PROVISIONED', ProvisionedThroughput: throughput }),
  };
  const ttl = props.TimeToLiveSpecification;
  const ttlAttribute = ttl && ttl.Enabled !== false && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined;
  return { logicalId, tableName, cfnType: type as LocalTable['cfnType'], ttlAttribute, input };
}

/** Every DynamoDB table the template declares, as CreateTable input. */
export function tablesInTemplate(template: CfnTemplate): LocalTable[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => TABLE_TYPES.has(r.Type))
    .map(([id, r]) => createTableInput(id, r.Type, r.Properties ?? {}));
}

/**
 * Start dynalite on 127.0.0.1 (a free port) and create every table the template declares. Two tables
 * that would get the same local name fail loudly, never share one.
 */
export async function startDynamoDbFromTemplate(template: CfnTemplate): Promise<LocalDynamoDb> {
  // Zero delays: tables are ACTIVE as soon as CreateTable returns, so no waiter is needed.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listenOnLoopback(server);
  const client = () => new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  const tables = new Map<string, string>();
  const details = new Map<string, LocalTable>();
  const ddb = client();
  try {
    for (const t of tablesInTemplate(template)) {
      const clash = [...details.values()].find((d) => d.tableName === t.tableName);
      if (clash) throw new Error(`tables ${clash.logicalId} and ${t.logicalId} would both be named ${t.tableName} locally`);
      await ddb.send(new CreateTableCommand(t.input));
      tables.set(t.logicalId, t.tableName);
      details.set(t.logicalId, t);
    }
  } catch (e) {
    await closeServer(server);
    throw e;
  } finally {
    ddb.destroy();
  }

  return {
    endpoint,
    tables,
    details,
    client,
    close: () => closeServer(server),
  };
}
