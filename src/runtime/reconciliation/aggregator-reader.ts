import {
  ConfigServiceClient,
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  type AggregateEvaluationResult,
} from '@aws-sdk/client-config-service';
import { withBackoff, type BackoffOptions } from './backoff';
import { isComplianceStatus, type ComplianceResult } from '../models/compliance-result';

/** The API maxima (AWS Config API reference): fewer, fuller pages mean fewer throttled calls. */
export const DESCRIBE_PAGE_LIMIT = 1000;
export const DETAILS_PAGE_LIMIT = 100;

/** One (account, region, rule) with compliance results in the aggregator. */
export interface RuleScope {
  readonly account: string;
  readonly region: string;
  readonly configRuleName: string;
}

export function ruleScopeKey(rule: RuleScope): string {
  return `${rule.account}|${rule.region}|${rule.configRuleName}`;
}

export interface RulePage {
  readonly rules: RuleScope[];
  readonly nextToken?: string;
}

export interface EvaluationPage {
  readonly results: ComplianceResult[];
  /** Results that lack a field the compliance item needs. */
  readonly invalid: number;
  readonly nextToken?: string;
}

/**
 * Single pages of the two aggregator APIs, each call retried with full-jitter backoff on throttling.
 * Paging (and the resumable position) is the caller's: see reconcile.ts.
 */
export class AggregatorReader {
  /** Calls that were throttled and retried, for the invocation's metrics. */
  throttled = 0;

  constructor(
    private readonly client: ConfigServiceClient,
    private readonly aggregatorName: string,
    private readonly backoff: BackoffOptions,
  ) {}

  /**
   * One page of DescribeAggregateComplianceByConfigRules. A page may be empty and still carry a NextToken
   * ("the results can return an empty result page, but if you have a nextToken, the results are displayed on the
   * next page"): the caller keeps paging while a token is present.
   */
  async describeRules(nextToken?: string): Promise<RulePage> {
    const page = await this.call(() => this.client.send(new DescribeAggregateComplianceByConfigRulesCommand({
      ConfigurationAggregatorName: this.aggregatorName,
      Limit: DESCRIBE_PAGE_LIMIT,
      NextToken: nextToken,
    })));
    const rules: RuleScope[] = [];
    const seen = new Set<string>();
    for (const entry of page.AggregateComplianceByConfigRules ?? []) {
      if (!entry.AccountId || !entry.AwsRegion || !entry.ConfigRuleName) continue;
      const rule = { account: entry.AccountId, region: entry.AwsRegion, configRuleName: entry.ConfigRuleName };
      // Defensive: a triple listed twice in one page is read once (its details call returns all its results).
      if (seen.has(ruleScopeKey(rule))) continue;
      seen.add(ruleScopeKey(rule));
      rules.push(rule);
    }
    return { rules, nextToken: nextPageToken(nextToken, page.NextToken) };
  }

  /** One page (at most 100 results) of GetAggregateComplianceDetailsByConfigRule for one account and region. */
  async evaluations(rule: RuleScope, nextToken?: string): Promise<EvaluationPage> {
    const page = await this.call(() => this.client.send(new GetAggregateComplianceDetailsByConfigRuleCommand({
      ConfigurationAggregatorName: this.aggregatorName,
      ConfigRuleName: rule.configRuleName,
      AccountId: rule.account,
      AwsRegion: rule.region,
      Limit: DETAILS_PAGE_LIMIT,
      NextToken: nextToken,
    })));
    const results: ComplianceResult[] = [];
    let invalid = 0;
    for (const entry of page.AggregateEvaluationResults ?? []) {
      const result = toComplianceResult(entry, rule);
      if (result) results.push(result);
      else invalid++;
    }
    return { results, invalid, nextToken: nextPageToken(nextToken, page.NextToken) };
  }

  private call<T>(send: () => Promise<T>): Promise<T> {
    return withBackoff(send, this.backoff, () => { this.throttled++; });
  }
}

/** A token equal to the one just used would page forever: treat it as the end (never seen, but cheap to rule out). */
function nextPageToken(used: string | undefined, next: string | undefined): string | undefined {
  return next && next !== used ? next : undefined;
}

/**
 * An aggregator evaluation as the write path's model. The newest-wins key is the same as the event path's
 * (resultRecordedTime, else orderingTimestamp, else configRuleInvokedTime), so an evaluation already delivered by
 * an event compares equal and changes nothing.
 */
export function toComplianceResult(entry: AggregateEvaluationResult, rule: RuleScope): ComplianceResult | undefined {
  const qualifier = entry.EvaluationResultIdentifier?.EvaluationResultQualifier;
  const ordering = entry.EvaluationResultIdentifier?.OrderingTimestamp;
  const evaluatedAt = entry.ResultRecordedTime ?? ordering ?? entry.ConfigRuleInvokedTime;
  if (!qualifier?.ResourceType || !qualifier.ResourceId || !isComplianceStatus(entry.ComplianceType) || !validDate(evaluatedAt)) return undefined;
  return {
    account: entry.AccountId ?? rule.account,
    region: entry.AwsRegion ?? rule.region,
    resourceType: qualifier.ResourceType,
    resourceId: qualifier.ResourceId,
    configRuleName: qualifier.ConfigRuleName ?? rule.configRuleName,
    complianceStatus: entry.ComplianceType,
    evaluatedAtMs: evaluatedAt.getTime(),
    annotation: entry.Annotation,
    resultRecordedTime: isoOrUndefined(entry.ResultRecordedTime),
    configRuleInvokedTime: isoOrUndefined(entry.ConfigRuleInvokedTime),
    orderingTimestamp: isoOrUndefined(ordering),
    origin: 'reconciliation',
  };
}

function validDate(value: Date | undefined): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function isoOrUndefined(value: Date | undefined): string | undefined {
  return validDate(value) ? value.toISOString() : undefined;
}
