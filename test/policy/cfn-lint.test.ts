import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cfnLint, excusedBy, installedCfnLintVersion, LintException, LintFinding, lintApp, LintTarget, pinnedCfnLintVersion, unexcusedFindings } from '../support/cfn-lint';
import { policyApps } from '../support/policy-apps';

/** Findings that are not the constructs' to fix, also listed in docs/guide/policy-checks.md. */
const EXCEPTIONS: LintException[] = [
  {
    rule: 'W3005',
    resourceType: 'AWS::Lambda::Function',
    // Only the function's own role: any other redundant DependsOn is a finding.
    message: /dependency already enforced by a 'GetAtt' at 'Resources\/[A-Za-z0-9]+\/Properties\/Role'$/,
    reason: 'aws-cdk-lib\'s lambda.Function makes every function depend on its role (and the role\'s policy) with '
      + 'node.addDependency, and constructs offers no way to remove a dependency; the DependsOn on the role only repeats '
      + 'the order the GetAtt gives, the one on the policy is needed.',
  },
  {
    rule: 'I1022',
    reason: 'aws-cdk-lib renders every string made of literals and tokens (ARNs, URLs, names) as Fn::Join with an empty '
      + 'delimiter; CloudFormation resolves it exactly as the Fn::Sub cfn-lint suggests, and the rendering is not the '
      + 'constructs\' choice.',
  },
];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('cfn-lint is the version tools/cfn-lint/requirements.txt pins', () => {
  expect(installedCfnLintVersion()).toBe(pinnedCfnLintVersion());
});

test('a template with an error is reported as one (the harness reads what cfn-lint finds)', () => {
  const file = path.join(outdir, 'Broken.template.json');
  fs.writeFileSync(file, JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'forty' } } } }));

  const findings = cfnLint([{ file, region: 'eu-west-1' }]);

  expect(findings).toContainEqual(expect.objectContaining({ level: 'Error', resource: 'Queue', resourceType: 'AWS::SQS::Queue', path: 'Resources/Queue/Properties/VisibilityTimeout' }));
});

describe('cfn-lint over every template of the policy apps', () => {
  // Prepare: the example app and the other configurations the policy tests check, each template linted against
  // its stack's region.
  const targets: LintTarget[] = [];
  const findings: LintFinding[] = [];
  for (const [name, app] of Object.entries(policyApps(outdir))) {
    const linted = lintApp(app);
    targets.push(...linted.targets);
    findings.push(...linted.findings.map((f) => ({ ...f, template: `${name}/${f.template}` })));
  }

  test('every template is linted: the example app\'s six, the master variants\' three, the default props\' two', () => {
    expect(targets.map((t) => `${path.basename(path.dirname(t.file))}/${path.basename(t.file)} ${t.region}`).sort()).toEqual([
      'default-props/DefaultAgent.template.json eu-west-1',
      'default-props/Defaults.template.json eu-west-1',
      'example/ConfigMonitoringAgent-222222222222-eu-west-1.template.json eu-west-1',
      'example/ConfigMonitoringAgent-222222222222-us-east-1.template.json us-east-1',
      'example/ConfigMonitoringAgent-333333333333-eu-west-1.template.json eu-west-1',
      'example/ConfigMonitoringAgent-333333333333-us-east-1.template.json us-east-1',
      'example/ConfigMonitoringMaster.template.json eu-west-1',
      'example/ConfigMonitoringRollout.template.json eu-west-1',
      'master-variants/Defaults.template.json eu-west-1',
      'master-variants/Fleet.template.json eu-west-1',
      'master-variants/Own.template.json eu-west-1',
    ]);
  });

  test('no errors', () => {
    expect(findings.filter((f) => f.level === 'Error').map((f) => `${f.rule} ${f.template} ${f.path}: ${f.message}`)).toEqual([]);
  });

  test('no warning or informational finding beyond the documented exceptions', () => {
    expect(unexcusedFindings(findings, EXCEPTIONS)).toEqual([]);
  });

  test('every exception is still needed, and carries its reason', () => {
    for (const exception of EXCEPTIONS) {
      expect({ rule: exception.rule, needed: findings.some((f) => excusedBy(f, exception)) }).toEqual({ rule: exception.rule, needed: true });
      expect(exception.reason.length).toBeGreaterThan(40);
    }
  });
});
