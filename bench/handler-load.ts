/**
 * Cold-start cost of the shipped handler bundles: file size and module-load time.
 *
 * Why child processes: `require` caches modules, so only a fresh process measures what a Lambda cold
 * start pays. Each sample is a new `node` that times `require(bundle)` itself (node's own start-up
 * excluded, reported apart); the median of N samples is reported. Next to each bundle, the same SDK
 * clients loaded from node_modules (many small files) are measured the same way: the reference notes
 * say one esbuild file loads faster, and this checks it on this machine.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

export interface LoadMeasure {
  readonly name: string;
  /** Set when the module failed to load; the figures are then NaN. */
  readonly error?: string;
  readonly sizeKb?: number;
  /** Median time of `require(...)` inside a fresh process, ms. */
  readonly loadMsMedian: number;
  readonly loadMsMin: number;
  readonly loadMsMax: number;
  /** Median wall time of the whole child process (node start-up + load), ms. */
  readonly processMsMedian: number;
  readonly samples: number;
}

/** The SDK clients the HandleConfigEvents handler uses, loaded from node_modules. */
export const SDK_FROM_NODE_MODULES = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sns', '@aws-sdk/client-sqs'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Candidate {
  readonly name: string;
  readonly modules: string[];
  readonly sizeKb?: number;
  /** Environment of the function this bundle ships in (placeholders), added to CHILD_ENV. */
  readonly env?: Record<string, string>;
}

/** A synthesized template, as much of it as the environments need. */
export interface TemplateLike {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, any> }>;
}

/**
 * Each Lambda function's environment in the synthesized templates, with references replaced by placeholders of
 * the right shape (an ARN for Fn::GetAtt …Arn, a queue URL for an SQS Ref, a name otherwise): bundles that check
 * their variables at load get what their function has, and no call is ever made with them.
 */
export function functionEnvironments(templates: readonly TemplateLike[]): { logicalId: string; env: Record<string, string> }[] {
  const out: { logicalId: string; env: Record<string, string> }[] = [];
  for (const t of templates) {
    const resources = t.Resources ?? {};
    const placeholder = (v: any): string => {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
      const [target, attr] = v?.Ref !== undefined ? [String(v.Ref), 'Ref'] : Array.isArray(v?.['Fn::GetAtt']) ? v['Fn::GetAtt'] : ['value', 'Ref'];
      const type = resources[target]?.Type ?? '';
      if (type === 'AWS::SQS::Queue' && attr === 'Ref') return `https://sqs.us-east-1.amazonaws.com/111111111111/${target}`;
      if (type === 'AWS::SNS::Topic' || attr === 'Arn') return `arn:aws:${type.split('::')[1]?.toLowerCase() ?? 'x'}:us-east-1:111111111111:${target}`;
      return `load-measure-${target}`;
    };
    for (const [logicalId, r] of Object.entries(resources)) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const vars = (r.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
      out.push({ logicalId, env: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, placeholder(v)])) });
    }
  }
  return out;
}

/**
 * The environment for a bundle (assets/handlers/<name>.lambda/index.js): the function whose logical id names it
 * (HandleConfigEvents for handle-config-events), else the function carrying the variables only that handler reads
 * (FORWARDING_SETTINGS for the forwarder), else every function's variables together.
 */
export function environmentForBundle(
  bundleFile: string,
  functions: readonly { logicalId: string; env: Record<string, string> }[],
): Record<string, string> {
  const name = path.basename(path.dirname(bundleFile)).replace(/\.lambda$/, '');
  const pascal = name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  const byName = functions.find((f) => f.logicalId.includes(pascal));
  if (byName) return byName.env;
  const bySignature = name === 'process-config-events' ? functions.find((f) => 'FORWARDING_SETTINGS' in f.env) : undefined;
  if (bySignature) return bySignature.env;
  return Object.assign({}, ...functions.map((f) => f.env));
}

