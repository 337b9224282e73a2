/**
 * The reconciliation, locally: the reconcile core (src/runtime/reconciliation/reconcile.ts) run against
 * the demo's dynalite tables, with the write path the event handler uses, and an in-process aggregator
 * answering DescribeAggregateComplianceByConfigRules and GetAggregateComplianceDetailsByConfigRule from
 * a list of evaluations (shaped as the real APIs answer, one page each).
 *
 * Why the core and not the bundle: the aggregator has no local server, and the bundle's Config client
 * cannot be pointed at an in-process fake; the core is the code the bundle runs, minus the wiring.
 */
import {
  ConfigServiceClient,
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  type AggregateEvaluationResult,
} from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import type { ExpectedCompliance } from '../../bench/workload';
import { Logger } from '../../src/runtime/observability/logger';
import { CLOCK_SKEW_MS, NOTIFICATION_LEASE_MS } from '../../src/runtime/pipeline/write-context';
import { AggregatorReader } from '../../src/runtime/reconciliation/aggregator-reader';
import { BaselineNotifier } from '../../src/runtime/reconciliation/baseline-notifier';
import { reconcile, type ReconciliationRun } from '../../src/runtime/reconciliation/reconcile';
import { ReconciliationStateStore } from '../../src/runtime/reconciliation/reconciliation-state';
import { ConfigComplianceRepository } from '../../src/runtime/store/config-compliance-repository';
import { EvaluationLog } from '../../src/runtime/store/evaluation-log';
import { HistoryRepository } from '../../src/runtime/store/history-repository';

/** One evaluation as the aggregator holds it. */
export type AggregatorEvaluation = Pick<ExpectedCompliance, 'account' | 'region' | 'resourceType' | 'resourceId' | 'configRuleName' | 'complianceStatus' | 'resultRecordedMs'>;

/** A Config client whose two aggregator calls answer from `truth`; any other call fails. */
export function inProcessAggregator(truth: readonly AggregatorEvaluation[]): ConfigServiceClient {
  const result = (t: AggregatorEvaluation): AggregateEvaluationResult => ({
    AccountId: t.account,
    AwsRegion: t.region,
    ComplianceType: t.complianceStatus as AggregateEvaluationResult['ComplianceType'],
    ConfigRuleInvokedTime: new Date(t.resultRecordedMs - 480),
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: { ConfigRuleName: t.configRuleName, EvaluationMode: 'DETECTIVE', ResourceId: t.resourceId, ResourceType: t.resourceType },
      OrderingTimestamp: new Date(t.resultRecordedMs - 1_200),
    },
    ResultRecordedTime: new Date(t.resultRecordedMs),
  });
  const send = async (command: unknown) => {
    if (command instanceof DescribeAggregateComplianceByConfigRulesCommand) {
      const triples = [...new Set(truth.map((t) => `${t.account}|${t.region}|${t.configRuleName}`))].sort();
      return {
        AggregateComplianceByConfigRules: triples.map((k) => {
          const [account, region, rule] = k.split('|');
          const nonCompliant = truth.some((t) => t.account === account && t.region === region && t.configRuleName === rule && t.complianceStatus === 'NON_COMPLIANT');
          return { AccountId: account, AwsRegion: region, ConfigRuleName: rule, Compliance: { ComplianceType: nonCompliant ? 'NON_COMPLIANT' : 'COMPLIANT' } };
        }),
      };
    }
    if (command instanceof GetAggregateComplianceDetailsByConfigRuleCommand) {
      const i = command.input;
      return {
        AggregateEvaluationResults: truth
          .filter((t) => t.account === i.AccountId && t.region === i.AwsRegion && t.configRuleName === i.ConfigRuleName)
          .map(result),
      };
    }
    throw new Error(`the in-process aggregator does not answer ${(command as object)?.constructor?.name}`);
  };
  return { send } as unknown as ConfigServiceClient;
}

export interface LocalReconciliationOptions {
  /** The dynalite endpoint holding the master's tables. */
  readonly dynamoDbEndpoint: string;
  readonly complianceTable: string;
  readonly eventsTable: string;
  readonly historyRetentionDays: number;
  /** The SNS endpoint (the recording endpoint) and topic transitions are published to. */
  readonly snsEndpoint: string;
  readonly topicArn: string;
  readonly truth: readonly AggregatorEvaluation[];
  /** The pass's clock. */
  readonly nowMs: number;
}

/** One complete pass (the first: a baseline, whose transitions are stored but not notified). */
export async function reconcileLocally(options: LocalReconciliationOptions): Promise<ReconciliationRun & { logLines: string[] }> {
  const dynamo = new DynamoDBClient({ endpoint: options.dynamoDbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const documentClient = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const sns = new SNSClient({ endpoint: options.snsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const notifier = new BaselineNotifier(sns, options.topicArn);
  const logLines: string[] = [];
  const now = () => options.nowMs;
  const deadlineMs = options.nowMs + 10 * 60_000;
  try {
    const run = await reconcile({
      reader: new AggregatorReader(inProcessAggregator(options.truth), 'org-aggregator', {
        baseMs: 100, capMs: 2_000, maxAttempts: 3, random: Math.random, now, deadlineMs: () => deadlineMs, sleep: async () => undefined,
      }),
      state: new ReconciliationStateStore(documentClient, options.complianceTable),
      context: {
        compliance: new ConfigComplianceRepository(documentClient, options.complianceTable),
        history: new HistoryRepository(documentClient, options.eventsTable),
        evaluations: new EvaluationLog(documentClient, options.eventsTable),
        notifier,
        historyRetentionDays: options.historyRetentionDays,
        clockSkewMs: CLOCK_SKEW_MS,
        notificationLeaseMs: NOTIFICATION_LEASE_MS,
        now: () => new Date(options.nowMs),
      },
      documentClient,
      complianceTableName: options.complianceTable,
      logger: new Logger('DEBUG', (line) => logLines.push(line)),
      now,
      deadlineMs,
      leaseMs: 15 * 60_000,
      intervalMs: 6 * 3_600_000,
      retirementGraceMs: 3 * 3_600_000,
      checkpointEveryMs: 60_000,
      onBaseline: (baseline) => { notifier.baseline = baseline; },
    });
    return { ...run, logLines };
  } finally {
    sns.destroy();
    dynamo.destroy();
  }
}
