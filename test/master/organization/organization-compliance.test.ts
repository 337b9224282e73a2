import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { OrganizationCompliance, type OrganizationComplianceProps } from '../../../src/master/organization/organization-compliance';
import { ConformancePackTemplate, type OrganizationConformancePack } from '../../../src/master/organization/organization-conformance-pack';
import { OrganizationRule, type OrganizationManagedRuleOptions } from '../../../src/master/organization/organization-rule';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const PACK_BODY = 'Resources:\n  S3Versioning:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: s3-versioning\n'
  + '      Source:\n        Owner: AWS\n        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED\n';

const ORG = 'o-a1b2c3d4e5';

function synth(props: OrganizationComplianceProps | ((stack: Stack) => OrganizationComplianceProps)) {
  const stack = new Stack(new App(), 'Management', { env: ENV });
  const construct = new OrganizationCompliance(stack, 'OrganizationCompliance', {
    organizationId: ORG, ...(typeof props === 'function' ? props(stack) : props),
  });
  return { stack, construct, template: Template.fromStack(stack) };
}

function evaluator(stack: Stack) {
  return new lambda.Function(stack, 'Evaluator', {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
}

const S3_VERSIONING = config.ManagedRuleIdentifiers.S3_BUCKET_VERSIONING_ENABLED;
const managed = (overrides: Partial<OrganizationManagedRuleOptions> = {}, identifier: string = S3_VERSIONING) =>
  OrganizationRule.managed(identifier, { ruleName: 's3-bucket-versioning-enabled', ...overrides });

describe('OrganizationCompliance, nothing configured', () => {
  test('creates no rule and no pack', () => {
    const { template } = synth({});
    template.resourceCountIs('AWS::Config::OrganizationConfigRule', 0);
    template.resourceCountIs('AWS::Config::OrganizationConformancePack', 0);
  });
});

describe('managed rules', () => {
  test('defaults: name, identifier, nothing else', () => {
    const { template } = synth({ rules: [managed()] });
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', Match.exact({
      OrganizationConfigRuleName: 's3-bucket-versioning-enabled',
      OrganizationManagedRuleMetadata: { RuleIdentifier: 'S3_BUCKET_VERSIONING_ENABLED' },
    }));
  });

  test('the construct id is the rule name (a public contract: renaming replaces the rule)', () => {
    const { construct } = synth({ rules: [managed()] });
    expect(construct.node.tryFindChild('Rule-s3-bucket-versioning-enabled')).toBeDefined();
  });

  test('every option: description, excluded accounts, parameters, frequency, resource scope', () => {
    const { template } = synth({
      rules: [managed({
        ruleName: 'access-keys-rotated',
        description: 'Access keys are rotated within 90 days',
        excludedAccounts: ['222222222222', '333333333333'],
        inputParameters: { maxAccessKeyAge: 90 },
        maximumExecutionFrequency: config.MaximumExecutionFrequency.TWELVE_HOURS,
        ruleScope: config.RuleScope.fromResources([config.ResourceType.IAM_USER]),
      }, config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED)],
    });
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
      OrganizationConfigRuleName: 'access-keys-rotated',
      ExcludedAccounts: ['222222222222', '333333333333'],
      OrganizationManagedRuleMetadata: {
        RuleIdentifier: 'ACCESS_KEYS_ROTATED',
        Description: 'Access keys are rotated within 90 days',
        InputParameters: '{"maxAccessKeyAge":90}',
        MaximumExecutionFrequency: 'Twelve_Hours',
        ResourceTypesScope: ['AWS::IAM::User'],
      },
    });
  });

  test('a tag scope and a single-resource scope', () => {
    const { template } = synth({
      rules: [
        managed({ ruleName: 'by-tag', ruleScope: config.RuleScope.fromTag('environment', 'production') }),
        managed({ ruleName: 'one-bucket', ruleScope: config.RuleScope.fromResource(config.ResourceType.S3_BUCKET, 'audit-logs') }),
      ],
    });
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
      OrganizationConfigRuleName: 'by-tag',
      OrganizationManagedRuleMetadata: { TagKeyScope: 'environment', TagValueScope: 'production' },
    });
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
      OrganizationConfigRuleName: 'one-bucket',
      OrganizationManagedRuleMetadata: { ResourceTypesScope: ['AWS::S3::Bucket'], ResourceIdScope: 'audit-logs' },
    });
  });
});

