import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { ACCOUNTS, agentProps, organizationRollout, perAccountAgent, REGIONS, rolloutStack } from './support';
import { EventForwarding, Recording } from '../../src';
import { cfnLint, lintApp, LintException, unexcusedFindings } from '../support/cfn-lint';
import { describeViolations, guard, guardApp, GuardException, nag, unexcused } from '../support/policy-checks';
import { renderTemplate } from '../support/render-template';

// The StackSet template, rendered as CloudFormation renders it for 2 accounts x 2 regions, gets the checks every
// per-account agent stack gets (cfn-guard Control Tower controls, cdk-nag AwsSolutions, cfn-lint), and must give
// exactly the findings of the per-account stack that the same props synthesize in that account and region.

/** The agent's documented policy choices (test/policy/cfn-guard.test.ts and the README give the full reasons). */
const AGENT_GUARD_EXCEPTIONS: GuardException[] = [
  { control: 'CT.LAMBDA.PR.3', resources: /ServiceLinkedRoleFunction[0-9A-F]{8}$/, reason: 'one-shot deploy-time function, IAM calls only: a VPC protects nothing' },
  { control: 'CT.S3.PR.9', resources: /(DeliveryBucket|AccessLogsBucket)[0-9A-F]{8}$/, reason: 'AWS Config does not deliver to Object Lock buckets' },
  { control: 'CT.S3.PR.2', resources: /AccessLogsBucket[0-9A-F]{8}$/, reason: 'the access-log bucket is the logging target itself' },
  { control: 'CT.S3.PR.10', resources: /(AccessLogsBucket|DeliveryBucket)[0-9A-F]{8}$/, reason: 'SSE-S3 for access logs; delivery bucket without a key by default' },
  { control: 'CT.CLOUDWATCH.PR.3', resources: /ServiceLinkedRoleLogGroup[0-9A-F]{8}$/, reason: 'CloudWatch Logs encrypts at rest; no key by default' },
  { control: 'CT.CLOUDWATCH.PR.1', resources: /CostAlarm[0-9A-F]{8}$/, reason: 'no alarm topic by default' },
];

/** As in test/policy/cfn-lint.test.ts: aws-cdk-lib's lambda.Function always depends on its role. */
const LINT_EXCEPTIONS: LintException[] = [{
  rule: 'W3005',
  resourceType: 'AWS::Lambda::Function',
  message: /dependency already enforced by a 'GetAtt' at 'Resources\/[A-Za-z0-9]+\/Properties\/Role'$/,
  reason: 'lambda.Function makes every function depend on its role with node.addDependency, which cannot be removed',
}];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** The rendered StackSet template. */
  readonly rendered: string;
  /** The per-account stack of the same props, as synthesized. */
  readonly reference: string;
  /** The same, rendered (for cdk-nag through CfnInclude, which needs resolved conditions). */
  readonly renderedReference: string;
}

function write(name: string, template: unknown): string {
  const file = path.join(outdir, `${name}.template.json`);
  fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
  return file;
}

// Prepare: the rollout synthesized once; each variant rendered for each account and region, next to its reference.
const rollout = organizationRollout(rolloutStack(path.join(outdir, 'rollout')));
// One app per variant: an account and region takes one agent, which the library checks at synth.
const referenceApps = [0, 1].map((index) => new App({ outdir: path.join(outdir, `reference-${index}`) }));
const variants = [{ name: 'create', recording: Recording.create() }, { name: 'adopt', recording: Recording.adoptExisting() }];
const instances = variants.flatMap((variant, index) => ACCOUNTS.flatMap((account) => REGIONS.map((region) => {
  const name = `${variant.name}-${account}-${region}`;
  return { name, index, account, region, stack: perAccountAgent(referenceApps[index], account, region, variant.recording, `Reference-${name}`) };
})));
const cases: Case[] = instances.map(({ name, index, account, region, stack }) => {
  const referenceJson = Template.fromStack(stack).toJSON();
  return {
    name,
    account,
    region,
    rendered: write(`Rollout-${name}`, renderTemplate(rollout.stackSets[index].template, { account, region })),
    reference: write(`Reference-${name}`, referenceJson),
    renderedReference: write(`RenderedReference-${name}`, renderTemplate(referenceJson, { account, region })),
  };
});
const unrendered = rollout.stackSets.map((s, i) => write(`Unrendered-${variants[i].name}`, s.template));

const key = (f: { control: string; resource: string }) => `${f.control} ${f.resource}`;

