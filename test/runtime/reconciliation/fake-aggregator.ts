import {
  ConfigServiceClient,
  ConfigServiceServiceException,
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  type AggregateEvaluationResult,
  type ComplianceType,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';

/** One evaluation the aggregator holds: the truth the reconciliation must restore. */
export interface Truth {
  readonly account: string;
  readonly region: string;
  readonly rule: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly status: ComplianceType;
  readonly recordedAtMs: number;
  readonly annotation?: string;
}

/** `ThrottlingException` as the SDK deserializes it from Config's HTTP 400 answer. */
export function throttling(): ConfigServiceServiceException {
  return new ConfigServiceServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400, requestId: 'req-throttled' },
    message: 'Rate exceeded',
  });
}

/** An AggregateEvaluationResult shaped as GetAggregateComplianceDetailsByConfigRule returns it (aws-config-facts §G). */
export function evaluationResult(truth: Truth): AggregateEvaluationResult {
  return {
    AccountId: truth.account,
    AwsRegion: truth.region,
    ...(truth.annotation ? { Annotation: truth.annotation } : {}),
    ComplianceType: truth.status,
    ConfigRuleInvokedTime: new Date(truth.recordedAtMs - 2_000),
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: {
        ConfigRuleName: truth.rule,
        EvaluationMode: 'DETECTIVE',
        ResourceId: truth.resourceId,
        ResourceType: truth.resourceType,
      },
      OrderingTimestamp: new Date(truth.recordedAtMs - 10_000),
      ResourceEvaluationId: undefined,
    },
    ResultRecordedTime: new Date(truth.recordedAtMs),
  };
}

export interface FakeAggregatorOptions {
  /** Triples per DescribeAggregateComplianceByConfigRules page; an empty array is an empty page with a NextToken. */
  readonly describePages: (readonly [account: string, region: string, rule: string])[][];
  /** Throttling errors to answer, by call: key `describe#<n>` or `details#<account>|<region>|<rule>#<token>`. */
  readonly throttle?: Record<string, number>;
  /** Empty details pages (with a NextToken) to insert before the results of these triples. */
  readonly emptyDetailsFirst?: string[];
}

/**
 * The two aggregator APIs answering from `truth`, page by page as the real service does (limits honoured, empty
 * pages that still carry a NextToken, throttling on chosen calls), with a log of every call.
 */
export function fakeAggregator(truth: () => Truth[], options: FakeAggregatorOptions) {
  const config = mockClient(ConfigServiceClient);
  const calls: string[] = [];
  const throttles = { ...options.throttle };
  const maybeThrottle = (key: string) => {
    calls.push(key);
    if ((throttles[key] ?? 0) > 0) {
      throttles[key]--;
      throw throttling();
    }
  };

  config.on(DescribeAggregateComplianceByConfigRulesCommand).callsFake((input) => {
    const page = input.NextToken ? Number(/^describe-(\d+)$/.exec(input.NextToken)![1]) : 0;
    maybeThrottle(`describe#${page}`);
    if (input.Limit! > 1000) throw new Error(`Limit ${input.Limit} above the API maximum`);
    const triples = options.describePages[page];
    return {
      AggregateComplianceByConfigRules: triples.map(([account, region, rule]) => ({
        AccountId: account,
        AwsRegion: region,
        ConfigRuleName: rule,
        Compliance: {
          ComplianceType: truth().some((t) => t.account === account && t.region === region && t.rule === rule && t.status === 'NON_COMPLIANT') ? 'NON_COMPLIANT' : 'COMPLIANT',
          ComplianceContributorCount: { CappedCount: 1, CapExceeded: false },
        },
      })),
      ...(page + 1 < options.describePages.length ? { NextToken: `describe-${page + 1}` } : {}),
    };
  });

  config.on(GetAggregateComplianceDetailsByConfigRuleCommand).callsFake((input) => {
    const triple = `${input.AccountId}|${input.AwsRegion}|${input.ConfigRuleName}`;
    maybeThrottle(`details#${triple}#${input.NextToken ?? ''}`);
    if (!input.AccountId || !input.AwsRegion) throw new Error('AccountId and AwsRegion are required');
    const limit = input.Limit ?? 50;
    if (limit > 100) throw new Error(`Limit ${limit} above the API maximum`);
    const results = truth().filter((t) => `${t.account}|${t.region}|${t.rule}` === triple);
    const emptyFirst = options.emptyDetailsFirst?.includes(triple) ?? false;
    if (emptyFirst && !input.NextToken) return { AggregateEvaluationResults: [], NextToken: 'details-0' };
    const offset = input.NextToken ? Number(/^details-(\d+)$/.exec(input.NextToken)![1]) : 0;
    const page = results.slice(offset, offset + limit);
    return {
      AggregateEvaluationResults: page.map(evaluationResult),
      ...(offset + limit < results.length ? { NextToken: `details-${offset + limit}` } : {}),
    };
  });

  return { config, calls };
}
