import { parseEventTimeMs } from './event-time-bounds';
import { requireRegion, requireResourceId, requireResourceType } from './identity-fields';
import {
  at,
  Candidate,
  describeValue,
  FieldLocation,
  InvalidEventError,
  invalidField,
  isAbsent,
  JsonObject,
  MessageContext,
  optionalObject,
  optionalPickedString,
  optionalString,
  pick,
  requireObject,
  requirePickedString,
  requireString,
  withoutUndefined,
} from './parsed-event';
import { resolveAccount } from './trusted-account';
import { ConfigItemChange } from '../models/config-item';

export const CONFIGURATION_ITEM_MESSAGE_TYPES = [
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeDeliveryFailed',
] as const;

export type ConfigurationItemMessageType = typeof CONFIGURATION_ITEM_MESSAGE_TYPES[number];

/** IAM (and other global) items say `awsRegion: "global"`; their compliance events carry the rule's region. */
const GLOBAL_REGION = 'global';

const MESSAGE_LOCATION: FieldLocation = { messagePath: 'message', envelopePath: 'context' };

/**
 * A configuration-item change message (the `detail` of `Config Configuration Item Change`, or the SNS
 * message) as a ConfigItemChange. Oversized messages carry only a summary: no configuration, tags or diff.
 * The account is the context's (the sender's) when given, and the item's own account must then equal it; the
 * capture time must lie before `nowMs` plus the clock skew.
 */
export function parseConfigurationItemChange(
  message: JsonObject,
  context: MessageContext = {},
  location: FieldLocation = MESSAGE_LOCATION,
  nowMs: number = Date.now(),
): ConfigItemChange {
  const base = location.messagePath;
  rejectLegacyFormat(message, base);
  const messageType = requireString(message.messageType, at(base, 'messageType'));
  switch (messageType) {
    case 'ConfigurationItemChangeNotification':
      return parseFullItem(message, context, location, nowMs);
    case 'OversizedConfigurationItemChangeNotification':
    case 'OversizedConfigurationItemChangeDeliveryFailed':
      return parseOversizedItem(message, context, location, nowMs);
    default:
      throw invalidField(at(base, 'messageType'), messageType, `one of ${CONFIGURATION_ITEM_MESSAGE_TYPES.join(', ')}`);
  }
}

// The 2014 format (first example of the AWS SNS page) has no awsRegion and other field names: it is not
// what Config sends today, so it is refused with a clear reason rather than half-parsed.
function rejectLegacyFormat(message: JsonObject, base: string): void {
  if (message.MessageVersion !== undefined || Array.isArray(message.configurationItems)) {
    throw new InvalidEventError(
      `${at(base, 'MessageVersion')}: legacy 2014 notification format (MessageVersion, configurationItems array) is not supported, `
      + `got MessageVersion ${describeValue(message.MessageVersion)}`,
    );
  }
}

function parseFullItem(message: JsonObject, context: MessageContext, location: FieldLocation, nowMs: number): ConfigItemChange {
  const base = location.messagePath;
  const itemPath = at(base, 'configurationItem');
  const item = requireObject(message.configurationItem, itemPath);
  const diffPath = at(base, 'configurationItemDiff');
  // The diff is null on some items (deletions among them): no diff means no known changed properties.
  const diff = optionalObject(message.configurationItemDiff, diffPath);
  const changed = optionalObject(diff?.changedProperties, at(diffPath, 'changedProperties'));
  return withoutUndefined<ConfigItemChange>({
    ...readIdentity(item, itemPath, context, location, nowMs),
    changeType: optionalString(diff?.changeType, at(diffPath, 'changeType')),
    changedProperties: changed === undefined ? [] : Object.keys(changed),
    oversized: false,
    tags: readTags(item.tags, at(itemPath, 'tags')),
    sourceEventId: context.eventId,
  });
}

function parseOversizedItem(message: JsonObject, context: MessageContext, location: FieldLocation, nowMs: number): ConfigItemChange {
  const base = location.messagePath;
  const summaryPath = at(base, 'configurationItemSummary');
  const summary = requireObject(message.configurationItemSummary, summaryPath);
  const deliveryPath = at(base, 's3DeliverySummary');
  const delivery = optionalObject(message.s3DeliverySummary, deliveryPath) ?? {};
  return withoutUndefined<ConfigItemChange>({
    ...readIdentity(summary, summaryPath, context, location, nowMs),
    changeType: optionalString(summary.changeType, at(summaryPath, 'changeType')),
    changedProperties: [],
    oversized: true,
    // null when delivery failed: the item must then be fetched from the Config API instead.
    s3BucketLocation: optionalString(delivery.s3BucketLocation, at(deliveryPath, 's3BucketLocation')),
    deliveryErrorCode: optionalString(delivery.errorCode, at(deliveryPath, 'errorCode')),
    tags: {},
    sourceEventId: context.eventId,
  });
}

type Identity = Pick<ConfigItemChange,
'account' | 'region' | 'resourceType' | 'resourceId' | 'resourceName' | 'arn' | 'configurationItemStatus' | 'capturedAtMs' | 'configurationStateId'>;

/**
 * The fields every item shape shares. Both the notification names (awsAccountId, ARN) and the API names
 * (accountId, arn) are read, because the agent may replace an oversized summary by an item it resolved
 * through the API; API times are epoch seconds (or Dates), notification times ISO strings.
 */
function readIdentity(item: JsonObject, itemPath: string, context: MessageContext, location: FieldLocation, nowMs: number): Identity {
  const field = (key: string): Candidate => ({ value: item[key], path: at(itemPath, key) });
  return {
    account: resolveAccount({ value: context.account, path: location.accountPath ?? at(location.envelopePath, 'account') }, [field('awsAccountId'), field('accountId')]),
    region: requireRegion(readRegion(field('awsRegion'), context, location)),
    resourceType: requireResourceType(field('resourceType')),
    resourceId: requireResourceId(field('resourceId')),
    resourceName: optionalString(item.resourceName, at(itemPath, 'resourceName')),
    arn: optionalPickedString(pick(field('ARN'), field('arn'))),
    configurationItemStatus: requirePickedString(field('configurationItemStatus')),
    capturedAtMs: parseEventTimeMs(item.configurationItemCaptureTime, at(itemPath, 'configurationItemCaptureTime'), nowMs),
    configurationStateId: readStateId(field('configurationStateId')),
  };
}

/** The region as read (the item's, else the envelope's), with the path it was read from, "global" mapped to the envelope's. */
function readRegion(itemRegion: Candidate, context: MessageContext, location: FieldLocation): Candidate {
  const envelopeRegion: Candidate = { value: context.region, path: at(location.envelopePath, 'region') };
  const picked = pick(itemRegion, envelopeRegion);
  if (requirePickedString(picked) !== GLOBAL_REGION) return picked;
  if (isAbsent(context.region)) {
    throw invalidField(itemRegion.path, picked.value, `a region, or an envelope region to map "${GLOBAL_REGION}" to (none given)`);
  }
  return envelopeRegion;
}

/** A number in notifications, a string in the API: one string form, so history keys do not depend on the channel. */
function readStateId(candidate: Candidate): string | undefined {
  const { value, path } = candidate;
  if (isAbsent(value)) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.length > 0) return value;
  throw invalidField(path, value, 'an integer or a non-empty string');
}

// Config tag values are strings; anything else is dropped rather than failing a change (a deletion above all)
// over a field the compliance model does not key on.
function readTags(value: unknown, path: string): Record<string, string> {
  const tags = optionalObject(value, path) ?? {};
  return Object.fromEntries(Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
