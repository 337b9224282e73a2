/**
 * The Python, Java and Go bindings built for real, and the example app written against each (examples/, README
 * "Install"). One command per stage, each run by the test task (see .projenrc.ts):
 *
 *   setup                      the pinned Python tools: .venv/cfn-lint (the policy tests' cfn-lint) and .venv/examples
 *                              (aws-cdk-lib, constructs, jsii and mypy for the Python example)
 *   build                      jsii-pacmak: the Python wheel, the Java jar and the Go module into dist/bindings, and
 *                              the .NET source (generated, not built: NuGet is not reachable here)
 *   examples [python|java|go]  the example app in each language (default: all three): type check, compile or vet,
 *                              then synthesize into examples/<language>/cdk.out with the CDK app entry, as `cdk synth`
 *                              would (test/bindings compares the templates with the TypeScript app's)
 *
 * Every step prints its name and its time. A missing toolchain fails the step with what is missing: nothing is
 * skipped.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const BINDINGS = path.join(ROOT, 'dist', 'bindings');
const EXAMPLES = path.join(ROOT, 'examples');

/** The pinned Python tool sets: a virtual environment under .venv each, from a requirements file with hashes. */
export const VENVS = {
  'cfn-lint': path.join(ROOT, 'tools', 'cfn-lint', 'requirements.txt'),
  'examples': path.join(EXAMPLES, 'python', 'requirements.txt'),
} as const;
export type VenvName = keyof typeof VENVS;

export function venvBin(name: VenvName, tool: string): string {
  return path.join(ROOT, '.venv', name, 'bin', tool);
}

/** The Python wheel, the Java jar (and its pom) and the Go module jsii-pacmak builds. */
export const ARTIFACTS = {
  python: path.join(BINDINGS, 'python', 'cdk_config_monitoring-0.0.0-py3-none-any.whl'),
  java: path.join(BINDINGS, 'java', 'io', 'github', 'cdk-config-monitoring', 'cdk-config-monitoring', '0.0.0', 'cdk-config-monitoring-0.0.0.jar'),
  go: path.join(BINDINGS, 'go', 'cdkconfigmonitoring', 'go.mod'),
} as const;
export type Language = keyof typeof ARTIFACTS;
export const LANGUAGES = Object.keys(ARTIFACTS) as Language[];

/** Where each language's example app synthesizes to. */
export function exampleOutdir(language: Language): string {
  return path.join(EXAMPLES, language, 'cdk.out');
}

/** Where each language's minimal app (the README's Install section) synthesizes to. */
export function minimalOutdir(language: Language): string {
  return path.join(EXAMPLES, language, 'cdk.out', 'minimal');
}

// aws-cdk-lib warns at every synth about props its own TableV2 passes (the TypeScript tests quiet it too), and the
// jsii runtimes print a banner about Node.js 20 at every start: neither is about the example apps.
const QUIET = { JSII_DEPRECATED: 'quiet', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };

function step(name: string, body: () => void): void {
  console.log(`\n▶ ${name}`);
  const started = process.hrtime.bigint();
  try {
    body();
  } catch (e) {
    console.error(`✖ ${name} failed after ${elapsed(started)}: ${(e as Error).message}`);
    process.exit(1);
  }
  console.log(`✔ ${name} (${elapsed(started)})`);
}

function elapsed(started: bigint): string {
  return `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`;
}

/** Runs a command with its output shown; throws, naming the command, when it fails. */
function run(command: string, args: string[], options: SpawnSyncOptions = {}): void {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options, env: { ...process.env, ...QUIET, ...options.env } });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${[command, ...args].join(' ')} exited with ${result.status ?? result.signal}`);
}

/** The first line a tool prints of its version; throws, saying what needs it, when the tool is not on the PATH. */
function requireTool(command: string, versionArgs: string[], neededFor: string): string {
  const result = spawnSync(command, versionArgs, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`${command} is not on the PATH (or \`${command} ${versionArgs.join(' ')}\` fails): ${neededFor}. `
      + 'The project\'s machines come with it (see the README, Quick start); install it and run again');
  }
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0];
}

