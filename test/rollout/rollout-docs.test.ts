import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as ts from 'typescript';
import { MANAGEMENT } from './support';
import * as monitoring from '../../src';

// Every example of docs/guide/rollout.md compiles, as jsii-rosetta --strict compiles the README's (in the rosetta fixture,
// `declare const` as rosetta reads it), and runs: the examples are what a platform team copies.

const ROOT = path.resolve(__dirname, '..', '..');
const DOC = path.join(ROOT, 'docs', 'guide', 'rollout.md');
const FIXTURE = fs.readFileSync(path.join(ROOT, 'rosetta', 'default.ts-fixture'), 'utf8');
const examples = [...fs.readFileSync(DOC, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** `declare const x: T;` is rosetta's way of saying "given": a value of that type, for the compiler and at run time. */
function given(code: string): string {
  return code.replace(/^declare const (\w+): ([^;]+);$/gm, (_, name: string, type: string) => `const ${name}: ${type} = __given('${name}');`);
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-docs-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('docs/guide/rollout.md has its examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(4);
});

test('every example type-checks in the rosetta fixture, strict', () => {
  const files = examples.map((code, index) => {
    const file = path.join(outdir, `example${index}.ts`);
    const body = `declare function __given<T>(name: string): T;\n${FIXTURE.replace('/// here', given(code))}`;
    fs.writeFileSync(file, body);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    skipLibCheck: true,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    types: [],
    baseUrl: ROOT,
    paths: { 'cdk-config-monitoring': ['src/index.ts'], '*': ['node_modules/*'] },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(path.resolve(d.file.fileName)));
  expect(diagnostics.map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)).toEqual([]);
});

test.each(examples.map((code, index) => [index, code] as const))('example %i runs and synthesizes', (_, code) => {
  const app = new App({ outdir: path.join(outdir, `app${_}`) });
  const stack = new Stack(app, 'Example', { env: MANAGEMENT });
  const agent: monitoring.ConfigMonitoringAgentProps = {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'GivenBus', monitoring.ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1')),
  };
  const js = ts.transpileModule(given(code), { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS } }).outputText;
  const cwd = process.cwd();
  process.chdir(outdir);
  try {
    new Function('monitoring', 'events', 'config', '__given', js).call(stack, monitoring, events, config, (name: string) => ({ agent, centralEventBus: agent.centralEventBus } as Record<string, unknown>)[name]);
  } finally {
    process.chdir(cwd);
  }
  // Each example deploys something, or (the pipeline one) writes the files it says.
  const resources = Object.keys(Template.fromStack(stack).toJSON().Resources ?? {});
  const written = path.join(outdir, 'customizations', 'templates', 'config-monitoring-agent.template.json');
  expect(resources.length > 0 || (code.includes('writeFiles') && fs.existsSync(written))).toBe(true);
  app.synth();
});
