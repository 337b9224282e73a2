import { linkDeletion } from './evaluation-history';
import { expiresAt, type WriteContext } from './write-context';
import { isDeletion, type ConfigItemChange } from '../models/config-item';
import { deletionOrder } from '../store/evaluation-order';
import { historySortKey, resourceKey, RESOURCE_MARKER_SK } from '../store/keys';

/** `not-kept`: a change the history choice (`configurationItemHistory`) leaves to AWS Config's own history. */
export type ConfigItemOutcome = 'recorded' | 'duplicate' | 'deleted' | 'not-kept';

export interface ConfigItemWriteResult {
  readonly outcome: ConfigItemOutcome;
  /** How many compliance items a deletion retired. */
  readonly retired: number;
}

// History keeps what an operator reads; the full configuration stays in AWS Config (and its delivery bucket).
const MAX_CHANGED_PROPERTIES = 50;

/**
 * Records a configuration-item change in the history (once, however often it is delivered) and, for a deleted
 * resource: links the first later evaluation of each rule to the deletion (its previous status is NONE), then
 * records the deletion marker, then retires the compliance items recorded before it, so an evaluation written
 * concurrently either sees the marker or is retired. Retired items keep the notifications they still owe.
 */
export async function applyConfigItem(item: ConfigItemChange, context: WriteContext): Promise<ConfigItemWriteResult> {
  const pk = resourceKey(item);
  // A deletion is always recorded: its record carries the deletion_order the evaluation log is ordered by.
  if (!isDeletion(item) && !await keepsChange(pk, context)) return { outcome: 'not-kept', retired: 0 };
  const appended = await context.history.append({
    pk,
    sk: historySortKey(item.capturedAtMs, 'CI', item.configurationStateId ?? String(item.capturedAtMs)),
    account: item.account,
    region: item.region,
    resource_type: item.resourceType,
    resource_id: item.resourceId,
    event_time: new Date(item.capturedAtMs).toISOString(),
    expires_at: expiresAt(item.capturedAtMs, context),
    config_item_type: 'ConfigurationItemChange',
    configuration_state: item.configurationItemStatus,
    change_type: item.changeType,
    changed_properties: item.changedProperties.length ? item.changedProperties.slice(0, MAX_CHANGED_PROPERTIES) : undefined,
    source_event_id: item.sourceEventId,
    ...(isDeletion(item) ? { deletion_order: deletionOrder(item.capturedAtMs) } : {}),
  });
  if (!isDeletion(item)) return { outcome: appended ? 'recorded' : 'duplicate', retired: 0 };

  await linkDeletion(pk, item.capturedAtMs, context);
  await context.compliance.markResourceDeleted({
    pk,
    sk: RESOURCE_MARKER_SK,
    deleted_at_ms: item.capturedAtMs,
    account: item.account,
    region: item.region,
    resource_type: item.resourceType,
    resource_id: item.resourceId,
  });
  // The sweep runs on every delivery, also a redelivery: a first delivery may have died half-way through it.
  let retired = 0;
  for (const stored of await context.compliance.listResourceItems(pk)) {
    const live = stored.retired_at_ms === undefined && stored.evaluated_at_ms <= item.capturedAtMs;
    if (live && await context.compliance.retireIfNotNewer(pk, stored.sk, item.capturedAtMs)) retired++;
  }
  return { outcome: 'deleted', retired };
}

/** Whether the history choice keeps a (non-deletion) change of the resource `pk`. */
async function keepsChange(pk: string, context: WriteContext): Promise<boolean> {
  switch (context.configurationItemHistory ?? 'ALL') {
    case 'ALL': return true;
    case 'NONE': return false;
    case 'RESOURCES_WITH_COMPLIANCE': return context.compliancePresence?.hasComplianceItem(pk) ?? true;
  }
}
