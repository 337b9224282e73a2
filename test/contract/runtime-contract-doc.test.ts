import * as fs from 'fs';
import * as path from 'path';
import { variableNames } from '../../src/contract/environment-variable';
import { FUNCTION_ENVIRONMENTS, type FunctionName } from '../../src/contract/function-environments';
import { FUNCTION_METRICS } from '../../src/contract/metric-names';

// docs/design/runtime-contract.md has one section per function; its Environment and Metrics lines must list exactly
// what src/contract declares, so the page cannot drift from the code again.

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'design', 'runtime-contract.md'), 'utf8');
const FUNCTIONS = DOC.slice(DOC.indexOf('\n## Functions\n'), DOC.indexOf('\n## ', DOC.indexOf('\n## Functions\n') + 1));

function section(name: string): string {
  const start = FUNCTIONS.indexOf(`\n### ${name}\n`);
  if (start < 0) throw new Error(`runtime-contract.md has no "### ${name}" under "## Functions"`);
  const end = FUNCTIONS.indexOf('\n### ', start + 1);
  return FUNCTIONS.slice(start, end < 0 ? undefined : end);
}

/** The text of one `- **Label:**` bullet, continuation lines included. */
function bullet(text: string, label: string): string {
  const match = new RegExp(`\\n- \\*\\*${label}:\\*\\*([^]*?)(?=\\n- \\*\\*|\\n*$)`).exec(text);
  if (!match) throw new Error(`no "${label}" line`);
  return match[1];
}

const backticked = (text: string, pattern: RegExp) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((word) => pattern.test(word));

test('the page has a section for every function and no other', () => {
  const documented = [...FUNCTIONS.matchAll(/\n### (\S+)\n/g)].map((m) => m[1]);
  expect(documented.sort()).toEqual(Object.keys(FUNCTION_ENVIRONMENTS).sort());
});

describe.each(Object.keys(FUNCTION_ENVIRONMENTS) as FunctionName[])('%s', (name) => {
  const text = section(name);

  test('has the five parts: trigger, environment, reads and writes, metrics, output', () => {
    for (const label of ['Trigger', 'Environment', 'Reads and writes', 'Metrics', 'Output']) expect(bullet(text, label).trim()).not.toBe('');
  });

  test('lists exactly the environment variables of the contract', () => {
    expect([...new Set(backticked(bullet(text, 'Environment'), /^[A-Z][A-Z0-9_]+$/))].sort())
      .toEqual(variableNames(FUNCTION_ENVIRONMENTS[name]).sort());
  });

  test('lists exactly the metrics of the contract', () => {
    const listed = backticked(bullet(text, 'Metrics'), /^[A-Z][a-zA-Z]+$/).sort();
    expect(listed).toEqual([...FUNCTION_METRICS[name]].sort());
    if (listed.length === 0) expect(bullet(text, 'Metrics').trim()).toBe('none');
  });
});
