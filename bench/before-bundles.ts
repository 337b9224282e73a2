/**
 * The handler bundles as they were before a change, built in the same run as the bench measures the current ones:
 * a size or load-time figure is only comparable with one taken on the same machine, the same minute, by the same
 * esbuild. The sources of `commit` are exported with `git archive` into a temporary directory and each handler is
 * built with the exact command that commit's own bundle task ran (.projen/tasks.json there), resolving packages from
 * this checkout's node_modules (NODE_PATH), so the bundled libraries differ only where package.json differs.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The commits the bench compares the bundles with, each before one change of what goes into them. */
export const EARLIER_BUNDLES: readonly { readonly commit: string; readonly before: string }[] = [
  { commit: '15bb2cb', before: 'the handlers logged and wrote metrics with Powertools for AWS Lambda' },
  { commit: '9a720b0', before: 'the bundles took the AWS SDK\'s ES module entry points (--main-fields=module,main)' },
];

export interface BeforeBundles {
  readonly commit: string;
  /** assets/handlers/<name>.lambda/index.js of the commit, under `dir`. */
  readonly bundles: string[];
  readonly dir: string;
}

/** Build every `bundle:*.lambda` task of `commit`; the caller removes `dir` when done. */
export function buildBeforeBundles(root: string, commit: string): BeforeBundles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-before-${commit}-`));
  const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: root, maxBuffer: 1024 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const tasks = JSON.parse(fs.readFileSync(path.join(dir, '.projen', 'tasks.json'), 'utf8')).tasks as
    Record<string, { steps?: { exec?: string }[] }>;
  const esbuild = path.join(root, 'node_modules', '.bin', 'esbuild');
  const bundles: string[] = [];
  for (const [name, task] of Object.entries(tasks)) {
    if (!/^bundle:.*\.lambda$/.test(name)) continue;
    const [command, ...args] = task.steps![0].exec!.split(' ');
    if (command !== 'esbuild') throw new Error(`${name} at ${commit} does not run esbuild: ${task.steps![0].exec}`);
    execFileSync(esbuild, args, { cwd: dir, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') }, stdio: ['ignore', 'ignore', 'pipe'] });
    const outfile = args.find((a) => a.startsWith('--outfile='))!.slice('--outfile='.length);
    bundles.push(path.join(dir, outfile));
  }
  return { commit, bundles: bundles.sort(), dir };
}
