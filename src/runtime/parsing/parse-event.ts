import { requireAccount } from './identity-fields';
import { parseComplianceChange, COMPLIANCE_CHANGE_MESSAGE_TYPE } from './parse-compliance-change';
import { CONFIGURATION_ITEM_MESSAGE_TYPES, parseConfigurationItemChange } from './parse-configuration-item';
import { parseAutomationExecution, readRemediationHints, RemediationHints } from './parse-remediation-event';
import {
  at,
  FieldLocation,
  invalidField,
  JsonObject,
  MessageContext,
  optionalString,
  ParsedEvent,
  requireJsonObject,
  requireString,
  withoutUndefined,
} from './parsed-event';
import { requireSameAccount } from './trusted-account';
import { AGENT_SOURCE, AUTOMATION_EXECUTION_STATUS_CHANGE, AWS_CONFIG_SOURCE, SSM_SOURCE } from '../../contract/event-sources';


/** The agent envelope schema this parser understands (runtime-contract.md). */
export const AGENT_SCHEMA_VERSION = '1';

export const CONFIGURATION_ITEM_CHANGE = 'Config Configuration Item Change';
export const COMPLIANCE_CHANGE = 'Config Rules Compliance Change';
export const RE_EVALUATION_STATUS = 'Config Rules Re-evaluation Status';
export const SNAPSHOT_DELIVERY_STATUS = 'Config Configuration Snapshot Delivery Status';
export const HISTORY_DELIVERY_STATUS = 'Config Configuration History Delivery Status';

/**
 * The detail-types that carry state, and the message types each may hold. Maps, not object literals, so an
 * input such as "constructor" or "toString" can never resolve to an Object.prototype member.
 */
const STATE_DETAIL_TYPES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  [CONFIGURATION_ITEM_CHANGE, CONFIGURATION_ITEM_MESSAGE_TYPES],
  [COMPLIANCE_CHANGE, [COMPLIANCE_CHANGE_MESSAGE_TYPE]],
]);

/**
 * Status detail-types are skipped whatever their messageType: they carry no state we keep, and AWS lists
 * their message types incompletely (ConfigurationHistoryDeliveryFailed is used but not documented), so a
 * new one must not end in the dead-letter queue.
 */
const STATUS_DETAIL_TYPES: ReadonlySet<string> = new Set([RE_EVALUATION_STATUS, SNAPSHOT_DELIVERY_STATUS, HISTORY_DELIVERY_STATUS]);

/** SNS carries no detail-type: the status message types, mapped to the detail-type EventBridge would give them. */
const STATUS_MESSAGE_TYPES: ReadonlyMap<string, string> = new Map([
  ['ConfigRulesEvaluationStarted', RE_EVALUATION_STATUS],
  ['ConfigurationSnapshotDeliveryStarted', SNAPSHOT_DELIVERY_STATUS],
  ['ConfigurationSnapshotDeliveryCompleted', SNAPSHOT_DELIVERY_STATUS],
  ['ConfigurationSnapshotDeliveryFailed', SNAPSHOT_DELIVERY_STATUS],
  ['ConfigurationHistoryDeliveryCompleted', HISTORY_DELIVERY_STATUS],
  ['ConfigurationHistoryDeliveryFailed', HISTORY_DELIVERY_STATUS],
]);

const ROOT = '';
/** Where EventBridge writes the sender's account: the root `account` of the delivered event. */
const SENDER_ACCOUNT_PATH = 'account';

/**
 * An EventBridge event (object, or the JSON string of an SQS body) from `aws.config`, from `aws.ssm` (remediation
 * executions) or from the agent (`monitoring.agent.config`, which wraps the original event). Throws
 * InvalidEventError for anything that can never be processed.
 *
 * The account stored is always the event's own `account`, the one EventBridge sets from the sender's credentials:
 * any other account the event names must equal it (trusted-account.ts). Event times later than `nowMs` plus the
 * clock skew are refused (event-time-bounds.ts).
 */
export function parseEventBridgeEvent(event: unknown, nowMs: number = Date.now()): ParsedEvent {
  const envelope = requireJsonObject(event, 'event');
  const source = requireString(envelope.source, 'source');
  const sender = readContext(envelope, ROOT);
  switch (source) {
    case AWS_CONFIG_SOURCE:
      return parseConfigEnvelope(envelope, ROOT, sender, nowMs);
    case SSM_SOURCE:
      return parseSsmEnvelope(envelope, ROOT, sender, nowMs);
    case AGENT_SOURCE:
      return parseAgentEnvelope(envelope, sender, nowMs);
    default:
      throw invalidField('source', source, `"${AWS_CONFIG_SOURCE}", "${SSM_SOURCE}" or "${AGENT_SOURCE}"`);
  }
}

/**
 * An aws.config message body (an EventBridge `detail` or an SNS `Message`, as an object or a JSON string),
 * dispatched on messageType. `context` supplies what the body may lack (account, region, time) and the
 * event id to keep as sourceEventId.
 */
export function parseConfigMessage(
  message: unknown,
  context?: { account?: string; region?: string; eventId?: string; time?: string },
  nowMs: number = Date.now(),
): ParsedEvent {
  const location: FieldLocation = { messagePath: 'message', envelopePath: 'context' };
  const body = requireJsonObject(message, location.messagePath);
  const messageType = requireString(body.messageType, at(location.messagePath, 'messageType'));
  const statusDetailType = STATUS_MESSAGE_TYPES.get(messageType);
  if (statusDetailType !== undefined) return { kind: 'skipped', detailType: statusDetailType, reason: 'status-notification' };
  return parseStateMessage(body, messageType, context ?? {}, location, nowMs);
}

