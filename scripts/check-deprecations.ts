/**
 * Synthesizes the example app (demo/example-app.ts) with JSII_DEPRECATED=fail, against the installed aws-cdk-lib (the
 * minimum the library supports) and, unless `--installed-only`, against NEWEST_AWS_CDK_LIB installed into a temporary
 * directory: a deprecated aws-cdk-lib API used by the library or the example app fails the check, naming the API and
 * the line that called it.
 *
 * Why not JSII_DEPRECATED=fail alone: aws-cdk-lib calls some of its own deprecated APIs (2.257.0's TableV2 passes the
 * deprecated `TableGrantsProps#encryptedResource` when a table has a customer-managed key), which would stop the synth
 * on something no user of aws-cdk-lib can change. So every deprecation check is wrapped: one called from aws-cdk-lib
 * itself is reported and let through, any other is rethrown.
 *
 * Usage: ts-node scripts/check-deprecations.ts [--installed-only] [--app <module exporting buildExampleApp>]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The newest aws-cdk-lib the check also runs against, pinned so that a release cannot change the result overnight. */
const NEWEST_AWS_CDK_LIB = '2.278.0';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const libDirIndex = args.indexOf('--aws-cdk-lib-dir');
const libDir = libDirIndex >= 0 ? args[libDirIndex + 1] : undefined;
const appIndex = args.indexOf('--app');
/** The app to synthesize: the example app, or another (the check's own test uses one that calls a deprecated API). */
const appModule = appIndex >= 0 ? path.resolve(args[appIndex + 1]) : path.join(ROOT, 'demo/example-app');

if (args.includes('--child')) {
  synthOnce(libDir);
} else {
  runAll();
}

function runAll(): void {
  const runs: Array<{ label: string; dir?: string }> = [{ label: 'installed aws-cdk-lib' }];
  if (!args.includes('--installed-only')) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-cdk-lib-newest-'));
    // Its own package.json, so that npm installs here and never touches the project's lock file.
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'newest-aws-cdk-lib', private: true }));
    const constructs = packageVersion(path.join(ROOT, 'node_modules/constructs/package.json'));
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts',
      `aws-cdk-lib@${NEWEST_AWS_CDK_LIB}`, `constructs@${constructs}`], { cwd: dir, stdio: 'inherit' });
    if (install.status !== 0) fail(`could not install aws-cdk-lib@${NEWEST_AWS_CDK_LIB} into ${dir}`);
    runs.push({ label: `aws-cdk-lib ${NEWEST_AWS_CDK_LIB}`, dir });
  }
  for (const run of runs) {
    // One process per version: a module cache holds one aws-cdk-lib.
    const childArgs = [__filename, '--child', '--app', appModule, ...(run.dir ? ['--aws-cdk-lib-dir', run.dir] : [])];
    const child = spawnSync(process.execPath, [...process.execArgv, ...childArgs], {
      cwd: ROOT, stdio: 'inherit', env: { ...process.env, JSII_DEPRECATED: 'fail' },
    });
    if (child.status !== 0) fail(`the example app uses a deprecated API of ${run.label} (see above)`);
  }
  for (const run of runs) if (run.dir) fs.rmSync(run.dir, { recursive: true, force: true });
}

function synthOnce(dir: string | undefined): void {
  process.env.JSII_DEPRECATED = 'fail';
  if (dir) redirect(['aws-cdk-lib', 'constructs'], dir);
  const version = packageVersion(require.resolve('aws-cdk-lib/package.json'));
  const internal = interceptDeprecations();

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildExampleApp } = require(appModule) as typeof import('../demo/example-app');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-deprecations-'));
  try {
    const stacks = buildExampleApp(outdir).synth().stacks.length;
    for (const name of internal) console.log(`  (aws-cdk-lib ${version} uses its own deprecated ${name}: not ours to change)`);
    console.log(`check:deprecations: the example app (${stacks} stacks) synthesizes against aws-cdk-lib ${version} `
      + 'with JSII_DEPRECATED=fail');
  } catch (error) {
    fail(`against aws-cdk-lib ${version}: ${(error as Error).message}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resolves `packages` (and their subpaths) from `dir`, wherever they are required from. */
function redirect(packages: string[], dir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (packages.some((name) => request === name || request.startsWith(`${name}/`))) {
      return resolve.call(this, request, rest[0], rest[1], { paths: [dir] });
    }
    return resolve.call(this, request, ...rest);
  };
}

/**
 * Wraps aws-cdk-lib's deprecation checks (the module every aws-cdk-lib class calls): a check that fails for a call
 * made inside aws-cdk-lib is recorded and let through; one for a call from anywhere else is rethrown with its caller.
 * Returns the names let through.
 */
function interceptDeprecations(): Set<string> {
  const warningsPath = require.resolve('aws-cdk-lib/.warnings.jsii.js');
  // Loaded here, before any aws-cdk-lib class, so that every class gets the wrapped module from the cache.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(warningsPath);
  const cached = require.cache[warningsPath]!;
  const original = cached.exports;
  const internal = new Set<string>();
  let depth = 0;
  const libRoot = path.dirname(require.resolve('aws-cdk-lib/package.json')) + path.sep;
  cached.exports = new Proxy(original, {
    get(target, prop) {
      const check = target[prop];
      if (typeof check !== 'function' || prop === 'DeprecationError' || prop === 'getPropertyDescriptor') return check;
      return function (this: unknown, ...checkArgs: unknown[]) {
        depth++;
        try {
          return check.apply(this, checkArgs);
        } catch (error) {
          if (depth > 1 || (error as Error).name !== 'DeprecationError') throw error;
          // [0] this wrapper, [1] the deprecated aws-cdk-lib API that ran the check, then who called that API, past the
          // frames of the same name (aws-cdk-lib's class decorators wrap constructors: `new Table` appears three times).
          const frames = (new Error().stack ?? '').split('\n').slice(1).map((line) => line.trim());
          const nameOf = (frame: string) => frame.split(' (')[0];
          const caller = frames.slice(2).find((frame) => nameOf(frame) !== nameOf(frames[1])) ?? '';
          if (caller.includes(libRoot)) {
            internal.add((error as Error).message.split(' is deprecated')[0]);
            return undefined;
          }
          (error as Error).message += `\n  called ${caller}`;
          throw error;
        } finally {
          depth--;
        }
      };
    },
  });
  return internal;
}

function packageVersion(packageJson: string): string {
  return JSON.parse(fs.readFileSync(packageJson, 'utf-8')).version;
}

function fail(message: string): never {
  console.error(`check:deprecations: ${message}`);
  process.exit(1);
}
