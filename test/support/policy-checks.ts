import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { App, PolicyViolation, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

// The policy checks every construct's tests run (see test/policy/*): the Control Tower proactive controls shipped
// with @cdklabs/cdk-validator-cfnguard, run with its own cfn-guard binary, and cdk-nag AwsSolutions.

const GUARD_PACKAGE = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
export const GUARD_BINARY = path.join(GUARD_PACKAGE, 'bin', 'ubuntu', os.arch() === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
export const GUARD_RULES = path.join(GUARD_PACKAGE, 'rules', 'control-tower', 'cfn-guard');

/** One failing rule of one template, as cfn-guard reports it: the controls it names and the resources it names. */
export interface GuardFailure {
  readonly controls: string[];
  readonly resources: string[];
}

/** One failing (control, resource) of one template. */
export interface GuardFinding {
  /** The template's file name (`<stack>.template.json`). */
  readonly template: string;
  /** The stack's name; only from `guardApp()`. */
  readonly stack?: string;
  /** The failure's controls, comma-separated (one in practice). */
  readonly control: string;
  readonly resource: string;
}

/** A control that does not hold, the resources it may name, and why it does not need to. */
export interface GuardException {
  readonly control: string;
  readonly resources: RegExp;
  readonly reason: string;
}

/** Runs every control over one template and lists each failure as cfn-guard reports it. */
export function guardFailures(templatePath: string): GuardFailure[] {
  const result = spawnSync(GUARD_BINARY, ['validate', '-d', templatePath, '-r', GUARD_RULES, '-z', '-o', 'json', '--show-summary', 'none'],
    { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  // 0: all pass, 19: some fail; anything else is a broken run.
  expect([0, 19]).toContain(result.status);
  const reports = JSON.parse(result.stdout) as { not_compliant?: unknown[] }[];
  return reports.flatMap((report) => (report.not_compliant ?? []).map((failure) => {
    const text = JSON.stringify(failure);
    return {
      controls: [...new Set([...text.matchAll(/\[(CT\.[A-Z0-9.]+)\]/g)].map((m) => m[1]))],
      resources: [...new Set([...text.matchAll(/\/Resources\/([A-Za-z0-9]+)/g)].map((m) => m[1]))],
    };
  }));
}

/** Options of `guard()` and `guardApp()`. */
export interface GuardOptions {
  /** Expect each failure to name exactly one control. @default false */
  readonly oneControlEach?: boolean;
}

/** Runs every control over one template and lists each failing (control, resource). */
export function guard(templatePath: string, options: GuardOptions = {}): GuardFinding[] {
  return guardFailures(templatePath).flatMap(({ controls, resources }) => {
    if (options.oneControlEach) expect(controls).toHaveLength(1);
    return resources.map((resource) => ({ template: path.basename(templatePath), control: controls.join(','), resource }));
  });
}

/** Synthesizes the app and runs every control over each of its stacks. */
export function guardApp(app: App, options: GuardOptions = {}): GuardFinding[] {
  return app.synth().stacks.flatMap((stack) => guard(stack.templateFullPath, options).map((f) => ({ ...f, stack: stack.stackName })));
}

/** Whether one of the exceptions covers the finding. */
export function excused(finding: GuardFinding, exceptions: readonly GuardException[]): boolean {
  return exceptions.some((e) => e.control === finding.control && e.resources.test(finding.resource));
}

/** The findings no exception covers, as `<control> <template> <resource>`. */
export function unexcused(findings: readonly GuardFinding[], exceptions: readonly GuardException[]): string[] {
  return findings
    .filter((f) => !excused(f, exceptions))
    .map((f) => `${f.control} ${f.template} ${f.resource}`);
}

// cdk-nag 3.0.2 reads the construct tree from `appConstruct` on the validation context, which aws-cdk-lib 2.257
// does not provide yet: `Validations.of(app).addPlugins(new AwsSolutionsChecks(app))` reports the plugin itself as
// failed. `validateScope()` is cdk-nag's documented entry point for that case; it honours the same acknowledgements.
/** Synthesizes the app and runs cdk-nag AwsSolutions over it: the unacknowledged findings. */
export function nag(app: App): PolicyViolation[] {
  app.synth();
  return new AwsSolutionsChecks().validateScope(app).violations;
}

/** One line per violating resource: `<severity> <rule> at <path>`, or `<rule> at <path>` without the severity. */
export function describeViolations(violations: readonly PolicyViolation[], options: { severity?: boolean } = {}): string[] {
  const severity = options.severity ?? true;
  return violations.flatMap((v) => v.violatingResources
    .map((r) => `${severity ? `${v.severity} ` : ''}${v.ruleName} at ${r.constructPath}`));
}

/** One acknowledged rule on one construct. */
export interface Acknowledgement {
  readonly path: string;
  /** The rule id, without aws-cdk-lib's `annotation::` prefix. */
  readonly id: string;
  readonly reason: string;
  readonly construct: IConstruct;
}

/**
 * Every acknowledgement in the tree: where, which rule, why. aws-cdk-lib records one metadata entry per acknowledge()
 * call, each holding all of the construct's acknowledgements so far: the same one may be listed more than once.
 */
export function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>)
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason, construct }))));
}

/**
 * Removes every acknowledgement from the tree (test only: constructs offers no public way to remove metadata), so
 * that a check can show what the acknowledgements hide.
 */
export function removeAcknowledgements(root: IConstruct): void {
  for (const construct of root.node.findAll()) {
    const kept = construct.node.metadata.filter((e) => e.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    if (kept.length !== construct.node.metadata.length) {
      (construct.node as unknown as { _metadata: unknown[] })._metadata = kept;
    }
  }
}
