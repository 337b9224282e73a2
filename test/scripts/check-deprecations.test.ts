import { spawnSync } from 'child_process';
import * as path from 'path';

// check:deprecations against the installed aws-cdk-lib only: the newest one is a download, left to the task itself.

const ROOT = path.resolve(__dirname, '../..');

function check(...args: string[]) {
  const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', 'test/tsconfig.json',
    'scripts/check-deprecations.ts', '--installed-only', ...args], { cwd: ROOT, encoding: 'utf-8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('the example app synthesizes with JSII_DEPRECATED=fail', () => {
  const { status, output } = check();

  expect(output).toContain('check:deprecations: the example app (6 stacks) synthesizes against aws-cdk-lib');
  expect(status).toBe(0);
}, 120_000);

test('an app that calls a deprecated API fails, naming the API and the calling line', () => {
  const { status, output } = check('--app', 'test/scripts/fixtures/deprecated-app.ts');

  expect(status).toBe(1);
  expect(output).toContain('aws-cdk-lib.aws_dynamodb.TableOptions#pointInTimeRecovery is deprecated');
  expect(output).toMatch(/called at buildExampleApp \(.*test\/scripts\/fixtures\/deprecated-app\.ts:8:3\)/);
}, 120_000);