describe('cfn-guard Control Tower controls', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s: the findings of the per-account stack, and only documented ones', (_, c) => {
    const rendered = guard(c.rendered);
    const reference = guard(c.reference);
    expect(rendered.map(key).sort()).toEqual(reference.map(key).sort());
    expect(unexcused(rendered, AGENT_GUARD_EXCEPTIONS)).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  function nagTemplate(file: string): string[] {
    const app = new App({ outdir: path.join(outdir, `nag-${path.basename(file, '.template.json')}`) });
    new CfnInclude(new Stack(app, 'Included'), 'T', { templateFile: file });
    return describeViolations(nag(app), { severity: false }).map((line) => line.replace(/ at Included\/T\//, ' at ')).sort();
  }

  test.each(cases.map((c) => [c.name, c] as const))('%s: the findings of the per-account stack (acknowledgements aside)', (_, c) => {
    expect(nagTemplate(c.rendered)).toEqual(nagTemplate(c.renderedReference));
  });

  test('the per-account stacks of the same props have no unacknowledged finding', () => {
    for (const app of referenceApps) expect(describeViolations(nag(app))).toEqual([]);
  });
});

describe('cfn-lint', () => {
  const strip = (f: { rule: string; path: string; message: string }) => `${f.rule} ${f.path}: ${f.message}`;

  test('each rendered template: the errors and warnings of its per-account stack, informational ones a subset', () => {
    const targets = cases.flatMap((c) => [{ file: c.rendered, region: c.region }, { file: c.reference, region: c.region }]);
    const findings = cfnLint(targets);
    for (const c of cases) {
      const of = (file: string, informational: boolean) => findings
        .filter((f) => f.template === path.basename(file) && (f.level === 'Informational') === informational).map(strip).sort();
      expect({ name: c.name, findings: of(c.rendered, false) }).toEqual({ name: c.name, findings: of(c.reference, false) });
      // Rendering resolves pseudo-parameters, so some Fn::Join (I1022, prefer Fn::Sub) become plain strings.
      expect(of(c.reference, true)).toEqual(expect.arrayContaining(of(c.rendered, true)));
    }
  });

  test('the StackSet templates as CloudFormation receives them (conditions unresolved): no error or warning, in each region', () => {
    const findings = cfnLint(unrendered.flatMap((file) => REGIONS.map((region) => ({ file, region }))));
    expect(unexcusedFindings(findings.filter((f) => f.level !== 'Informational'), LINT_EXCEPTIONS)).toEqual([]);
  });
});

describe('the management account\'s side: the rollout\'s stack and the asset stacks of enriched forwarding', () => {
  function managementApp(name: string): App {
    const stack = rolloutStack(path.join(outdir, name));
    organizationRollout(stack, {
      agent: { ...agentProps(stack), forwarding: EventForwarding.enriched() },
      assetBuckets: { bucketNamePrefix: 'acme-config-monitoring', organizationId: 'o-a1b2c3d4e5' },
    });
    return stack.node.root as App;
  }

  test('cfn-lint: no finding but the documented one', () => {
    const { targets, findings } = lintApp(managementApp('management-lint'));
    expect(targets).toHaveLength(3);
    expect(unexcusedFindings(findings.filter((f) => f.level !== 'Informational'), LINT_EXCEPTIONS)).toEqual([]);
  });

  test('cfn-guard: only the documented choices (code bucket without Object Lock, functions outside a VPC)', () => {
    const exceptions: GuardException[] = [
      { control: 'CT.S3.PR.9', resources: /(Bucket|AccessLogsBucket)[0-9A-F]{8}$/, reason: 'the code bucket is overwritten by each publication; versioning keeps the old objects' },
      { control: 'CT.S3.PR.2', resources: /AccessLogsBucket[0-9A-F]{8}$/, reason: 'the access-log bucket is the logging target itself' },
      { control: 'CT.S3.PR.10', resources: /(Bucket|AccessLogsBucket)[0-9A-F]{8}$/, reason: 'SSE-S3: a KMS key would need a grant to every account of the organization' },
      { control: 'CT.LAMBDA.PR.3', resources: /^CustomCDKBucketDeployment/, reason: 'aws-cdk-lib\'s BucketDeployment function runs at deploy time only' },
    ];
    const findings = guardApp(managementApp('management-guard'));
    expect(unexcused(findings, exceptions)).toEqual([]);
    for (const e of exceptions) expect(findings.some((f) => f.control === e.control && e.resources.test(f.resource))).toBe(true);
  });
});
