/**
 * What the ProcessConfigEvents function does with each event, as the EnrichedForwarder construct configures it.
 * The construct writes one JSON document into the FORWARDING_SETTINGS environment variable (one variable, so the
 * 4 KB environment limit is checked once, at synth time); this module reads it back and refuses anything malformed,
 * because a misread filter would silently drop or forward the wrong events.
 */
export interface ForwardingSettings {
  /** ARN of the master's event bus: the only bus the function puts events on. */
  readonly centralEventBusArn: string;
  /** When non-empty, only events of these resource types are forwarded. */
  readonly includeResourceTypes: readonly string[];
  /** Events of these resource types are dropped (checked after includeResourceTypes). */
  readonly excludeResourceTypes: readonly string[];
  /** Drop compliance results that are NOT_APPLICABLE (unless they replace another status). */
  readonly dropNotApplicable: boolean;
  /** Drop configuration-item updates that changed only relationships or item metadata. */
  readonly dropRelationshipOnlyChanges: boolean;
  /** Share of configuration-item changes forwarded, per resource type, from 0 to 1. */
  readonly samplingRates: Readonly<Record<string, number>>;
  /** Friendly name of this account, added to every forwarded event. */
  readonly accountName?: string;
  /** Labels added to every forwarded event. */
  readonly labels: Readonly<Record<string, string>>;
  /** Name of the bucket the function may read oversized configuration items from. */
  readonly oversizedItemsBucket?: string;
  /**
   * The automation documents of this account's remediations, each with the rules (and resource types) that use it:
   * only their executions are forwarded, with these as hints for the master to link each execution to its item.
   */
  readonly remediationDocuments: Readonly<Record<string, RemediationDocumentUse>>;
}

/** The rules of the agent that run one automation document as their remediation. */
export interface RemediationDocumentUse {
  readonly configRuleNames: readonly string[];
  readonly resourceTypes: readonly string[];
}

/** The environment variable that carries the settings. */
export const SETTINGS_VARIABLE = 'FORWARDING_SETTINGS';

/** Parses and checks the settings document; throws naming the first bad field. */
export function parseForwardingSettings(text: string | undefined): ForwardingSettings {
  if (!text) throw new Error(`environment variable ${SETTINGS_VARIABLE} is not set: the function must be deployed by its construct`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`environment variable ${SETTINGS_VARIABLE} is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw)) throw new Error(`${SETTINGS_VARIABLE} must be a JSON object`);
  const centralEventBusArn = raw.centralEventBusArn;
  if (typeof centralEventBusArn !== 'string' || !centralEventBusArn.startsWith('arn:')) {
    throw new Error(`${SETTINGS_VARIABLE}.centralEventBusArn must be an event bus ARN, got ${JSON.stringify(centralEventBusArn)}`);
  }
  return {
    centralEventBusArn,
    includeResourceTypes: stringList(raw.includeResourceTypes, 'includeResourceTypes'),
    excludeResourceTypes: stringList(raw.excludeResourceTypes, 'excludeResourceTypes'),
    dropNotApplicable: flag(raw.dropNotApplicable, 'dropNotApplicable'),
    dropRelationshipOnlyChanges: flag(raw.dropRelationshipOnlyChanges, 'dropRelationshipOnlyChanges'),
    samplingRates: rates(raw.samplingRates),
    ...optionalString(raw.accountName, 'accountName', 'accountName'),
    labels: stringMap(raw.labels, 'labels'),
    ...optionalString(raw.oversizedItemsBucket, 'oversizedItemsBucket', 'oversizedItemsBucket'),
    remediationDocuments: remediationDocuments(raw.remediationDocuments),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`${SETTINGS_VARIABLE}.${field} must be a list of strings, got ${JSON.stringify(value)}`);
  }
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new Error(`${SETTINGS_VARIABLE}.${field} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new Error(`${SETTINGS_VARIABLE}.${field} must map strings to strings, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, string>;
}

function rates(value: unknown): Record<string, number> {
  if (value === undefined) return {};
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'number' && v >= 0 && v <= 1)) {
    throw new Error(`${SETTINGS_VARIABLE}.samplingRates must map resource types to rates from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, number>;
}

function remediationDocuments(value: unknown): Record<string, RemediationDocumentUse> {
  if (value === undefined) return {};
  const field = 'remediationDocuments';
  if (!isObject(value)) throw new Error(`${SETTINGS_VARIABLE}.${field} must map document names to their rules, got ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([name, use]) => {
    if (!isObject(use)) throw new Error(`${SETTINGS_VARIABLE}.${field}.${name} must be an object, got ${JSON.stringify(use)}`);
    return [name, {
      configRuleNames: stringList(use.configRuleNames, `${field}.${name}.configRuleNames`),
      resourceTypes: stringList(use.resourceTypes, `${field}.${name}.resourceTypes`),
    }];
  }));
}

function optionalString<K extends string>(value: unknown, field: string, key: K): Partial<Record<K, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'string' || value === '') throw new Error(`${SETTINGS_VARIABLE}.${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  return { [key]: value } as Partial<Record<K, string>>;
}
