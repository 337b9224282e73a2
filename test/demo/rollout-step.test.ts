import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { printRollout } from '../../demo/local/rollout-step';

// The demo's organization rollout: what `npm run demo` prints under "The organization rollout".

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-rollout-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('the example organization: one StackSet per recording, the management account\'s own agent, printed', () => {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
  try {
    const stack = printRollout(outdir);
    expect(stack.rollout.stackSets.map((s) => s.stackSetName)).toEqual(['config-monitoring-agent', 'config-monitoring-agent-adopt-existing']);
  } finally {
    log.mockRestore();
  }
  expect(lines.join('\n')).toMatch(/StackSet config-monitoring-agent: SERVICE_MANAGED, auto-deployment on; \d+ resources \(4 in eu-west-1 only\)/);
  expect(lines.join('\n')).toContain('→ ou-ab12-workloads1 DIFFERENCE 222222222222 in eu-west-1, us-east-1');
  expect(lines.join('\n')).toContain('the StackSets and its own agent (1 recorder), from the same props');
});