const CHILD_ENV = {
  // Handlers check their configuration at module load (runtime-contract.md variables): give them
  // placeholders, since only loading is measured and no call is made.
  COMPLIANCE_TABLE_NAME: 'load-measure-compliance',
  EVENTS_TABLE_NAME: 'load-measure-events',
  NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:load-measure',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/load-measure',
  HISTORY_RETENTION_DAYS: '90',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // Module-scope clients must not find real credentials: loading only, no calls.
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

/** One fresh node process that times `require` of the modules: [require ms, process wall ms]. */
function sample(c: Candidate, cwd: string): [number, number] {
  const script = `const t=process.hrtime.bigint();${c.modules.map((m) => `require(${JSON.stringify(m)});`).join('')}`
    + 'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));';
  const t0 = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['-e', script], { cwd, env: { ...process.env, ...CHILD_ENV, ...c.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return [Number(out.trim()), Number(process.hrtime.bigint() - t0) / 1e6];
}

/**
 * Measure every candidate `samples` times, round-robin: on a shared machine load drifts, and
 * interleaving spreads the drift over all candidates instead of biasing whichever ran last.
 */
export function measureLoads(candidates: Candidate[], samples: number, cwd: string): LoadMeasure[] {
  const loads = candidates.map(() => [] as number[]);
  const walls = candidates.map(() => [] as number[]);
  const errors: (string | undefined)[] = candidates.map(() => undefined);
  for (let i = 0; i < samples; i++) {
    candidates.forEach((c, j) => {
      if (errors[j]) return;
      try {
        const [load, wall] = sample(c, cwd);
        loads[j].push(load);
        walls[j].push(wall);
      } catch (e) {
        // A module that cannot load is a finding to report, not a reason to lose the other measures.
        // The thrown error's own line (`Error: …`), not a line of minified bundle source that merely contains "Error".
        const stderr = String((e as { stderr?: string }).stderr ?? e);
        errors[j] = (stderr.split('\n').find((l) => /^[\w$.]*(Error|Exception)\b/.test(l)) ?? stderr).slice(0, 200);
      }
    });
  }
  return candidates.map((c, j) => ({
    ...(errors[j] ? { error: errors[j] } : {}),
    name: c.name,
    ...(c.sizeKb !== undefined ? { sizeKb: c.sizeKb } : {}),
    loadMsMedian: median(loads[j]),
    loadMsMin: Math.min(...loads[j]),
    loadMsMax: Math.max(...loads[j]),
    processMsMedian: median(walls[j]),
    samples,
  }));
}

/** Every assets/**\/index.js under the root. */
export function findBundles(root: string): string[] {
  const dir = path.join(root, 'assets');
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'index.js') out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The same SDK modules bundled into one file by esbuild (as the handler build does, SDK inlined),
 * plain and minified: isolates "one file vs node_modules" from "what the handler adds".
 */
export function bundleSdkForComparison(outDir: string): { plain: string; minified: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const contents = SDK_FROM_NODE_MODULES.map((m) => `require(${JSON.stringify(m)});`).join('\n');
  const build = (minify: boolean) => {
    const outfile = path.join(outDir, minify ? 'sdk-bundle.min.js' : 'sdk-bundle.js');
    buildSync({ stdin: { contents, resolveDir: process.cwd() }, bundle: true, platform: 'node', target: 'node20', minify, outfile, logLevel: 'warning' });
    return outfile;
  };
  return { plain: build(false), minified: build(true) };
}

/**
 * Powertools Logger and Metrics alone, one minified esbuild file that also constructs what every handler constructs
 * at load (a Logger): what the handlers pay for them, apart from the load-time noise of a whole bundle.
 */
export function bundlePowertoolsForComparison(outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const contents = "const { Logger } = require('@aws-lambda-powertools/logger'); require('@aws-lambda-powertools/metrics'); new Logger();";
  const outfile = path.join(outDir, 'powertools-bundle.min.js');
  buildSync({ stdin: { contents, resolveDir: process.cwd() }, bundle: true, platform: 'node', target: 'node20', minify: true, outfile, logLevel: 'warning' });
  return outfile;
}

export interface HandlerLoadReport {
  readonly nodeVersion: string;
  /** `node -e ""`: the start-up every sample's process time includes. */
  readonly nodeStartupMsMedian: number;
  readonly bundles: LoadMeasure[];
  readonly sdkFromNodeModules: LoadMeasure;
  /** The same modules as one esbuild file, plain and minified; then Powertools Logger and Metrics alone. */
  readonly sdkBundled: LoadMeasure[];
  /** The same handlers built from earlier commits, measured in the same round-robin (bench/before-bundles.ts). */
  readonly before?: { readonly commit: string; readonly bundles: LoadMeasure[] }[];
}

/**
 * Measure every shipped bundle against the SDK loaded from node_modules. `templates`: the synthesized example
 * app's, so each bundle loads with its function's environment.
 */
export function measureHandlerLoad(
  root = process.cwd(),
  samples = 9,
  templates: readonly TemplateLike[] = [],
  before: readonly { readonly commit: string; readonly dir: string; readonly bundles: readonly string[] }[] = [],
): HandlerLoadReport {
  const kb = (f: string) => Math.round(fs.statSync(f).size / 102.4) / 10;
  const functions = functionEnvironments(templates);
  const bundles: Candidate[] = findBundles(root).map((file) => ({
    name: path.relative(root, file), modules: [file], sizeKb: kb(file), env: environmentForBundle(file, functions),
  }));
  const earlier: Candidate[] = before.flatMap((commit) => commit.bundles.map((file) => ({
    name: `${commit.commit}:${path.relative(commit.dir, file)}`, modules: [file], sizeKb: kb(file), env: environmentForBundle(file, functions),
  })));
  const sdk = bundleSdkForComparison(path.join(root, 'bench', 'out'));
  const reference: Candidate[] = [
    { name: 'node start-up', modules: [] },
    { name: 'the 4 SDK modules from node_modules', modules: SDK_FROM_NODE_MODULES },
    { name: 'the 4 SDK modules as one esbuild file', modules: [sdk.plain], sizeKb: kb(sdk.plain) },
    { name: 'the 4 SDK modules as one esbuild file, minified', modules: [sdk.minified], sizeKb: kb(sdk.minified) },
  ];
  const powertools = bundlePowertoolsForComparison(path.join(root, 'bench', 'out'));
  reference.push({ name: 'Powertools Logger + Metrics alone, minified', modules: [powertools], sizeKb: kb(powertools) });
  const measured = measureLoads([...bundles, ...earlier, ...reference], samples, root);
  const [startup, fromNodeModules, ...bundled] = measured.slice(bundles.length + earlier.length);
  const earlierMeasured = measured.slice(bundles.length, bundles.length + earlier.length);
  return {
    ...(before.length > 0 ? {
      before: before.map((commit) => ({ commit: commit.commit, bundles: earlierMeasured.filter((m) => m.name.startsWith(`${commit.commit}:`)) })),
    } : {}),
    nodeVersion: process.version,
    nodeStartupMsMedian: startup.processMsMedian,
    bundles: measured.slice(0, bundles.length),
    sdkFromNodeModules: fromNodeModules,
    sdkBundled: bundled,
  };
}

export function formatHandlerLoad(r: HandlerLoadReport): string {
  const rows = [...r.bundles, r.sdkFromNodeModules, ...r.sdkBundled].map((m) =>
    `  ${m.name.padEnd(58)} ${(m.sizeKb !== undefined ? `${m.sizeKb} KB` : '-').padStart(10)} `
    + (m.error ? `failed to load: ${m.error}`
      : `${m.loadMsMedian.toFixed(1).padStart(8)} ms (${m.loadMsMin.toFixed(0)}–${m.loadMsMax.toFixed(0)})  ${m.processMsMedian.toFixed(0).padStart(5)} ms`));
  return [
    `node ${r.nodeVersion}; node start-up alone ${r.nodeStartupMsMedian.toFixed(0)} ms (median of ${r.sdkFromNodeModules.samples})`,
    `  ${'module'.padEnd(58)} ${'size'.padStart(10)} ${'require, median (min–max)'.padStart(25)}  process`,
    ...rows,
    `  (${SDK_FROM_NODE_MODULES.join(', ')})`,
    ...(r.before ?? []).flatMap((earlier) => ['', formatBeforeAfter(earlier.commit, earlier.bundles, r.bundles)]),
  ].join('\n');
}

/** Each handler's bundle before (an earlier commit) and now, side by side: size and median `require` time, and their ratios. */
export function formatBeforeAfter(commit: string, before: readonly LoadMeasure[], after: readonly LoadMeasure[]): string {
  const handler = (m: LoadMeasure) => path.basename(path.dirname(m.name));
  const signed = (n: number, digits: number) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
  const cell = (m: LoadMeasure | undefined) => (m === undefined ? '-' : m.error ? 'failed' : m.loadMsMedian.toFixed(1));
  const rows = after.map((a) => {
    const b = before.find((m) => handler(m) === handler(a));
    const size = b?.sizeKb !== undefined && a.sizeKb !== undefined ? signed(a.sizeKb - b.sizeKb, 1) : '-';
    const loaded = b !== undefined && !b.error && !a.error;
    const load = loaded ? signed(a.loadMsMedian - b.loadMsMedian, 1) : '-';
    const sizeRatio = b?.sizeKb && a.sizeKb !== undefined ? `${(a.sizeKb / b.sizeKb).toFixed(2)}×` : '-';
    const loadRatio = loaded && b.loadMsMedian > 0 ? `${(a.loadMsMedian / b.loadMsMedian).toFixed(2)}×` : '-';
    return `  ${handler(a).padEnd(30)} ${String(b?.sizeKb ?? '-').padStart(9)} ${String(a.sizeKb ?? '-').padStart(9)} ${size.padStart(8)} ${sizeRatio.padStart(6)}`
      + `   ${cell(b).padStart(8)} ${cell(a).padStart(8)} ${load.padStart(7)} ${loadRatio.padStart(6)}`;
  });
  return [
    `handler bundles at ${commit} (before) and now (after); require ms = median, in the same round-robin`,
    `  ${'handler'.padEnd(30)} ${'KB before'.padStart(9)} ${'KB after'.padStart(9)} ${'Δ KB'.padStart(8)} ${'ratio'.padStart(6)}`
      + `   ${'ms before'.padStart(8)} ${'ms after'.padStart(8)} ${'Δ ms'.padStart(7)} ${'ratio'.padStart(6)}`,
    ...rows,
  ].join('\n');
}

// Run alone: npx ts-node --transpile-only --project test/tsconfig.json bench/handler-load.ts [samples]
if (require.main === module) {
  const report = measureHandlerLoad(process.cwd(), Number(process.argv[2] ?? 9));
  console.log(formatHandlerLoad(report));
}
