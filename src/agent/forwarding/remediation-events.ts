import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { AUTOMATION_EXECUTION_STATUS_CHANGE, SSM_SOURCE } from '../../contract/event-sources';

/**
 * One remediation configuration of the agent, as the forwarding needs it: its document, its rule and what it acts on
 * (internal: built by the agent from its rules).
 */
export interface RemediationEventSource {
  /** The SSM document the remediation runs (name or ARN), the event's `detail.Definition`. */
  readonly documentName: string;
  /**
   * The Config rule whose remediation it is, when its deployed name is known at synth time.
   *
   * @default - unknown (a conformance-pack rule, whose deployed name Config suffixes): the executions are forwarded and
   * notified, but the master cannot link them to a compliance item
   */
  readonly configRuleName?: string;
  /** The resource type the remediation acts on, when known (e.g. `AWS::EC2::SecurityGroup`). */
  readonly resourceType?: string;
}

/**
 * The values `detail.Definition` may take for these documents: each name, and for a document given by ARN also its
 * name (the last path segment), since the event may carry either form.
 */
export function definitionValues(sources: readonly RemediationEventSource[]): string[] {
  const values = new Set<string>();
  for (const { documentName } of sources) {
    values.add(documentName);
    if (!Token.isUnresolved(documentName) && documentName.startsWith('arn:')) values.add(documentName.split('/').pop()!);
  }
  return [...values];
}

/** The pattern of the agent's remediation executions: their status changes, and only for its own documents. */
export function remediationEventPattern(sources: readonly RemediationEventSource[]): events.EventPattern {
  return {
    source: [SSM_SOURCE],
    detailType: [AUTOMATION_EXECUTION_STATUS_CHANGE],
    detail: { Definition: definitionValues(sources) },
  };
}

/** The settings entry of the enriched forwarder: each document with the rules and resource types that use it. */
export function remediationDocumentsSetting(sources: readonly RemediationEventSource[]):
Record<string, { configRuleNames: string[]; resourceTypes: string[] }> | undefined {
  if (sources.length === 0) return undefined;
  // A Map, so a document named like an Object.prototype member cannot collide with it.
  const byDocument = new Map<string, { configRuleNames: string[]; resourceTypes: string[] }>();
  for (const source of sources) {
    const use = byDocument.get(source.documentName) ?? { configRuleNames: [], resourceTypes: [] };
    if (source.configRuleName !== undefined && !use.configRuleNames.includes(source.configRuleName)) use.configRuleNames.push(source.configRuleName);
    if (source.resourceType !== undefined && !use.resourceTypes.includes(source.resourceType)) use.resourceTypes.push(source.resourceType);
    byDocument.set(source.documentName, use);
  }
  return Object.fromEntries(byDocument);
}
