import * as path from 'path';
import * as ts from 'typescript';

// "A typo in a metric or environment variable name fails tsc, on either side": each snippet is type-checked against
// the real contract modules, as a construct or a handler would use them. The correct snippet must check clean, so
// the test fails if the snippets stop compiling for another reason.

const CONTRACT = path.join(__dirname, '..', '..', 'src', 'contract');

function typeErrors(code: string): string[] {
  const file = path.join(CONTRACT, '__snippet__.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? code : readFile(name));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

// dashboardMetric has the signature of src/common/function-metric.ts's functionMetric, without aws-cdk-lib's types.
const IMPORTS = `
import { functionEnvironment, readFunctionEnvironment } from './function-environments';
import type { FunctionMetric } from './metric-names';
declare function dashboardMetric<E extends 'HandleConfigEvents' | 'CheckAccountActivity'>(emitter: E, name: FunctionMetric<E>): void;
`;

const CORRECT = `${IMPORTS}
export const environment = functionEnvironment('ComplianceApi', { complianceTableName: 'a', eventsTableName: 'b', scopeIndexes: '' });
export const table: string = readFunctionEnvironment('ComplianceApi', {}).complianceTableName;
dashboardMetric('HandleConfigEvents', 'NotificationsSent');
dashboardMetric('CheckAccountActivity', 'SilentAccounts');
`;

test('the correct uses type-check clean', () => {
  expect(typeErrors(CORRECT)).toEqual([]);
}, 60_000);

test.each([
  ['a construct misspells a variable', "functionEnvironment('ComplianceApi', { complianceTableName: 'a', eventTableName: 'b', scopeIndexes: '' });", /eventTableName/],
  ['a construct leaves a variable out', "functionEnvironment('ComplianceApi', { complianceTableName: 'a', scopeIndexes: '' });", /eventsTableName/],
  ['a handler misspells a variable', "readFunctionEnvironment('ComplianceApi', {}).complianceTable;", /complianceTable/],
  ['a dashboard misspells a metric', "dashboardMetric('HandleConfigEvents', 'NotificationSent');", /NotificationSent/],
  ['a dashboard reads another function\'s metric', "dashboardMetric('CheckAccountActivity', 'NotificationsSent');", /NotificationsSent/],
])('%s: tsc fails, naming it', (_case, line, expected) => {
  const errors = typeErrors(`${IMPORTS}\n${line}\n`);
  expect(errors).toEqual([expect.stringMatching(expected)]);
}, 60_000);