describe('custom Lambda rules', () => {
  test('configuration changes: both change triggers, no frequency', () => {
    const { template } = synth((stack) => ({
      rules: [OrganizationRule.custom(evaluator(stack), { ruleName: 'sg-tagged', configurationChanges: true })],
    }));
    const fn = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', Match.exact({
      OrganizationConfigRuleName: 'sg-tagged',
      OrganizationCustomRuleMetadata: {
        LambdaFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
        OrganizationConfigRuleTriggerTypes: ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'],
      },
    }));
  });

  test('Config of the organization\'s accounts, and no other, may invoke the function; the rule waits for that policy', () => {
    const { template } = synth((stack) => ({
      rules: [OrganizationRule.custom(evaluator(stack), { ruleName: 'sg-tagged', configurationChanges: true })],
    }));
    const fn = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
    const policies = template.findResources('AWS::Lambda::ResourcePolicy');
    expect(Object.values(policies)).toEqual([{
      Type: 'AWS::Lambda::ResourcePolicy',
      Properties: {
        ResourceArn: { 'Fn::GetAtt': [fn, 'Arn'] },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Sid: 'ConfigRulesOfTheOrganization',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: { 'Fn::GetAtt': [fn, 'Arn'] },
            Condition: { StringEquals: { 'aws:SourceOrgID': 'o-a1b2c3d4e5' } },
          }],
        },
      },
    }]);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    template.hasResource('AWS::Config::OrganizationConfigRule', { DependsOn: [Object.keys(policies)[0]] });
  });

  test('fails when a custom Lambda rule is given without organizationId', () => {
    const stack = new Stack(new App(), 'Management', { env: ENV });
    expect(() => new OrganizationCompliance(stack, 'OrganizationCompliance', {
      rules: [OrganizationRule.custom(evaluator(stack), { ruleName: 'sg-tagged', configurationChanges: true })],
    })).toThrow("organizationRules: the custom Lambda rule 'sg-tagged' needs organizationId");
  });

  test('managed and Guard rules need no organizationId', () => {
    const stack = new Stack(new App(), 'Management', { env: ENV });
    new OrganizationCompliance(stack, 'OrganizationCompliance', { rules: [managed()] });
    Template.fromStack(stack).resourceCountIs('AWS::Config::OrganizationConfigRule', 1);
  });

  test('periodic: the scheduled trigger, every 24 hours by default', () => {
    const { template } = synth((stack) => ({
      rules: [OrganizationRule.custom(evaluator(stack), { ruleName: 'daily', periodic: true })],
    }));
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
      OrganizationCustomRuleMetadata: { OrganizationConfigRuleTriggerTypes: ['ScheduledNotification'], MaximumExecutionFrequency: 'TwentyFour_Hours' },
    });
  });

  test('both triggers, a chosen frequency, a scope and parameters', () => {
    const { template } = synth((stack) => ({
      rules: [OrganizationRule.custom(evaluator(stack), {
        ruleName: 'both',
        configurationChanges: true,
        periodic: true,
        maximumExecutionFrequency: config.MaximumExecutionFrequency.SIX_HOURS,
        ruleScope: config.RuleScope.fromResources([config.ResourceType.EC2_SECURITY_GROUP]),
        inputParameters: { port: '22' },
        excludedAccounts: ['222222222222'],
      })],
    }));
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
      ExcludedAccounts: ['222222222222'],
      OrganizationCustomRuleMetadata: {
        OrganizationConfigRuleTriggerTypes: ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification', 'ScheduledNotification'],
        MaximumExecutionFrequency: 'Six_Hours',
        ResourceTypesScope: ['AWS::EC2::SecurityGroup'],
        InputParameters: '{"port":"22"}',
      },
    });
  });

  test('two rules on one function: one policy, both rules wait for it', () => {
    const { template } = synth((stack) => {
      const fn = evaluator(stack);
      return {
        rules: [
          OrganizationRule.custom(fn, { ruleName: 'a', configurationChanges: true }),
          OrganizationRule.custom(fn, { ruleName: 'b', periodic: true }),
        ],
      };
    });
    template.resourceCountIs('AWS::Lambda::ResourcePolicy', 1);
    const [policy] = Object.keys(template.findResources('AWS::Lambda::ResourcePolicy'));
    for (const rule of Object.values(template.findResources('AWS::Config::OrganizationConfigRule')) as any[]) {
      expect(rule.DependsOn).toEqual([policy]);
    }
  });

  test('fails when the rule has no trigger', () => {
    expect(() => synth((stack) => ({ rules: [OrganizationRule.custom(evaluator(stack), { ruleName: 'none' })] })))
      .toThrow("rule 'none' has no trigger: set configurationChanges: true, periodic: true, or both");
  });

  test('fails when a frequency is set on a rule that is not periodic', () => {
    expect(() => synth((stack) => ({
      rules: [OrganizationRule.custom(evaluator(stack), {
        ruleName: 'x', configurationChanges: true, maximumExecutionFrequency: config.MaximumExecutionFrequency.ONE_HOUR,
      })],
    }))).toThrow("rule 'x' sets maximumExecutionFrequency One_Hour but is not periodic");
  });

  test('fails when a periodic-only rule has a scope (Config rejects it)', () => {
    expect(() => synth((stack) => ({
      rules: [OrganizationRule.custom(evaluator(stack), {
        ruleName: 'p', periodic: true, ruleScope: config.RuleScope.fromTag('team'),
      })],
    }))).toThrow("rule 'p' is periodic only and has a ruleScope, which Config rejects");
  });
});

