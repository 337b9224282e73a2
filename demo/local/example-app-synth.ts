/**
 * Synthesize the example app (demo/example-app.ts) and find the master's template in it.
 *
 * Why a guarded, runtime load: the example app is written by another engineer and may not exist yet,
 * or may not compile yet; the demo and the benchmark must then say so plainly and fall back to the
 * contract's template (demo/local/contract-template.ts) instead of crashing at import time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONTRACT_TEMPLATE } from './contract-template';
import { CfnTemplate } from './dynamodb-from-template';
import { findHandlerFunction } from './handler-environment';

export interface SynthesizedStack {
  readonly name: string;
  readonly templateFile?: string;
  readonly template: CfnTemplate;
  /** Resource type → count. */
  readonly resourceCounts: Record<string, number>;
  readonly resourceTotal: number;
}

export interface MasterTemplate {
  readonly template: CfnTemplate;
  /** Where it came from: a stack of the example app, or the contract fallback. */
  readonly origin: string;
  readonly fromExampleApp: boolean;
  /** Every stack the example app synthesized (empty on fallback). */
  readonly stacks: SynthesizedStack[];
  /** Why the example app was not used, on fallback. */
  readonly fallbackReason?: string;
}

export function resourceCounts(template: CfnTemplate): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(template.Resources ?? {})) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Load demo/example-app.ts and synthesize it into `outdir` (passed to buildExampleApp(outdir), and as
 * CDK_OUTDIR for an App that ignores the argument). Throws with a readable message when it cannot.
 */
export function synthExampleApp(outdir: string): SynthesizedStack[] {
  const file = path.join(__dirname, '..', 'example-app.ts');
  if (!fs.existsSync(file)) throw new Error(`${path.relative(process.cwd(), file)} does not exist yet (another engineer writes it)`);
  process.env.CDK_OUTDIR = path.resolve(outdir);
  // A runtime path on purpose: a static import would fail this module's load while the file is missing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file.replace(/\.ts$/, ''));
  if (typeof mod.buildExampleApp !== 'function') throw new Error('demo/example-app.ts exports no buildExampleApp()');
  const built = mod.buildExampleApp(path.resolve(outdir));
  // buildExampleApp may return the App, or an already synthesized CloudAssembly.
  const assembly = typeof built?.synth === 'function' ? built.synth() : built;
  if (!assembly?.stacks) throw new Error('buildExampleApp() returned neither an App nor a CloudAssembly');
  return assembly.stacks.map((s: any) => ({
    name: s.stackName ?? s.id,
    templateFile: s.templateFullPath,
    template: s.template,
    resourceCounts: resourceCounts(s.template),
    resourceTotal: Object.keys(s.template.Resources ?? {}).length,
  }));
}

/** The master's template: the example app's stack holding HandleConfigEvents, else the contract fallback. */
export function masterTemplate(outdir = 'cdk.out'): MasterTemplate {
  let stacks: SynthesizedStack[] = [];
  try {
    stacks = synthExampleApp(outdir);
    const master = stacks.find((s) => findHandlerFunction(s.template));
    if (master) return { template: master.template, origin: `example app, stack ${master.name}`, fromExampleApp: true, stacks };
    return {
      template: CONTRACT_TEMPLATE,
      origin: 'contract fallback',
      fromExampleApp: false,
      stacks,
      fallbackReason: 'no stack of the example app has a Lambda function with COMPLIANCE_TABLE_NAME and EVENTS_TABLE_NAME',
    };
  } catch (e) {
    return { template: CONTRACT_TEMPLATE, origin: 'contract fallback', fromExampleApp: false, stacks, fallbackReason: (e as Error).message };
  }
}
