import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { masterTableSpecs } from './master-tables';
import { Logger } from '../../src/runtime/observability/logger';
import { DeadLetterQueue } from '../../src/runtime/pipeline/dead-letter';
import type { BatchDependencies } from '../../src/runtime/pipeline/process-batch';
import { TransitionNotifier } from '../../src/runtime/pipeline/transition-notifier';
import { CLOCK_SKEW_MS, NOTIFICATION_LEASE_MS, type WriteContext } from '../../src/runtime/pipeline/write-context';
import { ConfigComplianceRepository } from '../../src/runtime/store/config-compliance-repository';
import { EvaluationLog } from '../../src/runtime/store/evaluation-log';
import { HistoryRepository } from '../../src/runtime/store/history-repository';

export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111111111111:compliance-transitions';
export const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/config-events-dlq';

/**
 * The write path wired to fresh tables in dynalite, with SNS and SQS mocked (no local server exists for them)
 * answering as the real services do.
 */
export async function writePathHarness(db: LocalDynamoDb) {
  const tables = await db.createTables();
  const sns = mockClient(SNSClient);
  const sqs = mockClient(SQSClient);
  sns.on(PublishCommand).callsFake(() => ({ MessageId: `msg-${sns.commandCalls(PublishCommand).length}` }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1', MD5OfMessageBody: 'ignored' });
  const context: WriteContext = {
    compliance: new ConfigComplianceRepository(db.documentClient, tables.complianceTable),
    history: new HistoryRepository(db.documentClient, tables.eventsTable),
    evaluations: new EvaluationLog(db.documentClient, tables.eventsTable),
    notifier: new TransitionNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC_ARN),
    refusedNotifications: new DeadLetterQueue(new SQSClient({ region: 'eu-west-1' }), DLQ_URL),
    historyRetentionDays: 30,
    clockSkewMs: CLOCK_SKEW_MS,
    notificationLeaseMs: NOTIFICATION_LEASE_MS,
    now: () => new Date('2026-11-26T12:00:00Z'),
  };
  const logLines: string[] = [];
  const dependencies: BatchDependencies = {
    context,
    deadLetters: new DeadLetterQueue(new SQSClient({ region: 'eu-west-1' }), DLQ_URL),
    logger: new Logger('DEBUG', (line) => logLines.push(line)),
  };
  return {
    tables,
    sns,
    sqs,
    context,
    dependencies,
    logLines,
    notifications: () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input),
    deadLettered: () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input),
    complianceItems: async () => (await db.documentClient.send(new ScanCommand({ TableName: tables.complianceTable }))).Items ?? [],
    /** Every record of the events table: the evaluation log, configuration changes, remediation records. */
    history: async () => (await db.documentClient.send(new ScanCommand({ TableName: tables.eventsTable }))).Items ?? [],
    /** The history as its readers show it: evaluations that changed nothing left out. */
    auditHistory: async () => ((await db.documentClient.send(new ScanCommand({ TableName: tables.eventsTable }))).Items ?? [])
      .filter((record) => record.config_item_type !== 'ComplianceEvaluation'),
    byStatusIndex: async (shardKey: string) => (await db.documentClient.send(new QueryCommand({
      TableName: tables.complianceTable,
      IndexName: 'ConfigCompliance-Index',
      KeyConditionExpression: 'status_shard = :s',
      ExpressionAttributeValues: { ':s': shardKey },
    }))).Items ?? [],
    restore: () => { sns.restore(); sqs.restore(); },
  };
}

/**
 * A test file's local DynamoDB (the master's tables, from the synthesized template) and a fresh write-path harness
 * per test: `suite.db` and `suite.harness` inside the tests.
 */
export function writePathSuite() {
  let db: LocalDynamoDb | undefined;
  let harness: Awaited<ReturnType<typeof writePathHarness>> | undefined;
  beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
  afterAll(async () => db?.close());
  beforeEach(async () => { harness = await writePathHarness(db!); });
  afterEach(() => harness?.restore());
  return {
    get db(): LocalDynamoDb { return db!; },
    get harness(): Awaited<ReturnType<typeof writePathHarness>> { return harness!; },
  };
}
