/**
 * Synthesize the example app (demo/example-app.ts) and find the master's template in it.
 *
 * Why no fallback: the demo and the benchmark are only worth their figures when they run the tables,
 * indexes and environment the constructs really synthesize. When the example app cannot be synthesized,
 * or holds no HandleConfigEvents function, they stop with a message saying why, rather than measuring a
 * hand-copied template that may have drifted from the constructs.
 */
import * as path from 'path';
import { CfnTemplate } from './dynamodb-from-template';
import { findHandlerFunction, HANDLER_ENV_VARS, HandlerFunction } from './handler-environment';
import { buildExampleApp } from '../example-app';

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
  /** Which stack of the example app it is, for the reports. */
  readonly origin: string;
  /** The HandleConfigEvents function in it. */
  readonly handler: HandlerFunction;
  /** Every stack the example app synthesized. */
  readonly stacks: SynthesizedStack[];
}

export function resourceCounts(template: CfnTemplate): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(template.Resources ?? {})) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Synthesize the example app into `outdir`; a failure names the example app and the cause. */
export function synthExampleApp(outdir: string): SynthesizedStack[] {
  let stacks: { stackName: string; templateFullPath: string; template: CfnTemplate }[];
  try {
    stacks = buildExampleApp(path.resolve(outdir)).synth().stacks;
  } catch (e) {
    throw new Error(`cannot synthesize the example app (demo/example-app.ts) into ${outdir}: ${(e as Error).message}`);
  }
  return stacks.map((s) => ({
    name: s.stackName,
    templateFile: s.templateFullPath,
    template: s.template,
    resourceCounts: resourceCounts(s.template),
    resourceTotal: Object.keys(s.template.Resources ?? {}).length,
  }));
}

/** The stack holding the HandleConfigEvents function; throws, naming the stacks searched, when none does. */
export function findMasterStack(stacks: readonly SynthesizedStack[]): MasterTemplate {
  for (const s of stacks) {
    const handler = findHandlerFunction(s.template);
    if (handler) return { template: s.template, origin: `example app, stack ${s.name}`, handler, stacks: [...stacks] };
  }
  throw new Error(`no stack of the example app (${stacks.map((s) => s.name).join(', ') || 'none'}) has a Lambda function `
    + `with ${HANDLER_ENV_VARS.slice(0, 2).join(' and ')}: the demo and the benchmark need the master's HandleConfigEvents function`);
}

/** The master's template: the example app's stack holding HandleConfigEvents. Throws when there is none. */
export function masterTemplate(outdir = 'cdk.out'): MasterTemplate {
  return findMasterStack(synthExampleApp(outdir));
}
