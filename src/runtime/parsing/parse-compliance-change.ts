import { parseOptionalEventTimeMs } from './event-time-bounds';
import { requireRegion, requireResourceId, requireResourceType, requireRuleName } from './identity-fields';
import {
  at,
  FieldLocation,
  invalidField,
  JsonObject,
  MessageContext,
  optionalObject,
  optionalPickedString,
  optionalString,
  pick,
  requireObject,
  withoutUndefined,
} from './parsed-event';
import { toIsoTimestamp } from './timestamps';
import { resolveAccount } from './trusted-account';
import { COMPLIANCE_STATUSES, ComplianceResult, ComplianceStatus, isComplianceStatus } from '../models/compliance-result';

export const COMPLIANCE_CHANGE_MESSAGE_TYPE = 'ComplianceChangeNotification';

const MESSAGE_LOCATION: FieldLocation = { messagePath: 'message', envelopePath: 'context' };

/**
 * A ComplianceChangeNotification (the `detail` of `Config Rules Compliance Change`, or the SNS message)
 * as a ComplianceResult. oldEvaluationResult is absent on a first evaluation; annotation and resultToken
 * are missing in EventBridge captures and null in the SNS docs: all three forms are accepted.
 *
 * The account is the context's (the sender's) when given, and `awsAccountId` must then equal it; identity fields
 * must be values AWS allows (identity-fields.ts) and evaluation times lie before `nowMs` plus the clock skew.
 */
export function parseComplianceChange(
  message: JsonObject,
  context: MessageContext = {},
  location: FieldLocation = MESSAGE_LOCATION,
  nowMs: number = Date.now(),
): ComplianceResult {
  const base = location.messagePath;
  const envelope = location.envelopePath;
  const newPath = at(base, 'newEvaluationResult');
  const next = requireObject(message.newEvaluationResult, newPath);
  const identifierPath = at(newPath, 'evaluationResultIdentifier');
  const identifier = optionalObject(next.evaluationResultIdentifier, identifierPath);
  const qualifierPath = at(identifierPath, 'evaluationResultQualifier');
  const qualifier = optionalObject(identifier?.evaluationResultQualifier, qualifierPath) ?? {};

  // The top-level fields are the documented ones; the qualifier repeats them, so it is a safe fallback.
  const fromMessageOrQualifier = (key: string) => pick(
    { value: message[key], path: at(base, key) },
    { value: qualifier[key], path: at(qualifierPath, key) },
  );
  const time = (value: unknown, path: string) => parseOptionalEventTimeMs(value, path, nowMs);

  const resultRecordedMs = time(next.resultRecordedTime, at(newPath, 'resultRecordedTime'));
  const orderingMs = time(identifier?.orderingTimestamp, at(identifierPath, 'orderingTimestamp'));
  const invokedMs = time(next.configRuleInvokedTime, at(newPath, 'configRuleInvokedTime'));

  return withoutUndefined<ComplianceResult>({
    account: resolveAccount({ value: context.account, path: location.accountPath ?? at(envelope, 'account') }, [{ value: message.awsAccountId, path: at(base, 'awsAccountId') }]),
    region: requireRegion(pick({ value: message.awsRegion, path: at(base, 'awsRegion') }, { value: context.region, path: at(envelope, 'region') })),
    resourceType: requireResourceType(fromMessageOrQualifier('resourceType')),
    resourceId: requireResourceId(fromMessageOrQualifier('resourceId')),
    configRuleName: requireRuleName(fromMessageOrQualifier('configRuleName')),
    complianceStatus: requireStatus(next.complianceType, at(newPath, 'complianceType')),
    previousStatus: previousStatus(message, base),
    evaluatedAtMs: resultRecordedMs ?? orderingMs ?? fallbackEvaluationMs(message, context, location, nowMs),
    annotation: optionalString(next.annotation, at(newPath, 'annotation')),
    configRuleArn: optionalPickedString(pick({ value: message.configRuleARN, path: at(base, 'configRuleARN') }, { value: message.configRuleArn, path: at(base, 'configRuleArn') })),
    resultRecordedTime: isoOrUndefined(resultRecordedMs),
    configRuleInvokedTime: isoOrUndefined(invokedMs),
    orderingTimestamp: isoOrUndefined(orderingMs),
    sourceEventId: context.eventId,
    origin: 'event',
  });
}

function requireStatus(value: unknown, path: string): ComplianceStatus {
  if (!isComplianceStatus(value)) throw invalidField(path, value, `one of ${COMPLIANCE_STATUSES.join(', ')}`);
  return value;
}

function previousStatus(message: JsonObject, base: string): ComplianceStatus | undefined {
  const oldPath = at(base, 'oldEvaluationResult');
  const old = optionalObject(message.oldEvaluationResult, oldPath);
  return old === undefined ? undefined : requireStatus(old.complianceType, at(oldPath, 'complianceType'));
}

// Only reached when the evaluation itself carries no time. The notification time, then the envelope time,
// come after the evaluation, so they still order it after anything recorded earlier.
function fallbackEvaluationMs(message: JsonObject, context: MessageContext, location: FieldLocation, nowMs: number): number {
  const created = parseOptionalEventTimeMs(message.notificationCreationTime, at(location.messagePath, 'notificationCreationTime'), nowMs);
  const ms = created ?? parseOptionalEventTimeMs(context.time, at(location.envelopePath, 'time'), nowMs);
  if (ms === undefined) {
    throw invalidField(
      at(location.messagePath, 'newEvaluationResult.resultRecordedTime'),
      undefined,
      'an evaluation time (resultRecordedTime, orderingTimestamp, notificationCreationTime or the envelope time)',
    );
  }
  return ms;
}

function isoOrUndefined(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : toIsoTimestamp(ms);
}
