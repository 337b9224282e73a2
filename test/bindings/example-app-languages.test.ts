/**
 * The example app in Python, Java and Go, against the bindings jsii-pacmak built (scripts/bindings.ts), synthesizes
 * the same CloudFormation templates as the TypeScript reference (demo/example-app.ts).
 *
 * Run after `scripts/bindings.ts build` and `examples` (the test task does; the main jest run leaves this folder out).
 *
 * What is compared: every template, whole, after JSON parsing. JSON objects have no order, and the Go runtime sorts
 * a map's keys while TypeScript keeps insertion order (the KMS key's condition keys come out in another order), so
 * key order is not compared; array order is. Nothing is dropped: without the CDK CLI's context, no template carries
 * aws:cdk:path or CDKMetadata, and the asset hashes are content hashes, the same in every language.
 * What differs and is not compared: the cloud assembly's manifest.json (minimumCliVersion follows the
 * cloud-assembly-schema each language resolves: Java's aws-cdk-lib 2.257.0 pins 53.27.0), tree.json (the jsii
 * runtimes name the library's constructs' types; TypeScript does not), *.metadata.json (stack traces of each
 * runtime) and *.assets.json (the source paths of the assets).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildExampleApp } from '../../demo/example-app';
import { ARTIFACTS, exampleOutdir, Language, LANGUAGES, minimalOutdir, venvBin } from '../../scripts/bindings';

const ROOT = path.resolve(__dirname, '..', '..');
const peerMinimum = (name: string): string => {
  const range: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).peerDependencies[name];
  return range.replace(/^\^/, '');
};

type Template = Record<string, unknown>;
const templates = (dir: string): Record<string, Template> => Object.fromEntries(fs.readdirSync(dir)
  .filter((f) => f.endsWith('.template.json')).sort()
  .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Template]));

/** The `library@version` of every construct in a synthesized tree.json. */
function constructVersions(outdir: string): Set<string> {
  const versions = new Set<string>();
  const walk = (node: { constructInfo?: { fqn: string; version: string }; children?: Record<string, unknown> }) => {
    if (node.constructInfo) versions.add(`${node.constructInfo.fqn.split('.')[0]}@${node.constructInfo.version}`);
    for (const child of Object.values(node.children ?? {})) walk(child as never);
  };
  walk(JSON.parse(fs.readFileSync(path.join(outdir, 'tree.json'), 'utf8')).tree);
  return versions;
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'languages-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('the example app in every language', () => {
  // Prepare: the TypeScript reference, synthesized as the demo does.
  buildExampleApp(outdir).synth();
  const reference = templates(outdir);

  test('the reference has the master, four agent stacks and the rollout', () => {
    expect(Object.keys(reference)).toHaveLength(6);
    expect(Object.keys(reference)).toContain('ConfigMonitoringRollout.template.json');
  });

  // The rollout's agent templates are synthesized in an app of their own, inside the construct, and inlined.
  const stackSetTemplates = (template: Template | undefined): Record<string, unknown> => Object.fromEntries(
    Object.entries((template?.Resources ?? {}) as Record<string, { Type: string; Properties: { TemplateBody?: string } }>)
      .filter(([, r]) => r.Type === 'AWS::CloudFormation::StackSet')
      .map(([id, r]) => [id, r.Properties.TemplateBody === undefined ? undefined : JSON.parse(r.Properties.TemplateBody)]));
  const referenceStackSets = stackSetTemplates(reference['ConfigMonitoringRollout.template.json']);

  test('the reference rollout has two StackSets, each with its template inline', () => {
    expect(Object.keys(referenceStackSets)).toHaveLength(2);
    for (const body of Object.values(referenceStackSets)) expect(body).toEqual(expect.objectContaining({ Resources: expect.any(Object) }));
  });

  describe.each(LANGUAGES)('%s', (language: Language) => {
    const languageOut = exampleOutdir(language);

    test('was synthesized by this build, from the binding it built', () => {
      expect(fs.existsSync(path.join(languageOut, 'manifest.json'))).toBe(true);
      // Older than the binding would mean a stale cdk.out from an earlier build.
      expect(fs.statSync(path.join(languageOut, 'manifest.json')).mtimeMs).toBeGreaterThan(fs.statSync(ARTIFACTS[language]).mtimeMs);
    });

    test('ran the library through jsii, on aws-cdk-lib and constructs at the peer minimum', () => {
      expect([...constructVersions(languageOut)].sort()).toEqual([
        `aws-cdk-lib@${peerMinimum('aws-cdk-lib')}`,
        'cdk-config-monitoring@0.0.0',
        `constructs@${peerMinimum('constructs')}`,
      ]);
    });

    test('synthesizes the same stacks, with identical templates', () => {
      const synthesized = templates(languageOut);
      expect(Object.keys(synthesized)).toEqual(Object.keys(reference));
      for (const [file, template] of Object.entries(reference)) {
        // One template at a time, so that a difference names its stack.
        expect({ file, template: synthesized[file] }).toEqual({ file, template });
      }
    });

    test('synthesizes the same StackSet templates (TemplateBody) in the rollout', () => {
      const synthesized = stackSetTemplates(templates(languageOut)['ConfigMonitoringRollout.template.json']);
      expect(Object.keys(synthesized)).toEqual(Object.keys(referenceStackSets));
      for (const [stackSet, body] of Object.entries(referenceStackSets)) {
        expect({ stackSet, body: synthesized[stackSet] }).toEqual({ stackSet, body });
      }
    });
  });
});

describe('the README\'s minimal app in every language', () => {
  const MINIMAL_APPS: Record<Language, string> = {
    python: 'examples/python/minimal_app.py',
    java: 'examples/java/src/main/java/io/github/cdkconfigmonitoring/example/MinimalApp.java',
    go: 'examples/go/minimal/main.go',
  };
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  test.each(LANGUAGES)('%s: the README shows the file the build type-checks and runs, and it synthesizes a master', (language) => {
    const source = fs.readFileSync(path.join(ROOT, MINIMAL_APPS[language]), 'utf8');
    expect(readme).toContain(source);
    const template = templates(minimalOutdir(language))['Monitoring.template.json'] as { Resources: Record<string, { Type: string }> };
    expect(Object.values(template.Resources).map((r) => r.Type)).toEqual(expect.arrayContaining(['AWS::Events::EventBus', 'AWS::DynamoDB::GlobalTable']));
  });
});

describe('a deliberately wrong use of the Python binding', () => {
  const broken = path.join(ROOT, 'examples', 'python', 'broken', 'wrong_types.py');

  test('fails mypy --strict with exactly the errors the file marks', () => {
    // Each wrong line ends in `# expect: <mypy error code>`.
    const expected = fs.readFileSync(broken, 'utf8').split('\n')
      .flatMap((line, i) => [...line.matchAll(/# expect: ([a-z-]+)/g)].map((m) => `${i + 1} ${m[1]}`));
    expect(expected.length).toBeGreaterThanOrEqual(3);

    const result = spawnSync(venvBin('examples', 'mypy'), ['--strict', 'broken/wrong_types.py'],
      { cwd: path.dirname(path.dirname(broken)), encoding: 'utf8' });

    expect(result.error).toBeUndefined();
    const errors = [...result.stdout.matchAll(/^broken\/wrong_types\.py:(\d+): error: .*\[([a-z-]+)\]$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect({ status: result.status, errors }).toEqual({ status: 1, errors: expected });
  });
});