describe('custom policy rules', () => {
  const policyText = 'rule versioning { configuration.versioningConfiguration.status == "Enabled" }';

  test('Guard runtime, change triggers, the policy text', () => {
    const { template } = synth({ rules: [OrganizationRule.customPolicy(policyText, { ruleName: 'guard-versioning' })] });
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', Match.exact({
      OrganizationConfigRuleName: 'guard-versioning',
      OrganizationCustomPolicyRuleMetadata: {
        PolicyText: policyText,
        Runtime: 'guard-2.x.x',
        OrganizationConfigRuleTriggerTypes: ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'],
      },
    }));
  });

  test('debug log accounts, description and scope', () => {
    const { template } = synth({
      rules: [OrganizationRule.customPolicy(policyText, {
        ruleName: 'g',
        debugLogDeliveryAccounts: ['222222222222'],
        description: 'versioning',
        ruleScope: config.RuleScope.fromResources([config.ResourceType.S3_BUCKET]),
      })],
    });
    template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
      OrganizationCustomPolicyRuleMetadata: { DebugLogDeliveryAccounts: ['222222222222'], Description: 'versioning', ResourceTypesScope: ['AWS::S3::Bucket'] },
    });
  });

  test('fails when the policy text is longer than 10,000 characters', () => {
    expect(() => synth({ rules: [OrganizationRule.customPolicy('x'.repeat(10_001), { ruleName: 'g' })] }))
      .toThrow(/^policyText of rule 'g' must be 1 to 10000 characters long, got 10001/);
  });

  test('fails when a debug log account is not an account id', () => {
    expect(() => synth({ rules: [OrganizationRule.customPolicy(policyText, { ruleName: 'g', debugLogDeliveryAccounts: ['dev'] })] }))
      .toThrow("debugLogDeliveryAccounts of rule 'g' must hold 12-digit AWS account ids, got 'dev'");
  });
});

