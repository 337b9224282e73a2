import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as config from 'aws-cdk-lib/aws-config';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { newStack, ownFunction, resourceOf, SHARED_FUNCTION_ARN, synth } from './support';
import { ComplianceRule } from '../../../src/agent/rules/compliance-rule';
import { ConformancePack, MAX_TEMPLATE_BODY_BYTES } from '../../../src/agent/rules/conformance-pack';
import { Remediation, RemediationDocument } from '../../../src/agent/rules/remediation';
import { ConformancePackTemplate } from '../../../src/master/organization/organization-conformance-pack';

const GUARD_POLICY = 'rule versioning when resourceType == "AWS::S3::Bucket" { configuration.versioningConfiguration.status == "Enabled" }';

/**
 * The pack's template as Config will read it: the `TemplateBody` (a string, or a Fn::Join around references) with
 * every reference written as `<Ref:logicalId>`, parsed.
 */
function renderedTemplate(pack: any): any {
  const body = pack.Properties.TemplateBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: any) => {
    if (typeof part === 'string') return part;
    if (part['Fn::GetAtt']) return `<Ref:${part['Fn::GetAtt'][0]}.${part['Fn::GetAtt'][1]}>`;
    return `<Ref:${part.Ref}>`;
  }).join('');
  return JSON.parse(text);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'packs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('ConformancePack.fromRules: one definition, deployed as account rules and rendered into a pack', () => {
  // Prepare: the rules a team already wrote for its account rules.
  const stack = newStack();
  const fn = ownFunction(stack);
  const ssh = ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED, {
    ruleName: 'restricted-ssh',
    remediation: Remediation.automatic({ document: RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22, maximumAutomaticAttempts: 3 }),
  });
  const keys = ComplianceRule.managed(config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED, {
    inputParameters: { maxAccessKeyAge: '90' },
    maximumExecutionFrequency: config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
  });
  const tags = ComplianceRule.custom(fn, {
    ruleName: 'bucket-tags',
    configurationChanges: true,
    ruleScope: config.RuleScope.fromResources([config.ResourceType.S3_BUCKET]),
    evaluationModes: config.EvaluationMode.DETECTIVE,
  });
  const nightly = ComplianceRule.custom(fn, { ruleName: 'nightly', periodic: true, maximumExecutionFrequency: config.MaximumExecutionFrequency.TWELVE_HOURS });
  const versioning = ComplianceRule.customPolicy(GUARD_POLICY, { ruleName: 's3-versioning', enableDebugLog: true });
  const rules = [ssh, keys, tags, nightly, versioning];
  // Act: the same objects as account rules and as a pack.
  const { template } = synth({ rules, conformancePacks: [ConformancePack.fromRules('baseline', rules)] }, stack);
  const pack = resourceOf(template, 'AWS::Config::ConformancePack', 'RulesBaselinePack');
  const rendered = renderedTemplate(pack.resource);
  const functionArn = `<Ref:${resourceOf(template, 'AWS::Lambda::Function', 'RuleFunction').id}.Arn>`;

  test('the pack: its name and an inline template body', () => {
    expect(pack.resource.Properties.ConformancePackName).toBe('baseline');
    expect(pack.resource.Properties.TemplateS3Uri).toBeUndefined();
  });

  test('the rendered template holds one ConfigRule per rule and one remediation, nothing else', () => {
    expect(Object.entries(rendered.Resources).map(([id, r]: [string, any]) => `${id} ${r.Type}`)).toEqual([
      'RestrictedSsh AWS::Config::ConfigRule',
      'RestrictedSshRemediation AWS::Config::RemediationConfiguration',
      'AccessKeysRotated AWS::Config::ConfigRule',
      'BucketTags AWS::Config::ConfigRule',
      'Nightly AWS::Config::ConfigRule',
      'S3Versioning AWS::Config::ConfigRule',
    ]);
  });

  test('each rendered rule equals the account rule deployed from the same object', () => {
    for (const [logicalId, resource] of Object.entries(rendered.Resources) as [string, any][]) {
      if (resource.Type !== 'AWS::Config::ConfigRule') continue;
      const account = resourceOf(template, 'AWS::Config::ConfigRule', `Rules${logicalId}`).resource.Properties;
      const resolved = JSON.parse(JSON.stringify(account).replace(/\{"Fn::GetAtt":\["([^"]+)","Arn"\]\}/g, '"<Ref:$1.Arn>"'));
      expect({ logicalId, ...resource.Properties }).toEqual({ logicalId, ...resolved });
    }
  });

  test('managed, custom (with its function), periodic custom (no scope) and Guard rules render as Config takes them', () => {
    expect(rendered.Resources.AccessKeysRotated.Properties).toEqual({
      ConfigRuleName: 'access-keys-rotated',
      InputParameters: { maxAccessKeyAge: '90' },
      MaximumExecutionFrequency: 'TwentyFour_Hours',
      Source: { Owner: 'AWS', SourceIdentifier: 'ACCESS_KEYS_ROTATED' },
    });
    expect(rendered.Resources.BucketTags.Properties).toEqual({
      ConfigRuleName: 'bucket-tags',
      Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
      EvaluationModes: [{ Mode: 'DETECTIVE' }],
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: functionArn,
        SourceDetails: [
          { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
          { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
        ],
      },
    });
    expect(rendered.Resources.Nightly.Properties.Scope).toBeUndefined();
    expect(rendered.Resources.S3Versioning.Properties.Source.CustomPolicyDetails).toEqual({
      PolicyRuntime: 'guard-2.x.x', PolicyText: GUARD_POLICY, EnableDebugLogDelivery: true,
    });
  });

  test('the remediation inside the pack names its rule, waits for it, and gets its own automation role from the stack', () => {
    const role = resourceOf(template, 'AWS::IAM::Role', 'RulesBaselinePackRestrictedSshRemediationRole');
    expect(rendered.Resources.RestrictedSshRemediation).toEqual({
      Type: 'AWS::Config::RemediationConfiguration',
      DependsOn: 'RestrictedSsh',
      Properties: {
        ConfigRuleName: 'restricted-ssh',
        TargetType: 'SSM_DOCUMENT',
        TargetId: 'AWS-DisableIncomingSSHOnPort22',
        ResourceType: 'AWS::EC2::SecurityGroup',
        Automatic: true,
        MaximumAutomaticAttempts: 3,
        RetryAttemptSeconds: 60,
        Parameters: {
          SecurityGroupIds: { ResourceValue: { Value: 'RESOURCE_ID' } },
          AutomationAssumeRole: { StaticValue: { Values: [`<Ref:${role.id}.Arn>`] } },
        },
      },
    });
    // The template body references the role; the pack waits for the role's policy, and names no redundant DependsOn.
    const policy = resourceOf(template, 'AWS::IAM::Policy', 'RulesBaselinePackRestrictedSshRemediationRole');
    expect(pack.resource.DependsOn).toEqual(expect.arrayContaining([policy.id]));
    expect(pack.resource.DependsOn).not.toContain(role.id);
  });

  test('the pack waits for the function\'s invoke permission (shared with the account rules)', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    expect(pack.resource.DependsOn).toContain(resourceOf(template, 'AWS::Lambda::Permission', 'AllowConfigRules').id);
  });
});

