/**
 * Handler CPU, measured with the V8 sampling profiler (node:inspector, in this process) and attributed by stack.
 *
 * Method: every sample (1 ms interval) is attributed to the innermost frame on its stack that belongs to code we
 * classify: the handler bundle (split, for a non-minified bundle, by the `// node_modules/…` and `// src/…` module
 * comments esbuild writes, into the AWS SDK (`@aws-sdk`, `@smithy`), other libraries, and ours), the naive
 * baseline (bench/baseline.ts, and the SDK in this repository's node_modules), or the local stand-ins. Node's own
 * frames (JSON, crypto, http) count for whichever classified frame called them. Samples with no classified frame
 * (idle, GC, the event loop, socket parsing before a callback) are "unattributed". Dynalite and the proxy run in
 * this same process, which is why process.cpuUsage would not do.
 */
import * as fs from 'fs';
import { Session } from 'inspector';

interface CallFrame { readonly url: string; readonly lineNumber: number; readonly functionName: string }
interface ProfileNode { readonly id: number; readonly callFrame: CallFrame; readonly children?: number[] }
export interface CpuProfile { readonly nodes: ProfileNode[]; readonly samples: number[]; readonly timeDeltas: number[] }

export type Category = 'handler' | 'handler:sdk' | 'handler:libraries' | 'handler:ours' | 'baseline:sdk' | 'baseline:ours' | 'stand-ins';

export class CpuProfiler {
  private readonly session = new Session();

  public async start(intervalUs = 1000): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.post('Profiler.start');
  }

  public async stop(): Promise<CpuProfile> {
    const { profile } = await this.post('Profiler.stop') as { profile: CpuProfile };
    await this.post('Profiler.disable');
    this.session.disconnect();
    return profile;
  }

  private post(method: string, params?: object): Promise<any> {
    return new Promise((resolve, reject) => this.session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  }
}

/** The module each line of a non-minified esbuild bundle belongs to (from its `// path` comments). */
export function bundleModuleMap(file: string): (line: number) => string | undefined {
  const marks: { line: number; module: string }[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, line) => {
    const m = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(text);
    if (m) marks.push({ line, module: m[1] });
  });
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1; // eslint-disable-line no-bitwise
      if (marks[mid].line <= line) {
        found = marks[mid].module;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  };
}

export interface ClassifyOptions {
  /** The handler bundle's path (as loaded). */
  readonly bundle?: string;
  /** Module map of a non-minified bundle, to split the handler's time. */
  readonly moduleOf?: (line: number) => string | undefined;
}

export function classifier(options: ClassifyOptions): (frame: CallFrame) => Category | undefined {
  return (f) => {
    const url = f.url.replace(/^file:\/\//, '');
    if (!url) return undefined;
    if (options.bundle && url === options.bundle) {
      if (!options.moduleOf) return 'handler';
      const m = options.moduleOf(f.lineNumber) ?? '';
      if (/^node_modules\/(@aws-sdk|@smithy)\//.test(m)) return 'handler:sdk';
      if (m.startsWith('node_modules/')) return 'handler:libraries';
      return 'handler:ours';
    }
    if (/\/bench\/baseline\.ts$/.test(url)) return 'baseline:ours';
    if (/\/node_modules\/(@aws-sdk|@smithy)\//.test(url)) return 'baseline:sdk';
    if (/\/node_modules\/dynalite\/|\/demo\/local\/|\/node_modules\/(leveldown|levelup|memdown|lazy|async|big\.js)\//.test(url)) return 'stand-ins';
    return undefined;
  };
}

/** Milliseconds of samples per category, plus 'unattributed' and 'total'. */
export function attribute(profile: CpuProfile, classify: (frame: CallFrame) => Category | undefined): Record<string, number> {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const seen: number[] = [];
    let cur: number | undefined = id;
    let found = 'unattributed';
    while (cur !== undefined) {
      const cached = memo.get(cur);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      seen.push(cur);
      const c = classify(byId.get(cur)!.callFrame);
      if (c) {
        found = c;
        break;
      }
      cur = parent.get(cur);
    }
    for (const s of seen) memo.set(s, found);
    return found;
  };
  const out: Record<string, number> = { total: 0, unattributed: 0 };
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const name = byId.get(id)?.callFrame.functionName;
    const c = name === '(idle)' ? 'idle' : categoryOf(id);
    out[c] = (out[c] ?? 0) + ms;
    out.total += ms;
  });
  return out;
}