function requireArtifact(file: string): void {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} does not exist: build the bindings first (npx projen check:bindings)`);
}

/**
 * Creates the virtual environment from its requirements file, or keeps it when it was made from the same file:
 * a changed file gives a new environment, so nothing left from an older pin stays installed.
 */
function ensureVenv(name: VenvName): void {
  const requirements = VENVS[name];
  const dir = path.join(ROOT, '.venv', name);
  const stamp = path.join(dir, 'requirements.sha256');
  const digest = createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest && fs.existsSync(venvBin(name, 'python'))) {
    console.log(`.venv/${name} is up to date with ${path.relative(ROOT, requirements)}`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  run('python3', ['-m', 'venv', dir]);
  // Hash-checking mode: every package, dependencies included, must be pinned with its hash in the file.
  run(venvBin(name, 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--require-hashes', '-r', requirements]);
  fs.writeFileSync(stamp, digest);
}

function setup(): void {
  // Every toolchain the later steps need, checked first: a machine without one fails in seconds, not after the tests.
  step('toolchains: Python, Java, Maven, Go', () => {
    console.log(requireTool('python3', ['--version'], 'cfn-lint, the Python wheel and the Python example app need Python 3.10 or later'));
    run('python3', ['-c', 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or later is needed")']);
    console.log(requireTool('java', ['-version'], 'the Java binding and example app need a JDK 17 or later'));
    console.log(requireTool('mvn', ['--version', '--batch-mode'], 'jsii-pacmak builds the Java jar with Maven, and the Java example app builds with it'));
    console.log(requireTool('go', ['version'], 'jsii-pacmak builds the Go module with Go 1.25 or later, and the Go example app builds with it'));
  });
  for (const name of Object.keys(VENVS) as VenvName[]) step(`python: .venv/${name}`, () => ensureVenv(name));
}

function build(): void {
  step('bindings: toolchains', () => {
    console.log(requireTool('python3', ['--version'], 'jsii-pacmak builds the Python wheel with it'));
    console.log(requireTool('mvn', ['--version', '--batch-mode'], 'jsii-pacmak builds the Java jar with Maven'));
    console.log(requireTool('go', ['version'], 'jsii-pacmak builds the Go module with it'));
  });
  step('bindings: jsii-pacmak build of the Python wheel, the Java jar and the Go module', () => {
    fs.rmSync(BINDINGS, { recursive: true, force: true });
    // Maven's own cache (~/.m2) instead of jsii-pacmak's per-build one, so aws-cdk-lib's jars are downloaded once.
    const m2 = path.join(os.homedir(), '.m2', 'repository');
    run('jsii-pacmak', ['--target', 'python', '--target', 'java', '--target', 'go', '--outdir', BINDINGS, '--maven-local-repository', m2],
      { env: { GOTOOLCHAIN: 'local' } });
    for (const artifact of Object.values(ARTIFACTS)) requireArtifact(artifact);
  });
  step('bindings: jsii-pacmak .NET source (not built: no NuGet here)', () => {
    run('jsii-pacmak', ['--code-only', '--target', 'dotnet', '--outdir', BINDINGS]);
  });
}

function python(): void {
  const dir = path.join(EXAMPLES, 'python');
  step('python: install the wheel', () => {
    requireArtifact(ARTIFACTS.python);
    ensureVenv('examples');
    // Its dependencies are the pinned ones of requirements.txt; pip check proves they satisfy what the wheel asks for.
    run(venvBin('examples', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--force-reinstall', ARTIFACTS.python]);
    run(venvBin('examples', 'python'), ['-m', 'pip', 'check']);
  });
  step('python: mypy --strict', () => run(venvBin('examples', 'mypy'), [], { cwd: dir }));
  step('python: synthesize (python app.py)', () => synth(exampleOutdir('python'), venvBin('examples', 'python'), ['app.py'], dir));
  step('python: the README\'s minimal app (python minimal_app.py)', () =>
    synth(minimalOutdir('python'), venvBin('examples', 'python'), ['minimal_app.py'], dir));
}

const MVN_FLAGS = ['--batch-mode', '--quiet', '--no-transfer-progress'];

function java(): void {
  const dir = path.join(EXAMPLES, 'java');
  const mvn = (args: string[], options = { quiet: true }) => {
    run('mvn', [...(options.quiet ? MVN_FLAGS : MVN_FLAGS.filter((f) => f !== '--quiet')), ...args], { cwd: dir });
    // Debian's Maven 3.8 prints colour resets without a newline even in batch mode: keep the step lines apart.
    process.stdout.write('\n');
  };
  step('java: install the jar', () => {
    console.log(requireTool('java', ['-version'], 'the Java example app runs on it'));
    console.log(requireTool('mvn', ['--version', '--batch-mode'], 'the Java example app builds with Maven'));
    requireArtifact(ARTIFACTS.java);
    // Installed afresh each build: Maven never looks again at a release version it already holds.
    mvn(['org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file', `-Dfile=${ARTIFACTS.java}`,
      `-DpomFile=${ARTIFACTS.java.replace(/\.jar$/, '.pom')}`]);
  });
  // Not quiet: a warning that fails the build is shown, not only that there was one.
  step('java: compile (-Xlint:all -Werror)', () => mvn(['clean', 'compile'], { quiet: false }));
  step('java: synthesize (mvn exec:java)', () => synth(exampleOutdir('java'), 'mvn', [...MVN_FLAGS, 'exec:java'], dir));
  step('java: the README\'s minimal app (mvn exec:java, MinimalApp)', () =>
    synth(minimalOutdir('java'), 'mvn', [...MVN_FLAGS, 'exec:java', '-Dexec.mainClass=io.github.cdkconfigmonitoring.example.MinimalApp'], dir));
}

function go(): void {
  const dir = path.join(EXAMPLES, 'go');
  // The toolchain on the machine, and only the dependencies go.sum pins.
  const env = { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' };
  step('go: vet', () => {
    console.log(requireTool('go', ['version'], 'the Go example app builds with it'));
    requireArtifact(ARTIFACTS.go);
    run('go', ['vet', './...'], { cwd: dir, env });
  });
  // jsii-runtime-go may print "Runtime process exited abnormally: waitid: no child processes" as the app closes the
  // runtime (jsii.Close() and the runtime's own wait race for the same child): the exit status tells success.
  step('go: synthesize (go run .)', () => synth(exampleOutdir('go'), 'go', ['run', '.'], dir, env));
  step('go: the README\'s minimal app (go run ./minimal)', () => synth(minimalOutdir('go'), 'go', ['run', './minimal'], dir, env));
}

/** Runs an app entry with CDK_OUTDIR set, as the CDK CLI does, into a fresh `outdir`. */
function synth(outdir: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  run(command, args, { cwd, env: { ...env, CDK_OUTDIR: outdir } });
  const templates = fs.existsSync(outdir) ? fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')) : [];
  if (templates.length === 0) throw new Error(`\`${[command, ...args].join(' ')}\` wrote no template into ${path.relative(ROOT, outdir)}`);
  console.log(`\n${templates.length} templates in ${path.relative(ROOT, outdir)}`);
}

const EXAMPLE_STEPS: Record<Language, () => void> = { python, java, go };

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === 'setup') return setup();
  if (command === 'build') return build();
  if (command === 'examples') {
    const languages = rest.length ? rest : LANGUAGES;
    for (const language of languages) {
      const steps = EXAMPLE_STEPS[language as Language];
      if (!steps) throw new Error(`unknown language ${language}: one of ${LANGUAGES.join(', ')}`);
      steps();
    }
    return;
  }
  throw new Error('usage: bindings.ts setup | build | examples [python|java|go]...');
}

if (require.main === module) main(process.argv.slice(2));