describe('several packs, templates and S3', () => {
  test('several packs per account, each from its source, with input parameters', () => {
    // Prepare
    const file = path.join(tmp, 'pack.yaml');
    fs.writeFileSync(file, 'Parameters:\n  MaxAge:\n    Type: String\nResources:\n  Keys:\n    Type: AWS::Config::ConfigRule\n'
      + '    Properties:\n      ConfigRuleName: keys\n      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }\n');
    // Act
    const { template } = synth({
      conformancePacks: [
        ConformancePack.fromTemplateFile('from-file', file, { inputParameters: { MaxAge: '90' } }),
        ConformancePack.fromS3Uri('from-s3', 's3://awsconfigconforms-templates/packs/operational.yaml'),
        ConformancePack.fromRules('from-rules', [ComplianceRule.managed(config.ManagedRuleIdentifiers.ROOT_ACCOUNT_MFA_ENABLED)]),
      ],
    });
    // Assess
    template.resourceCountIs('AWS::Config::ConformancePack', 3);
    expect(resourceOf(template, 'AWS::Config::ConformancePack', 'FromFilePack').resource.Properties).toEqual({
      ConformancePackName: 'from-file',
      TemplateBody: fs.readFileSync(file, 'utf-8'),
      ConformancePackInputParameters: [{ ParameterName: 'MaxAge', ParameterValue: '90' }],
    });
    expect(resourceOf(template, 'AWS::Config::ConformancePack', 'FromS3Pack').resource.Properties).toEqual({
      ConformancePackName: 'from-s3',
      TemplateS3Uri: 's3://awsconfigconforms-templates/packs/operational.yaml',
    });
  });

  test('packs depend on the recorder when one is given', () => {
    const stack = newStack();
    const recorder = new config.CfnConfigurationRecorder(stack, 'Recorder', { roleArn: 'arn:aws:iam::222222222222:role/r' });
    const { template } = synth({
      conformancePacks: [ConformancePack.fromS3Uri('p', 's3://bucket-name/key.yaml')],
      recorder,
    }, stack);
    expect(resourceOf(template, 'AWS::Config::ConformancePack', 'PPack').resource.DependsOn).toEqual(
      [resourceOf(template, 'AWS::Config::ConfigurationRecorder', 'Recorder').id]);
  });

  test('a pack of rules whose function is the organization\'s: no permission, the ARN as given', () => {
    const stack = newStack();
    const shared = lambda.Function.fromFunctionArn(stack, 'Shared', SHARED_FUNCTION_ARN);
    const { template } = synth({ conformancePacks: [ConformancePack.fromRules('org', [ComplianceRule.custom(shared, { ruleName: 'org-tags', configurationChanges: true })])] }, stack);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    const pack = resourceOf(template, 'AWS::Config::ConformancePack', 'OrgPack').resource;
    expect(renderedTemplate(pack).Resources.OrgTags.Properties.Source.SourceIdentifier).toBe(SHARED_FUNCTION_ARN);
  });

  test('packRemediationRole() returns the role of a pack remediation', () => {
    const { rules, stack, template } = synth({
      conformancePacks: [ConformancePack.fromRules('p', [ComplianceRule.managed(config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED, {
        remediation: Remediation.manual({ document: RemediationDocument.of('My-Runbook') }),
      })])],
    });
    expect(stack.resolve(rules.packRemediationRole('p', 'incoming-ssh-disabled').roleArn)).toEqual(
      { 'Fn::GetAtt': [resourceOf(template, 'AWS::IAM::Role', 'RemediationRole').id, 'Arn'] });
    expect(() => rules.packRemediationRole('p', 'other')).toThrow("no rule named 'other' of conformance pack 'p' has a remediation");
  });
});

