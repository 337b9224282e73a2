import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ENV, SHARED_FUNCTION_ARN } from './support';
import { AccountComplianceRules } from '../../../src/agent/rules/account-compliance-rules';
import { BaselineRules } from '../../../src/agent/rules/baseline-rules';
import { ComplianceRule } from '../../../src/agent/rules/compliance-rule';
import { ConformancePack } from '../../../src/agent/rules/conformance-pack';
import { OrganizationRuleFunctionPolicy } from '../../../src/agent/rules/organization-rule-function-policy';
import { Remediation, RemediationDocument, RemediationParameter } from '../../../src/agent/rules/remediation';
import { GUARD_BINARY, acknowledgements, describeViolations, guardFailures, nag, removeAcknowledgements } from '../../support/policy-checks';

// The same checks as test/policy/*: cdk-nag AwsSolutions through validateScope() (cdk-nag 3.0.2 with aws-cdk-lib
// 2.257), and the Control Tower proactive controls with the cfn-guard binary of @cdklabs/cdk-validator-cfnguard.

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** An agent account with every kind of rule, two packs and three remediations; the audit account's shared function. */
function buildApp(dir: string): App {
  const app = new App({ outdir: path.join(outdir, dir) });

  const audit = new Stack(app, 'Audit', { env: { account: '999999999999', region: ENV.region } });
  // Imported: the function itself is the user's code (and the user's policy findings), not the library's.
  const orgFunction = lambda.Function.fromFunctionArn(audit, 'OrgRuleFunction', SHARED_FUNCTION_ARN);
  new OrganizationRuleFunctionPolicy(audit, 'InvokeByOrganization', { function: orgFunction, organizationId: 'o-a1b2c3d4e5' });

  const agent = new Stack(app, 'Agent', { env: ENV });
  const shared = lambda.Function.fromFunctionArn(agent, 'SharedRuleFunction', SHARED_FUNCTION_ARN);
  const ssh = ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED, {
    ruleName: 'restricted-ssh',
    remediation: Remediation.automatic({ document: RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22 }),
  });
  const openIngress = ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_RESTRICTED_INCOMING_TRAFFIC, {
    ruleName: 'restricted-common-ports',
    remediation: Remediation.manual({ document: RemediationDocument.REMOVE_UNRESTRICTED_SOURCE_INGRESS_RULES }),
  });
  const encryption = ComplianceRule.managed(config.ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, {
    remediation: Remediation.automatic({
      document: RemediationDocument.of('AWS-EnableS3BucketEncryption'),
      parameters: { BucketName: RemediationParameter.resourceId(), SSEAlgorithm: RemediationParameter.value('AES256') },
      policyStatements: [new iam.PolicyStatement({ actions: ['s3:PutEncryptionConfiguration'], resources: ['arn:aws:s3:::example-bucket'] })],
    }),
  });
  const orgTags = ComplianceRule.custom(shared, { ruleName: 'org-tags', periodic: true, maximumExecutionFrequency: config.MaximumExecutionFrequency.SIX_HOURS });
  const versioning = ComplianceRule.customPolicy('rule v when resourceType == "AWS::S3::Bucket" { configuration.versioningConfiguration.status == "Enabled" }',
    { ruleName: 's3-versioning', evaluationModes: config.EvaluationMode.DETECTIVE_AND_PROACTIVE });
  const rules = [ssh, openIngress, encryption, orgTags, versioning];
  new AccountComplianceRules(agent, 'Rules', {
    rules,
    conformancePacks: [
      ConformancePack.fromRules('team-rules', rules),
      ConformancePack.fromRules('baseline', BaselineRules.recommended()),
      ConformancePack.fromS3Uri('operational', 's3://awsconfigconforms-templates/operational.yaml'),
    ],
  });
  return app;
}

describe('cdk-nag AwsSolutions over rules, packs and remediations', () => {
  const app = buildApp('nag');
  const violations = nag(app);

  test('no unacknowledged findings', () => {
    expect(describeViolations(violations)).toEqual([]);
  });

  test('the acknowledgements: only the documented runbooks\' wildcards, on their automation roles, each with a reason', () => {
    const acks = acknowledgements(app).map(({ id, path: at, reason }) => ({ at: `${id} at ${at}`, reason }));
    // aws-cdk-lib records one metadata entry per acknowledge() call, each holding all of the construct's: dedupe.
    expect([...new Set(acks.map((ack) => ack.at))].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*] at Agent/Rules/RestrictedCommonPortsRemediationRole',
      'AwsSolutions-IAM5[Resource::*] at Agent/Rules/RestrictedSshRemediationRole',
      'AwsSolutions-IAM5[Resource::*] at Agent/Rules/TeamRulesPackRestrictedCommonPortsRemediationRole',
      'AwsSolutions-IAM5[Resource::*] at Agent/Rules/TeamRulesPackRestrictedSshRemediationRole',
      'AwsSolutions-IAM5[Resource::arn:aws:ec2:us-east-1:222222222222:security-group/*] at Agent/Rules/RestrictedCommonPortsRemediationRole',
      'AwsSolutions-IAM5[Resource::arn:aws:ec2:us-east-1:222222222222:security-group/*] at Agent/Rules/RestrictedSshRemediationRole',
      'AwsSolutions-IAM5[Resource::arn:aws:ec2:us-east-1:222222222222:security-group/*] at Agent/Rules/TeamRulesPackRestrictedCommonPortsRemediationRole',
      'AwsSolutions-IAM5[Resource::arn:aws:ec2:us-east-1:222222222222:security-group/*] at Agent/Rules/TeamRulesPackRestrictedSshRemediationRole',
      'AwsSolutions-IAM5[Resource::arn:aws:ssm:us-east-1:222222222222:automation-execution/*] at Agent/Rules/RestrictedCommonPortsRemediationRole',
      'AwsSolutions-IAM5[Resource::arn:aws:ssm:us-east-1:222222222222:automation-execution/*] at Agent/Rules/TeamRulesPackRestrictedCommonPortsRemediationRole',
    ]);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });

  test('the acknowledgements hide nothing else: without them, only those IAM5 findings remain', () => {
    const bare = buildApp('nag-bare');
    removeAcknowledgements(bare);
    const found = describeViolations(nag(bare));
    expect(found).toHaveLength(10);
    for (const line of found) {
      expect(line).toMatch(/^error AwsSolutions-IAM5\[Resource::[^\]]+\] at Agent\/Rules\/\w+RemediationRole\/DefaultPolicy\/Resource$/);
    }
  });
});

describe('Control Tower proactive controls (cfn-guard) over rules, packs and remediations', () => {
  const assembly = buildApp('guard').synth();

  test('every template passes every control', () => {
    expect(fs.existsSync(GUARD_BINARY)).toBe(true);
    const failures = assembly.stacks.flatMap((stack) => guardFailures(stack.templateFullPath)
      .map(({ controls, resources }) => `${stack.stackName}: ${controls.join(',')} ${resources.join(',')}`));
    expect(failures).toEqual([]);
  });
});
