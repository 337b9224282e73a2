import { parseEventTimeMs, requireEventTimeWithinBounds } from './event-time-bounds';
import { requireAccount, requireRegion, requireResourceId, requireResourceType, requireRuleName } from './identity-fields';
import {
  at,
  invalidField,
  isAbsent,
  JsonObject,
  MessageContext,
  optionalObject,
  optionalString,
  pick,
  requireString,
  withoutUndefined,
} from './parsed-event';
import { parseTimestampMs } from './timestamps';
import { outcomeOf, type RemediationResult } from '../models/remediation-result';


/** What the agent adds to a forwarded execution event: the rules (and resource types) that use its document. */
export interface RemediationHints {
  readonly configRuleNames?: readonly string[];
  readonly resourceTypes?: readonly string[];
}

/**
 * The `detail` of an `EC2 Automation Execution Status-change Notification` as a RemediationResult.
 *
 * The AWS example writes StartTime and EndTime as `Nov 29, 2024 7:43:23 PM` (UTC), DefinitionVersion as a number and
 * Time as the duration in milliseconds; ISO timestamps and string versions are accepted too. The account is the
 * envelope's (EventBridge's), and every time must lie before `nowMs` plus the clock skew.
 */
export function parseAutomationExecution(
  detail: JsonObject,
  context: MessageContext,
  detailPath: string,
  envelopePath: string,
  hints: RemediationHints = {},
  nowMs: number = Date.now(),
): RemediationResult {
  const status = requireString(detail.Status, at(detailPath, 'Status'));
  const ssmTime = (key: string) => {
    const path = at(detailPath, key);
    const ms = parseSsmTime(detail[key], path);
    return ms === undefined ? undefined : requireEventTimeWithinBounds(ms, detail[key], path, nowMs);
  };
  const startedAtMs = ssmTime('StartTime');
  const endedAtMs = ssmTime('EndTime');
  const eventTimeMs = isAbsent(context.time) ? endedAtMs ?? startedAtMs : parseEventTimeMs(context.time, at(envelopePath, 'time'), nowMs);
  if (eventTimeMs === undefined) throw invalidField(at(envelopePath, 'time'), context.time, 'the event time');
  const configRuleName = onlyOne(hints.configRuleNames);
  const resourceType = onlyOne(hints.resourceTypes);
  const resourceId = optionalString(detail.ResourceId, at(detailPath, 'ResourceId'));
  return withoutUndefined<RemediationResult>({
    // SSM's detail names no account: the envelope's, set by EventBridge (checked against a forwarded event's by the caller).
    account: requireAccount({ value: context.account, path: at(envelopePath, 'account') }),
    region: requireRegion(pick({ value: context.region, path: at(envelopePath, 'region') })),
    executionId: requireString(detail.ExecutionId, at(detailPath, 'ExecutionId')),
    documentName: requireString(detail.Definition, at(detailPath, 'Definition')),
    documentVersion: versionOf(detail.DefinitionVersion, at(detailPath, 'DefinitionVersion')),
    status,
    outcome: outcomeOf(status),
    startedAtMs,
    endedAtMs,
    eventTimeMs,
    executedBy: optionalString(detail.ExecutedBy, at(detailPath, 'ExecutedBy')),
    failureMessage: optionalString(detail.FailureMessage, at(detailPath, 'FailureMessage')),
    // The hints and the id link the execution to a compliance item's keys: held to the same rules as an evaluation's.
    configRuleName: configRuleName === undefined ? undefined : requireRuleName({ value: configRuleName, path: 'detail.enrichment.remediation.configRuleNames' }),
    resourceType: resourceType === undefined ? undefined : requireResourceType({ value: resourceType, path: 'detail.enrichment.remediation.resourceTypes' }),
    resourceId: resourceId === undefined || resourceId === '' ? resourceId : requireResourceId({ value: resourceId, path: at(detailPath, 'ResourceId') }),
    sourceEventId: context.eventId,
  });
}

/** The hints of an agent envelope's `detail.enrichment.remediation`, checked. */
export function readRemediationHints(enrichment: unknown, path: string): RemediationHints {
  const object = optionalObject(enrichment, path);
  const remediation = optionalObject(object?.remediation, at(path, 'remediation'));
  if (!remediation) return {};
  return withoutUndefined<RemediationHints>({
    configRuleNames: stringList(remediation.configRuleNames, at(path, 'remediation.configRuleNames')),
    resourceTypes: stringList(remediation.resourceTypes, at(path, 'remediation.resourceTypes')),
  });
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// `Nov 29, 2024 7:43:23 PM`: the form of the AWS example (java.text.DateFormat MEDIUM, UTC).
const SSM_TIME = /^([A-Za-z]{3})[a-z]* (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2}) ?(AM|PM)$/i;

/** Epoch milliseconds of an SSM event time; undefined when absent (EndTime of a running execution). */
export function parseSsmTime(value: unknown, path: string): number | undefined {
  if (isAbsent(value) || value === '') return undefined;
  if (typeof value === 'string') {
    const match = SSM_TIME.exec(value.trim());
    if (match) {
      const [, monthName, day, year, hour, minute, second, half] = match;
      const month = MONTHS.indexOf(monthName.toLowerCase());
      const h = Number(hour);
      if (month >= 0 && h >= 1 && h <= 12) {
        const hours24 = (h % 12) + (half.toUpperCase() === 'PM' ? 12 : 0);
        const ms = Date.UTC(Number(year), month, Number(day), hours24, Number(minute), Number(second));
        if (new Date(ms).getUTCDate() === Number(day)) return ms;
      }
      throw invalidField(path, value, 'a time such as "Nov 29, 2024 7:43:23 PM" or an ISO-8601 timestamp');
    }
  }
  return parseTimestampMs(value, path);
}

function versionOf(value: unknown, path: string): string | undefined {
  if (isAbsent(value)) return undefined;
  // 1.0 in the example is the document version 1.
  if (typeof value === 'number' && Number.isFinite(value)) return String(Math.trunc(value));
  return requireString(value, path);
}

function stringList(value: unknown, path: string): string[] | undefined {
  if (isAbsent(value)) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw invalidField(path, value, 'a list of non-empty strings');
  }
  return value as string[];
}

function onlyOne(values: readonly string[] | undefined): string | undefined {
  const distinct = [...new Set(values ?? [])];
  return distinct.length === 1 ? distinct[0] : undefined;
}