test('rule names that map to one logical id get distinct logical ids in the pack', () => {
  const ssh = config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED;
  const { template } = synth({
    conformancePacks: [ConformancePack.fromRules('p', [ComplianceRule.managed(ssh, { ruleName: 'a-b' }), ComplianceRule.managed(ssh, { ruleName: 'a.b' })])],
  });
  const rendered = renderedTemplate(resourceOf(template, 'AWS::Config::ConformancePack', 'PPack').resource);
  expect(Object.keys(rendered.Resources)).toEqual(['AB', 'AB2']);
  expect(rendered.Resources.AB2.Properties.ConfigRuleName).toBe('a.b');
});

describe('the 51,200-byte TemplateBody limit', () => {
  function guardRules(count: number, policyLength: number): ComplianceRule[] {
    return Array.from({ length: count }, (_, i) => ComplianceRule.customPolicy(`rule r${i} { x == "${'y'.repeat(policyLength)}" }`, { ruleName: `g${i}` }));
  }

  test('a pack just under the limit synthesizes', () => {
    const { template } = synth({ conformancePacks: [ConformancePack.fromRules('fits', guardRules(5, 9_000))] });
    const body = resourceOf(template, 'AWS::Config::ConformancePack', 'FitsPack').resource.Properties.TemplateBody;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
  });

  test('fails when the rendered rules exceed the limit, with the fix', () => {
    expect(() => synth({ conformancePacks: [ConformancePack.fromRules('too-big', guardRules(6, 9_000))] })).toThrow(
      /^the template of conformance pack 'too-big' must be at most 51200 bytes, the rendered rules take about 5\d{4}: split the rules into several packs/);
  });

  test('counts unresolved ARNs at their largest likely size, so a pack that passes at synth fits at deploy time', () => {
    // Five 9,000-character Guard rules leave about 4,200 bytes. A custom rule takes about 340 bytes with its function
    // ARN as a token placeholder, about 520 once the ARN is counted at 200 bytes: 12 of them would fit by placeholder
    // (about 4,100 bytes) but not once resolved; 3 fit either way.
    const customs = (stack: any, count: number) => {
      const fn = ownFunction(stack);
      return Array.from({ length: count }, (_, i) => ComplianceRule.custom(fn, { ruleName: `c${i}`, configurationChanges: true }));
    };
    const fits = newStack();
    expect(() => synth({ conformancePacks: [ConformancePack.fromRules('tokens', [...guardRules(5, 9_000), ...customs(fits, 3)])] }, fits))
      .not.toThrow();
    const tooBig = newStack();
    expect(() => synth({ conformancePacks: [ConformancePack.fromRules('tokens', [...guardRules(5, 9_000), ...customs(tooBig, 12)])] }, tooBig))
      .toThrow(/conformance pack 'tokens' must be at most 51200 bytes, the rendered rules take about 5[1-9]\d{3}/);
  });

  test('fails when a template file exceeds the limit, pointing to fromS3Uri()', () => {
    const file = path.join(tmp, 'big.yaml');
    fs.writeFileSync(file, `Resources: {}\n# ${'x'.repeat(MAX_TEMPLATE_BODY_BYTES)}\n`);
    expect(() => ConformancePack.fromTemplateFile('big', file)).toThrow(
      /the template of conformance pack 'big' must be at most 51200 bytes, the file '.*big.yaml' take about 512\d\d: .*ConformancePack.fromS3Uri\(\)/);
  });
});