describe('rule validation (what CloudFormation would reject)', () => {
  test('fails when the rule name is longer than 64 characters', () => {
    expect(() => synth({ rules: [managed({ ruleName: 'r'.repeat(65) })] })).toThrow(/^ruleName must be 1 to 64 characters long, got 65/);
  });

  test('fails when the rule name has other characters than letters, digits, - and _', () => {
    expect(() => synth({ rules: [managed({ ruleName: 's3 versioning' })] })).toThrow("ruleName must contain only letters, digits, - and _, got 's3 versioning'");
  });

  test('fails when the description is longer than 256 characters', () => {
    expect(() => synth({ rules: [managed({ description: 'd'.repeat(257) })] })).toThrow(/description of rule .* must be 0 to 256 characters long, got 257/);
  });

  test('fails when more than 1,000 accounts are excluded', () => {
    const excludedAccounts = Array.from({ length: 1001 }, (_, i) => String(100000000000 + i));
    expect(() => synth({ rules: [managed({ excludedAccounts })] })).toThrow(/excludedAccounts of rule .* takes at most 1000 accounts, got 1001/);
  });

  test('1,000 excluded accounts are accepted', () => {
    const excludedAccounts = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i));
    expect(() => synth({ rules: [managed({ excludedAccounts })] })).not.toThrow();
  });

  test('fails when an excluded account is not a 12-digit id', () => {
    expect(() => synth({ rules: [managed({ excludedAccounts: ['22222222222'] })] })).toThrow(/must hold 12-digit AWS account ids, got '22222222222'/);
  });

  test('fails when an excluded account is listed twice', () => {
    expect(() => synth({ rules: [managed({ excludedAccounts: ['222222222222', '222222222222'] })] })).toThrow(/lists account 222222222222 twice/);
  });

  test('fails when the parameters encode to more than 2,048 characters', () => {
    expect(() => synth({ rules: [managed({ inputParameters: { big: 'x'.repeat(2048) } })] }))
      .toThrow(/inputParameters of rule .* must encode to at most 2048 characters of JSON/);
  });

  test('fails when a scope has more than 100 resource types', () => {
    const types = Array.from({ length: 101 }, (_, i) => config.ResourceType.of(`AWS::Custom::Type${i}`));
    expect(() => synth({ rules: [managed({ ruleScope: config.RuleScope.fromResources(types) })] })).toThrow(/lists 101 resource types, Config takes at most 100/);
  });

  test('fails when a scope tag key is longer than 128 characters', () => {
    expect(() => synth({ rules: [managed({ ruleScope: config.RuleScope.fromTag('k'.repeat(129)) })] })).toThrow(/tag key .* must be 1 to 128 characters long/);
  });

  test('fails when two rules share a name', () => {
    expect(() => synth({ rules: [managed(), managed()] })).toThrow("organizationRules has two entries named 's3-bucket-versioning-enabled'");
  });

  test('fails when more than 150 rules are given', () => {
    const rules = Array.from({ length: 151 }, (_, i) => managed({ ruleName: `rule-${i}` }));
    expect(() => synth({ rules })).toThrow(/organizationRules has 151 rules, Config allows at most 150 per organization/);
  });

  test('unresolved values (CloudFormation parameters) are passed through unchecked', () => {
    const { template } = synth((stack) => {
      const name = new CfnParameter(stack, 'RuleName').valueAsString;
      const account = new CfnParameter(stack, 'Excluded').valueAsString;
      return { rules: [managed({ ruleName: name, excludedAccounts: [account] })] };
    });
    template.resourceCountIs('AWS::Config::OrganizationConfigRule', 1);
  });
});

