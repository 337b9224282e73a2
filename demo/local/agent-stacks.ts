/**
 * What each agent stack of the example app sets up in its account, read from its synthesized template:
 * how it records (its AWS::Config::ConfigurationRecorder, or none: it adopts the account's recorder), its
 * rules and conformance packs, and the enriching forwarder's function and environment when it has one.
 *
 * Why from the template: the demo shows what the constructs really synthesize, not a restatement.
 */
import { CfnTemplate } from './dynamodb-from-template';
import { SynthesizedStack } from './example-app-synth';

export interface AgentStackSummary {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** "continuous, all supported resource types (global types too)", or that it adopts the existing recorder. */
  readonly recording: string;
  readonly rules: string[];
  readonly conformancePacks: { readonly name: string; readonly rules: string[] }[];
  /** The enriching forwarder (a function with FORWARDING_SETTINGS), when the stack has one. */
  readonly forwarder?: { readonly logicalId: string; readonly variables: Record<string, unknown> };
  readonly template: CfnTemplate;
}

const resourcesOf = (t: CfnTemplate, type: string) => Object.entries(t.Resources ?? {}).filter(([, r]) => r.Type === type);

/** Strategy and frequency of the stack's recorder, in words. */
export function describeRecording(template: CfnTemplate): string {
  const [recorder] = resourcesOf(template, 'AWS::Config::ConfigurationRecorder');
  if (!recorder) return 'adopts the existing recorder (none in the template)';
  const p = recorder[1].Properties ?? {};
  const group = p.RecordingGroup ?? {};
  const strategy = group.RecordingStrategy?.UseOnly ?? (group.AllSupported ? 'ALL_SUPPORTED_RESOURCE_TYPES' : 'INCLUSION_BY_RESOURCE_TYPES');
  const what = strategy === 'ALL_SUPPORTED_RESOURCE_TYPES' ? `all supported resource types${group.IncludeGlobalResourceTypes ? ' (global types too)' : ''}`
    : strategy === 'EXCLUSION_BY_RESOURCE_TYPES' ? `all but ${(group.ExclusionByResourceTypes?.ResourceTypes ?? []).join(', ')}`
      : `only ${(group.ResourceTypes ?? []).join(', ')}`;
  const frequency = String(p.RecordingMode?.RecordingFrequency ?? 'CONTINUOUS').toLowerCase();
  const overrides = (p.RecordingMode?.RecordingModeOverrides ?? []).map((o: any) => `${String(o.RecordingFrequency).toLowerCase()} for ${(o.ResourceTypes ?? []).join(', ')}`);
  return `${frequency}, ${what}${overrides.length ? `; ${overrides.join('; ')}` : ''}`;
}

/** Rule names inside a conformance pack's TemplateBody (a JSON or YAML string). */
function packRules(body: unknown): string[] {
  if (typeof body !== 'string') return [];
  try {
    const t = JSON.parse(body) as CfnTemplate;
    return resourcesOf(t, 'AWS::Config::ConfigRule').map(([id, r]) => String(r.Properties?.ConfigRuleName ?? id));
  } catch {
    return [...body.matchAll(/ConfigRuleName:\s*['"]?([\w-]+)/g)].map((m) => m[1]);
  }
}

/** The agent stacks of the example app (every stack but the master's), summarized. */
export function agentStacks(stacks: readonly SynthesizedStack[], masterName: string): AgentStackSummary[] {
  return stacks.filter((s) => s.name !== masterName).map((s) => {
    const t = s.template;
    const [, account, region] = /-(\d{12})-([a-z0-9-]+)$/.exec(s.name) ?? [undefined, '?', '?'];
    const forwarder = resourcesOf(t, 'AWS::Lambda::Function')
      .map(([logicalId, r]) => ({ logicalId, variables: (r.Properties?.Environment?.Variables ?? {}) as Record<string, unknown> }))
      .find((f) => 'FORWARDING_SETTINGS' in f.variables);
    return {
      name: s.name,
      account,
      region,
      recording: describeRecording(t),
      rules: resourcesOf(t, 'AWS::Config::ConfigRule').map(([id, r]) => String(r.Properties?.ConfigRuleName ?? id)),
      conformancePacks: resourcesOf(t, 'AWS::Config::ConformancePack')
        .map(([id, r]) => ({ name: String(r.Properties?.ConformancePackName ?? id), rules: packRules(r.Properties?.TemplateBody) })),
      forwarder,
      template: t,
    };
  });
}
