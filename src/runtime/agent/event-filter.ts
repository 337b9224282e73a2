import type { ForwardingSettings, RemediationDocumentUse } from './forwarding-settings';
import { isSampledIn } from './sampling';
import { isDeletion, type ConfigItemChange } from '../models/config-item';
import type { ParsedEvent } from '../parsing/parsed-event';

/** Why an event was not forwarded: each reason has its own metric, so a filter that drops too much shows. */
export type DropReason = 'resource-type' | 'not-applicable' | 'relationship-only' | 'sampled-out' | 'unknown-document';

export type FilterDecision = { readonly forward: true } | { readonly forward: false; readonly reason: DropReason };

const FORWARD: FilterDecision = { forward: true };

/**
 * First segments of changedProperties paths that describe the item's relationships or its own bookkeeping rather
 * than the resource. Anything else (Configuration, SupplementaryConfiguration, Tags, and any segment Config may add
 * later) counts as a real change, so an unknown path is forwarded rather than dropped.
 */
const RELATIONSHIP_OR_METADATA_SEGMENTS: ReadonlySet<string> = new Set([
  'Relationships',
  'RelatedEvents',
  'ConfigurationItemVersion',
  'ConfigurationItemCaptureTime',
  'ConfigurationItemStatus',
  'ConfigurationStateId',
  'ConfigurationStateMd5Hash',
  'ConfigurationItemMD5Hash',
]);

/**
 * Decides whether one parsed event is forwarded. Events without state (status notifications, unknown
 * detail-types) are always forwarded: the user chose them with forwardedEvents, and the master counts them.
 */
export function decide(event: ParsedEvent, eventId: string | undefined, settings: ForwardingSettings): FilterDecision {
  if (event.kind === 'skipped') return FORWARD;
  // The rule already selects the remediation documents; this is the same check, so a rule edited by hand (or a
  // document removed since) never forwards other automations. Remediation results are never sampled.
  if (event.kind === 'remediation') {
    return remediationDocumentUse(event.result.documentName, settings) ? FORWARD : { forward: false, reason: 'unknown-document' };
  }
  const resourceType = event.kind === 'compliance' ? event.result.resourceType : event.item.resourceType;
  if (!isResourceTypeForwarded(resourceType, settings)) return { forward: false, reason: 'resource-type' };

  if (event.kind === 'compliance') {
    const { complianceStatus, previousStatus } = event.result;
    // A NOT_APPLICABLE result that replaces another status is a transition the master must see: dropping it would
    // leave a resource NON_COMPLIANT in the central state after the rule stopped applying to it.
    const replacesOtherStatus = previousStatus !== undefined && previousStatus !== 'NOT_APPLICABLE';
    if (settings.dropNotApplicable && complianceStatus === 'NOT_APPLICABLE' && !replacesOtherStatus) {
      return { forward: false, reason: 'not-applicable' };
    }
    // Compliance changes are never sampled: each one is a state transition.
    return FORWARD;
  }

  const item = event.item;
  // Deletions retire compliance items at the master: never filtered by content, never sampled.
  if (isDeletion(item)) return FORWARD;
  if (settings.dropRelationshipOnlyChanges && changedOnlyRelationshipsOrMetadata(item)) {
    return { forward: false, reason: 'relationship-only' };
  }
  const rate = settings.samplingRates[resourceType];
  if (rate !== undefined && eventId !== undefined && !isSampledIn(eventId, rate)) {
    return { forward: false, reason: 'sampled-out' };
  }
  return FORWARD;
}

function isResourceTypeForwarded(resourceType: string, settings: ForwardingSettings): boolean {
  if (settings.includeResourceTypes.length > 0 && !settings.includeResourceTypes.includes(resourceType)) return false;
  return !settings.excludeResourceTypes.includes(resourceType);
}

/**
 * An update whose diff names no property of the resource itself. Only UPDATEs qualify: a CREATE has an empty diff
 * by design, and an oversized summary or a null diff says nothing about what changed, so those are kept.
 */
export function changedOnlyRelationshipsOrMetadata(item: ConfigItemChange): boolean {
  if (item.oversized || item.changeType !== 'UPDATE') return false;
  return item.changedProperties.every((path) => RELATIONSHIP_OR_METADATA_SEGMENTS.has(path.split('.')[0]));
}

/**
 * The agent's use of an automation document, by the event's `Definition`. A remediation may name its document by ARN
 * (a shared document): the execution event may carry either form, so both are looked up.
 */
export function remediationDocumentUse(definition: string, settings: ForwardingSettings): RemediationDocumentUse | undefined {
  const documents = new Map(Object.entries(settings.remediationDocuments));
  const byName = documents.get(definition);
  if (byName) return byName;
  for (const [name, use] of documents) {
    if (name.startsWith('arn:') && name.split('/').pop() === definition) return use;
    if (definition.startsWith('arn:') && definition.split('/').pop() === name) return use;
  }
  return undefined;
}