describe('conformance pack failures', () => {
  test('fails when the pack name is not one Config takes', () => {
    expect(() => ConformancePack.fromS3Uri('1pack', 's3://bucket-name/k')).toThrow(
      "packName must be a letter followed by letters, digits or '-', at most 256 characters, got '1pack'");
    expect(() => synth({ conformancePacks: [ConformancePack.fromRules('has_underscore', [])] })).toThrow(/packName must be a letter/);
  });

  test('fails when a pack of rules has no rule or two rules with one name', () => {
    expect(() => synth({ conformancePacks: [ConformancePack.fromRules('empty', [])] }))
      .toThrow("rules of conformance pack 'empty' must hold at least one rule, got []");
    const rule = ComplianceRule.managed(config.ManagedRuleIdentifiers.ROOT_ACCOUNT_MFA_ENABLED);
    expect(() => synth({ conformancePacks: [ConformancePack.fromRules('dup', [rule, rule])] })).toThrow(
      "rules of conformance pack 'dup' must have distinct names, got 'root-account-mfa-enabled' twice");
  });

  test('fails when the template file is missing or empty', () => {
    expect(() => ConformancePack.fromTemplateFile('p', path.join(tmp, 'missing.yaml'))).toThrow(
      /^path of conformance pack 'p' must be a template file, got '.*missing.yaml'/);
    const empty = path.join(tmp, 'empty.yaml');
    fs.writeFileSync(empty, '\n');
    expect(() => ConformancePack.fromTemplateFile('p', empty)).toThrow(/the template of conformance pack 'p' at '.*empty.yaml' is empty/);
  });

  test('fails when the S3 URI is not s3://bucket/key', () => {
    expect(() => ConformancePack.fromS3Uri('p', 'https://bucket.s3.amazonaws.com/key')).toThrow(
      "uri of conformance pack 'p' must be 's3://<bucket>/<key>', got 'https://bucket.s3.amazonaws.com/key'");
  });

  test('takes short and long valid bucket names, and rejects invalid ones with the bucket naming rule', () => {
    expect(() => ConformancePack.fromS3Uri('p', 's3://abc/key.yaml')).not.toThrow();
    expect(() => ConformancePack.fromS3Uri('p', `s3://${'a'.repeat(63)}/key.yaml`)).not.toThrow();
    expect(() => ConformancePack.fromS3Uri('p', 's3://ab/key.yaml')).toThrow(
      "uri of conformance pack 'p' names the bucket 'ab', which is not a valid S3 bucket name: a bucket name has 3 to 63");
    expect(() => ConformancePack.fromS3Uri('p', 's3://My_Bucket/key.yaml')).toThrow(/names the bucket 'My_Bucket', which is not a valid/);
  });

  test('the organization pack checks its S3 URI as the account pack does', () => {
    expect(() => ConformancePackTemplate.fromS3Uri('s3://abc/key.yaml')).not.toThrow();
    expect(() => ConformancePackTemplate.fromS3Uri('s3://ab/key.yaml')).toThrow(
      "the conformance pack template URI names the bucket 'ab', which is not a valid S3 bucket name");
    expect(() => ConformancePackTemplate.fromS3Uri('https://bucket.s3.amazonaws.com/key')).toThrow(
      "the conformance pack template URI must be 's3://<bucket>/<key>', got 'https://bucket.s3.amazonaws.com/key'");
  });

  test('fails when two packs share a name', () => {
    expect(() => synth({ conformancePacks: [ConformancePack.fromS3Uri('p', 's3://bucket-name/a'), ConformancePack.fromS3Uri('p', 's3://bucket-name/b')] }))
      .toThrow("conformancePacks must have distinct names, got 'p' twice: give one of them another packName");
  });
});
