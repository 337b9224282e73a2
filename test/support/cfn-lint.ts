import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

// The AWS CloudFormation linter (cfn-lint), pinned with hashes in tools/cfn-lint/requirements.txt and installed into
// .venv/cfn-lint by `npx projen setup:python` (the test task's second step).

const ROOT = path.resolve(__dirname, '..', '..');
export const CFN_LINT = path.join(ROOT, '.venv', 'cfn-lint', 'bin', 'cfn-lint');

/** The version tools/cfn-lint/requirements.txt pins. */
export function pinnedCfnLintVersion(): string {
  const pin = /^cfn-lint==([^\s\\]+)/m.exec(fs.readFileSync(path.join(ROOT, 'tools', 'cfn-lint', 'requirements.txt'), 'utf8'));
  if (!pin) throw new Error('tools/cfn-lint/requirements.txt pins no cfn-lint version');
  return pin[1];
}

/** The version of the installed cfn-lint; throws, saying how to install it, when there is none. */
export function installedCfnLintVersion(): string {
  if (!fs.existsSync(CFN_LINT)) {
    throw new Error(`${path.relative(ROOT, CFN_LINT)} does not exist: run \`npx projen setup:python\` (the test task does)`);
  }
  const result = spawnSync(CFN_LINT, ['--version'], { encoding: 'utf8' });
  return result.stdout.trim().replace(/^cfn-lint /, '');
}

/** One finding of cfn-lint on one template. */
export interface LintFinding {
  /** The template's file name (`<stack>.template.json`). */
  readonly template: string;
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  /** The logical id of the resource it is about, when it is about one. */
  readonly resource?: string;
  readonly resourceType?: string;
  /** Where in the template, as `Resources/<id>/Properties/...`. */
  readonly path: string;
  readonly message: string;
}

/** A finding that is not fixed, why, and what it may be about (every given field must match). */
export interface LintException {
  readonly rule: string;
  readonly resourceType?: string;
  readonly message?: RegExp;
  readonly reason: string;
}

/** A template to lint, and the region its stack deploys to (what resource types, runtimes and ARNs are checked for). */
export interface LintTarget {
  readonly file: string;
  readonly region: string;
}

interface RawFinding {
  Rule: { Id: string };
  Level: LintFinding['level'];
  Filename: string;
  Location: { Path: (string | number)[] };
  Message: string;
}

/** Runs every rule, informational ones included, over the templates, each against its own region. */
export function cfnLint(targets: readonly LintTarget[]): LintFinding[] {
  installedCfnLintVersion();
  const regions = [...new Set(targets.map((t) => t.region))].sort();
  return regions.flatMap((region) => {
    const files = targets.filter((t) => t.region === region).map((t) => t.file);
    const result = spawnSync(CFN_LINT, ['--format', 'json', '--include-checks', 'I', '--regions', region, '--', ...files],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // The exit status adds 2 for errors, 4 for warnings and 8 for informational findings; 1 is a broken run.
    if (result.status === null || result.status % 2 === 1 || result.status > 14) {
      throw new Error(`cfn-lint failed (status ${result.status}): ${result.stderr}`);
    }
    return (JSON.parse(result.stdout) as RawFinding[]).map((f) => {
      const template = JSON.parse(fs.readFileSync(f.Filename, 'utf8')) as { Resources?: Record<string, { Type: string }> };
      const resource = f.Location.Path[0] === 'Resources' ? String(f.Location.Path[1]) : undefined;
      return {
        template: path.basename(f.Filename),
        rule: f.Rule.Id,
        level: f.Level,
        resource,
        resourceType: resource ? template.Resources?.[resource]?.Type : undefined,
        path: f.Location.Path.join('/'),
        message: f.Message,
      };
    });
  });
}

/** Synthesizes the app and lints each of its templates against its stack's region. */
export function lintApp(app: App): { targets: LintTarget[]; findings: LintFinding[] } {
  const targets = app.synth().stacks.map((stack) => ({ file: stack.templateFullPath, region: stack.environment.region }));
  return { targets, findings: cfnLint(targets) };
}

export function excusedBy(finding: LintFinding, exception: LintException): boolean {
  return exception.rule === finding.rule
    && (exception.resourceType === undefined || exception.resourceType === finding.resourceType)
    && (exception.message === undefined || exception.message.test(finding.message));
}

/** The findings no exception covers, as `<rule> <template> <path>: <message>`. */
export function unexcusedFindings(findings: readonly LintFinding[], exceptions: readonly LintException[]): string[] {
  return findings.filter((f) => !exceptions.some((e) => excusedBy(f, e))).map((f) => `${f.rule} ${f.template} ${f.path}: ${f.message}`);
}
