import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../../demo/example-app';
import { ConfigMonitoringMaster } from '../../src';

// The Control Tower proactive controls shipped with @cdklabs/cdk-validator-cfnguard, run with its own cfn-guard binary.
const GUARD_PACKAGE = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const GUARD_BINARY = path.join(GUARD_PACKAGE, 'bin', 'ubuntu', os.arch() === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
const RULES = path.join(GUARD_PACKAGE, 'rules', 'control-tower', 'cfn-guard');

/** A control that does not hold, with the reason it does not need to, and the resources it may name. */
interface Exception {
  readonly control: string;
  readonly resources: RegExp;
  readonly reason: string;
}

/** Policy choices of the constructs, also justified in the README (Policy checks). */
const EXCEPTIONS: Exception[] = [
  {
    control: 'CT.LAMBDA.PR.3',
    resources: /HandleConfigEvents[0-9A-F]{8}$/,
    reason: 'The handler only calls regional AWS APIs (DynamoDB, SQS, SNS) that IAM scopes to its own resources; '
      + 'a VPC would add NAT or five interface endpoints (cost, failure modes) and protect nothing.',
  },
];

/** Only without a customer-managed key: CloudWatch Logs then encrypts the log group with its own keys. */
const DEFAULT_KEY_EXCEPTIONS: Exception[] = [
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resources: /HandleConfigEventsLogGroup[0-9A-F]{8}$/,
    reason: 'CloudWatch Logs always encrypts log data at rest; a customer-managed key is used when encryptionKey is given. '
      + 'Creating a key by default would cost every user a key and a key policy to maintain.',
  },
];

interface Finding {
  readonly template: string;
  readonly control: string;
  readonly resource: string;
}

/** Runs every control over one template and lists each failing (control, resource). */
function guard(templatePath: string): Finding[] {
  const result = spawnSync(GUARD_BINARY, ['validate', '-d', templatePath, '-r', RULES, '-z', '-o', 'json', '--show-summary', 'none'],
    { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  // 0: all pass, 19: some fail; anything else is a broken run.
  expect([0, 19]).toContain(result.status);
  const reports = JSON.parse(result.stdout) as { not_compliant?: unknown[] }[];
  return reports.flatMap((report) => (report.not_compliant ?? []).flatMap((failure) => {
    const text = JSON.stringify(failure);
    const controls = [...new Set([...text.matchAll(/\[(CT\.[A-Z0-9.]+)\]/g)].map((m) => m[1]))];
    const resources = [...new Set([...text.matchAll(/\/Resources\/([A-Za-z0-9]+)/g)].map((m) => m[1]))];
    expect(controls).toHaveLength(1);
    return resources.map((resource) => ({ template: path.basename(templatePath), control: controls[0], resource }));
  }));
}

function guardApp(app: App): Finding[] {
  const assembly = app.synth();
  return assembly.stacks.flatMap((stack) => guard(stack.templateFullPath));
}

function unexcused(findings: Finding[], exceptions: Exception[]): string[] {
  return findings
    .filter((f) => !exceptions.some((e) => e.control === f.control && e.resources.test(f.resource)))
    .map((f) => `${f.control} ${f.template} ${f.resource}`);
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('the cfn-guard binary and the Control Tower rules are where the test expects them', () => {
  expect(fs.existsSync(GUARD_BINARY)).toBe(true);
  expect(fs.readdirSync(RULES).length).toBeGreaterThan(30);
});

describe('Control Tower proactive controls over the example app', () => {
  // Prepare: one synth of the whole example organization, guard over every template.
  const findings = guardApp(buildExampleApp(path.join(outdir, 'example')));

  test('every template is checked', () => {
    expect(fs.readdirSync(path.join(outdir, 'example')).filter((f) => f.endsWith('.template.json'))).toHaveLength(5);
  });

  test('no failures beyond the documented exceptions', () => {
    expect(unexcused(findings, EXCEPTIONS)).toEqual([]);
  });

  test('the agent stacks pass every control', () => {
    expect(findings.filter((f) => f.template.startsWith('ConfigMonitoringAgent'))).toEqual([]);
  });

  test('every exception is still needed, and carries its reason', () => {
    for (const exception of EXCEPTIONS) {
      expect(findings.some((f) => f.control === exception.control)).toBe(true);
      expect(exception.reason.length).toBeGreaterThan(40);
    }
  });
});

describe('Control Tower proactive controls over a master with default props', () => {
  const app = new App({ outdir: path.join(outdir, 'defaults') });
  new ConfigMonitoringMaster(new Stack(app, 'Defaults', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Monitoring', {
    organizationId: 'o-a1b2c3d4e5',
  });
  const findings = guardApp(app);

  test('no failures beyond the documented exceptions', () => {
    expect(unexcused(findings, [...EXCEPTIONS, ...DEFAULT_KEY_EXCEPTIONS])).toEqual([]);
  });

  test('every default-key exception is still needed', () => {
    for (const exception of DEFAULT_KEY_EXCEPTIONS) {
      expect(findings.some((f) => f.control === exception.control)).toBe(true);
    }
  });
});