describe('conformance packs', () => {
  const pack = (overrides: Partial<OrganizationConformancePack> = {}): OrganizationConformancePack => ({
    conformancePackName: 'operational-best-practices', template: ConformancePackTemplate.fromBody(PACK_BODY), ...overrides,
  });

  test('defaults: name and template body only', () => {
    const { template, construct } = synth({ conformancePacks: [pack()] });
    template.hasResourceProperties('AWS::Config::OrganizationConformancePack', Match.exact({
      OrganizationConformancePackName: 'operational-best-practices',
      TemplateBody: PACK_BODY,
    }));
    expect(construct.node.tryFindChild('ConformancePack-operational-best-practices')).toBeDefined();
  });

  test('every option: S3 template, parameters, excluded accounts, delivery bucket and prefix', () => {
    const { template } = synth((stack) => ({
      conformancePacks: [pack({
        template: ConformancePackTemplate.fromS3Uri('s3://templates-111111111111/packs/cis.yaml'),
        inputParameters: { AccessKeysRotatedParamMaxAccessKeyAge: '90' },
        excludedAccounts: ['222222222222'],
        deliveryBucket: s3.Bucket.fromBucketName(stack, 'Delivery', 'awsconfigconforms-results'),
        deliveryKeyPrefix: 'org',
      })],
    }));
    template.hasResourceProperties('AWS::Config::OrganizationConformancePack', Match.exact({
      OrganizationConformancePackName: 'operational-best-practices',
      TemplateS3Uri: 's3://templates-111111111111/packs/cis.yaml',
      ConformancePackInputParameters: [{ ParameterName: 'AccessKeysRotatedParamMaxAccessKeyAge', ParameterValue: '90' }],
      ExcludedAccounts: ['222222222222'],
      DeliveryS3Bucket: 'awsconfigconforms-results',
      DeliveryS3KeyPrefix: 'org',
    }));
  });

  test('fromFile reads the template at synth', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pack-')), 'pack.yaml');
    fs.writeFileSync(file, PACK_BODY);
    const { template } = synth({ conformancePacks: [pack({ template: ConformancePackTemplate.fromFile(file) })] });
    template.hasResourceProperties('AWS::Config::OrganizationConformancePack', { TemplateBody: PACK_BODY });
  });

  test('fails when fromFile cannot read the file', () => {
    expect(() => ConformancePackTemplate.fromFile('/nonexistent/pack.yaml')).toThrow(/^ConformancePackTemplate.fromFile cannot read '\/nonexistent\/pack.yaml'/);
  });

  test('fails when the template body is larger than 51,200 bytes', () => {
    expect(() => ConformancePackTemplate.fromBody('x'.repeat(51_201))).toThrow(/must be 1 to 51200 bytes, got 51201: upload a larger template to S3/);
  });

  test('fails when the S3 URI is an https URL', () => {
    expect(() => ConformancePackTemplate.fromS3Uri('https://bucket.s3.amazonaws.com/pack.yaml')).toThrow(/must be 's3:\/\/<bucket>\/<key>'/);
  });

  test.each([['starts with a digit', '1pack'], ['has an underscore', 'my_pack'], ['is too long', `p${'a'.repeat(128)}`]])(
    'fails when the pack name %s', (_what, conformancePackName) => {
      expect(() => synth({ conformancePacks: [pack({ conformancePackName })] })).toThrow(/^conformancePackName must/);
    });

  test('fails when more than 60 parameters are given', () => {
    const inputParameters = Object.fromEntries(Array.from({ length: 61 }, (_, i) => [`P${i}`, 'v']));
    expect(() => synth({ conformancePacks: [pack({ inputParameters })] })).toThrow(/has 61 entries, Config takes at most 60/);
  });

  test('fails when a parameter value is longer than 4,096 characters', () => {
    expect(() => synth({ conformancePacks: [pack({ inputParameters: { P: 'v'.repeat(4097) } })] })).toThrow(/the value of P must be 0 to 4096 characters/);
  });

  test('fails when the delivery bucket name does not start with awsconfigconforms', () => {
    expect(() => synth((stack) => ({ conformancePacks: [pack({ deliveryBucket: s3.Bucket.fromBucketName(stack, 'B', 'results') })] })))
      .toThrow(/deliveryBucket of conformance pack .* must have a name that starts with 'awsconfigconforms'/);
  });

  test('fails when a key prefix is given without a bucket', () => {
    expect(() => synth({ conformancePacks: [pack({ deliveryKeyPrefix: 'org' })] })).toThrow(/deliveryKeyPrefix .* is set without a deliveryBucket/);
  });

  test('fails when more than 1,000 accounts are excluded', () => {
    const excludedAccounts = Array.from({ length: 1001 }, (_, i) => String(100000000000 + i));
    expect(() => synth({ conformancePacks: [pack({ excludedAccounts })] })).toThrow(/takes at most 1000 accounts/);
  });

  test('fails when two packs share a name', () => {
    expect(() => synth({ conformancePacks: [pack(), pack()] })).toThrow("organizationConformancePacks has two entries named 'operational-best-practices'");
  });
});
