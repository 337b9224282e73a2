import * as path from 'path';
import { loadESLint, type ESLint } from 'eslint';

// The layers are lint rules (.projenrc.ts → .eslintrc.json): each case lints a small module as if it stood in a
// given layer and expects the rule that guards that layer to name the import. The text is linted under the path of
// an existing file of the layer, so that the type-aware parser finds it in the project; the file is not changed.

const ROOT = path.join(__dirname, '..', '..');
const IN_AGENT = 'src/agent/config-monitoring-agent.ts';
const IN_MASTER = 'src/master/config-monitoring-master.ts';
const IN_COMMON = 'src/common/drop-undefined.ts';
const IN_RUNTIME = 'src/runtime/store/keys.ts';
const IN_CONTRACT = 'src/contract/metric-names.ts';
const IN_HANDLER = 'src/handlers/compliance-api.lambda.ts';

let eslint: Pick<ESLint, 'lintText'>;
beforeAll(async () => {
  const LegacyESLint = await loadESLint({ useFlatConfig: false });
  eslint = new LegacyESLint({ cwd: ROOT });
});

/** The rule id and message of every layering finding for `code` linted as `filePath`. */
async function layeringFindings(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`could not lint ${filePath}: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages
    .filter((m) => m.ruleId === 'import/no-restricted-paths' || m.ruleId === 'no-restricted-imports')
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const LONG = 60_000;

test('an agent file may not import the master', async () => {
  const findings = await layeringFindings(IN_AGENT, "import { RULE_INDEX_NAME } from '../master/compliance-store';\nexport const x = RULE_INDEX_NAME;\n");

  expect(findings).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*"\.\.\/master\/compliance-store".*must not depend on the master/)]);
}, LONG);

test.each([
  ['the agent', IN_AGENT, '../runtime/store/fnv1a'],
  ['the master', IN_MASTER, '../runtime/store/fnv1a'],
  ['src/common', IN_COMMON, '../runtime/store/fnv1a'],
])('%s may not import the runtime', async (_layer, filePath, runtimeModule) => {
  const findings = await layeringFindings(filePath, `import { fnv1a } from '${runtimeModule}';\nexport const x = fnv1a;\n`);

  expect(findings).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*must not import the handlers' runtime/)]);
}, LONG);

test.each([
  ["import { Duration } from 'aws-cdk-lib';\nexport const x = Duration;\n"],
  ["import * as s3 from 'aws-cdk-lib/aws-s3';\nexport const x = s3;\n"],
  ["import type { IConstruct } from 'constructs';\nexport type X = IConstruct;\n"],
])('the runtime, the contract and the handlers may not import aws-cdk-lib or constructs: %j', async (code) => {
  for (const file of [IN_RUNTIME, IN_CONTRACT, IN_HANDLER]) {
    expect(await layeringFindings(file, code)).toEqual([expect.stringMatching(/^no-restricted-imports: .*construct-side only/)]);
  }
}, LONG);

test.each([
  ['the runtime', '../runtime/store/fnv1a'],
  ['the master', '../master/compliance-store'],
  ['src/common', '../common/drop-undefined'],
])('the contract may not import %s', async (_layer, module) => {
  const findings = await layeringFindings(IN_CONTRACT, `import * as m from '${module}';\nexport const x = m;\n`);

  expect(findings).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*imports neither side/)]);
}, LONG);

test('the runtime may not import construct code', async () => {
  const findings = await layeringFindings(IN_RUNTIME, "import { dropUndefined } from '../../common/drop-undefined';\nexport const x = dropUndefined;\n");

  expect(findings).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*must not import construct code/)]);
}, LONG);

test('imports within the layers stay allowed', async () => {
  expect(await layeringFindings(IN_AGENT, "import { dropUndefined } from '../common/drop-undefined';\nexport const x = dropUndefined;\n")).toEqual([]);
  expect(await layeringFindings(IN_RUNTIME, "import { fnv1a } from './fnv1a';\nexport const x = fnv1a;\n")).toEqual([]);
  expect(await layeringFindings(IN_RUNTIME, "import { STATUS_SHARDS } from '../../contract/table-names';\nexport const x = STATUS_SHARDS;\n")).toEqual([]);
  expect(await layeringFindings(IN_MASTER, "import { STATUS_SHARDS } from '../contract/table-names';\nexport const x = STATUS_SHARDS;\n")).toEqual([]);
}, LONG);