// The agent forwards the original aws.config event inside its own: unwrap it, so both paths produce the
// same result and sourceEventId stays the id Config gave the event (the key for de-duplication).
function parseAgentEnvelope(envelope: JsonObject, sender: MessageContext, nowMs: number): ParsedEvent {
  const detail = requireJsonObject(envelope.detail, 'detail');
  const schemaVersion = detail.schemaVersion;
  if (schemaVersion !== undefined && schemaVersion !== AGENT_SCHEMA_VERSION) {
    throw invalidField('detail.schemaVersion', schemaVersion, `"${AGENT_SCHEMA_VERSION}"`);
  }
  const inner = requireJsonObject(detail.event, 'detail.event');
  const innerSource = optionalString(inner.source, 'detail.event.source');
  if (innerSource === SSM_SOURCE) {
    return parseSsmEnvelope(inner, 'detail.event', sender, nowMs, readRemediationHints(detail.enrichment, 'detail.enrichment'));
  }
  if (innerSource !== undefined && innerSource !== AWS_CONFIG_SOURCE) {
    throw invalidField('detail.event.source', innerSource, `"${AWS_CONFIG_SOURCE}" or "${SSM_SOURCE}"`);
  }
  // The inner event is the truth for what happened; the outer envelope (same region: the agent runs there) fills gaps,
  // and its account, set by EventBridge, is the only one trusted.
  return parseConfigEnvelope(inner, 'detail.event', sender, nowMs, envelope['detail-type']);
}

/**
 * The context a direct or forwarded event's message is read with. `sender` is the delivered event's own envelope:
 * EventBridge always sets its account, which is the one stored; a forwarded event (path not root) naming another
 * account is an account mismatch.
 */
function contextOf(envelope: JsonObject, path: string, sender: MessageContext): MessageContext {
  const account = requireAccount({ value: sender.account, path: SENDER_ACCOUNT_PATH });
  const own = path === ROOT ? sender : readContext(envelope, path);
  if (path !== ROOT) requireSameAccount({ value: own.account, path: at(path, 'account') }, { value: account, path: SENDER_ACCOUNT_PATH });
  return withoutUndefined<MessageContext>({
    account,
    region: own.region ?? sender.region,
    eventId: own.eventId ?? sender.eventId,
    time: own.time ?? sender.time,
  });
}

function parseConfigEnvelope(envelope: JsonObject, path: string, sender: MessageContext, nowMs: number, outerDetailType?: unknown): ParsedEvent {
  const detailType = requireString(envelope['detail-type'] ?? outerDetailType, at(path, 'detail-type'));
  if (STATUS_DETAIL_TYPES.has(detailType)) return { kind: 'skipped', detailType, reason: 'status-notification' };
  const allowed = STATE_DETAIL_TYPES.get(detailType);
  if (allowed === undefined) return { kind: 'skipped', detailType, reason: 'unknown-detail-type' };

  const location: FieldLocation = { messagePath: at(path, 'detail'), envelopePath: path, accountPath: SENDER_ACCOUNT_PATH };
  const detail = requireJsonObject(envelope.detail, location.messagePath);
  const messageTypePath = at(location.messagePath, 'messageType');
  const messageType = requireString(detail.messageType, messageTypePath);
  if (!allowed.includes(messageType)) {
    throw invalidField(messageTypePath, messageType, `a message type of "${detailType}" (${allowed.join(', ')})`);
  }
  return parseStateMessage(detail, messageType, contextOf(envelope, path, sender), location, nowMs);
}

// Only the execution status changes are kept: every other SSM event (steps, Run Command…) is skipped, not failed.
function parseSsmEnvelope(envelope: JsonObject, path: string, sender: MessageContext, nowMs: number, hints: RemediationHints = {}): ParsedEvent {
  const detailType = requireString(envelope['detail-type'], at(path, 'detail-type'));
  if (detailType !== AUTOMATION_EXECUTION_STATUS_CHANGE) return { kind: 'skipped', detailType, reason: 'unknown-detail-type' };
  const context = contextOf(envelope, path, sender);
  const detailPath = at(path, 'detail');
  const result = parseAutomationExecution(requireJsonObject(envelope.detail, detailPath), context, detailPath, path, hints, nowMs);
  return { kind: 'remediation', result };
}

function parseStateMessage(message: JsonObject, messageType: string, context: MessageContext, location: FieldLocation, nowMs: number): ParsedEvent {
  if (messageType === COMPLIANCE_CHANGE_MESSAGE_TYPE) {
    return { kind: 'compliance', result: parseComplianceChange(message, context, location, nowMs) };
  }
  if ((CONFIGURATION_ITEM_MESSAGE_TYPES as readonly string[]).includes(messageType)) {
    return { kind: 'configuration-item', item: parseConfigurationItemChange(message, context, location, nowMs) };
  }
  const known = [COMPLIANCE_CHANGE_MESSAGE_TYPE, ...CONFIGURATION_ITEM_MESSAGE_TYPES, ...STATUS_MESSAGE_TYPES.keys()];
  throw invalidField(at(location.messagePath, 'messageType'), messageType, `one of ${known.join(', ')}`);
}

function readContext(envelope: JsonObject, path: string): MessageContext {
  return withoutUndefined<MessageContext>({
    account: optionalString(envelope.account, at(path, 'account')),
    region: optionalString(envelope.region, at(path, 'region')),
    eventId: optionalString(envelope.id, at(path, 'id')),
    time: optionalString(envelope.time, at(path, 'time')),
  });
}
