import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { resourceOf, synth } from './support';
import { ComplianceRule } from '../../../src/agent/rules/compliance-rule';
import { Remediation, RemediationDocument, RemediationParameter } from '../../../src/agent/rules/remediation';

const SSH = config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED;

function sshRule(remediation: Remediation) {
  return ComplianceRule.managed(SSH, { ruleName: 'restricted-ssh', remediation });
}

describe('automatic remediation with an AWS-owned document, defaults', () => {
  // Prepare: one synth for every default assertion.
  const { rules, template, stack } = synth({
    rules: [sshRule(Remediation.automatic({ document: RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22 }))],
  });
  const rule = resourceOf(template, 'AWS::Config::ConfigRule', 'RulesRestrictedSsh');
  const role = resourceOf(template, 'AWS::IAM::Role', 'RulesRestrictedSshRemediationRole');
  const policy = resourceOf(template, 'AWS::IAM::Policy', 'RulesRestrictedSshRemediationRole');
  const remediation = resourceOf(template, 'AWS::Config::RemediationConfiguration', 'RulesRestrictedSshRemediation');

  test('the remediation: SSM document, automatic, 5 attempts 60 seconds apart, the resource id in the document\'s parameter', () => {
    expect(remediation.resource.Properties).toEqual({
      ConfigRuleName: 'restricted-ssh',
      TargetType: 'SSM_DOCUMENT',
      TargetId: 'AWS-DisableIncomingSSHOnPort22',
      ResourceType: 'AWS::EC2::SecurityGroup',
      Automatic: true,
      MaximumAutomaticAttempts: 5,
      RetryAttemptSeconds: 60,
      Parameters: {
        SecurityGroupIds: { ResourceValue: { Value: 'RESOURCE_ID' } },
        AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': [role.id, 'Arn'] }] } },
      },
    });
  });

  test('a remediation that can run: the automation role is created and passed as AutomationAssumeRole without being asked for', () => {
    expect(remediation.resource.Properties.Parameters.AutomationAssumeRole).toEqual(
      { StaticValue: { Values: [{ 'Fn::GetAtt': [role.id, 'Arn'] }] } });
    // ... and the remediation waits for the rule (named, not referenced) and the role's policy; the role itself is
    // ordered by the reference above, which a DependsOn would only repeat (cfn-lint W3005).
    expect(remediation.resource.DependsOn).toEqual([rule.id, policy.id]);
  });

  test('the role: assumed only by SSM automations of this account, no managed policy', () => {
    expect(role.resource.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'ssm.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '222222222222' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:*:222222222222:automation-execution/*']] } },
      },
    }]);
    expect(role.resource.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the role\'s policy: iam:PassRole on itself to SSM only, and exactly what the runbook documents', () => {
    expect(policy.resource.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [role.id, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: 'ec2:DescribeSecurityGroups', Resource: '*' },
      { Effect: 'Allow', Action: 'ec2:RevokeSecurityGroupIngress', Resource: 'arn:aws:ec2:us-east-1:222222222222:security-group/*' },
    ]);
  });

  test('remediationRole() returns the role, for grants', () => {
    expect(stack.resolve(rules.remediationRole('restricted-ssh').roleArn)).toEqual({ 'Fn::GetAtt': [role.id, 'Arn'] });
  });
});

describe('remediation overrides', () => {
  test('manual: not automatic, no attempts or interval', () => {
    const { template } = synth({
      rules: [sshRule(Remediation.manual({ document: RemediationDocument.REMOVE_UNRESTRICTED_SOURCE_INGRESS_RULES }))],
    });
    const remediation = resourceOf(template, 'AWS::Config::RemediationConfiguration', 'Remediation').resource.Properties;
    expect(remediation.Automatic).toBe(false);
    expect(remediation.MaximumAutomaticAttempts).toBeUndefined();
    expect(remediation.RetryAttemptSeconds).toBeUndefined();
    expect(remediation.TargetId).toBe('AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules');
    expect(remediation.Parameters.SecurityGroupId).toEqual({ ResourceValue: { Value: 'RESOURCE_ID' } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow', Action: 'ssm:GetAutomationExecution', Resource: 'arn:aws:ssm:us-east-1:222222222222:automation-execution/*',
        }]),
      },
    });
  });

  test('a document of your own: typed parameters, version, resource type, retries, execution controls, your statements', () => {
    // Prepare
    const rule = ComplianceRule.managed(config.ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, {
      remediation: Remediation.automatic({
        document: RemediationDocument.of('AWS-EnableS3BucketEncryption'),
        documentVersion: '1',
        resourceType: config.ResourceType.S3_BUCKET,
        parameters: {
          BucketName: RemediationParameter.resourceId(),
          SSEAlgorithm: RemediationParameter.value('AES256'),
          Tags: RemediationParameter.values(['a', 'b']),
        },
        maximumAutomaticAttempts: 3,
        retryInterval: Duration.minutes(10),
        concurrencyPercentage: 20,
        errorPercentage: 5,
        policyStatements: [new iam.PolicyStatement({ actions: ['s3:PutEncryptionConfiguration'], resources: ['arn:aws:s3:::*'] })],
      }),
    });
    // Act
    const { template } = synth({ rules: [rule] });
    // Assess
    const role = resourceOf(template, 'AWS::IAM::Role', 'RemediationRole');
    expect(resourceOf(template, 'AWS::Config::RemediationConfiguration', 'Remediation').resource.Properties).toEqual({
      ConfigRuleName: 's3-bucket-server-side-encryption-enabled',
      TargetType: 'SSM_DOCUMENT',
      TargetId: 'AWS-EnableS3BucketEncryption',
      TargetVersion: '1',
      ResourceType: 'AWS::S3::Bucket',
      Automatic: true,
      MaximumAutomaticAttempts: 3,
      RetryAttemptSeconds: 600,
      ExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 20, ErrorPercentage: 5 } },
      Parameters: {
        BucketName: { ResourceValue: { Value: 'RESOURCE_ID' } },
        SSEAlgorithm: { StaticValue: { Values: ['AES256'] } },
        Tags: { StaticValue: { Values: ['a', 'b'] } },
        AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': [role.id, 'Arn'] }] } },
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'iam:PassRole' }),
          { Effect: 'Allow', Action: 's3:PutEncryptionConfiguration', Resource: 'arn:aws:s3:::*' },
        ],
      },
    });
  });

  test('parameters you set win over the document\'s default resource-id parameter', () => {
    const { template } = synth({
      rules: [sshRule(Remediation.automatic({
        document: RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22,
        parameters: { SecurityGroupIds: RemediationParameter.value('sg-0123456789abcdef0') },
      }))],
    });
    template.hasResourceProperties('AWS::Config::RemediationConfiguration', {
      Parameters: { SecurityGroupIds: { StaticValue: { Values: ['sg-0123456789abcdef0'] } } },
    });
  });

  test('custom and Guard rules take a remediation too', () => {
    const { template } = synth({
      rules: [ComplianceRule.customPolicy('rule r { resourceType == "AWS::EC2::SecurityGroup" }', {
        ruleName: 'g',
        remediation: Remediation.manual({ document: RemediationDocument.of('My-Runbook') }),
      })],
    });
    template.hasResourceProperties('AWS::Config::RemediationConfiguration', { ConfigRuleName: 'g', TargetId: 'My-Runbook' });
  });
});

describe('remediation failures', () => {
  const document = RemediationDocument.DISABLE_INCOMING_SSH_ON_PORT_22;

  test('fails when parameters set AutomationAssumeRole', () => {
    expect(() => Remediation.automatic({ document, parameters: { AutomationAssumeRole: RemediationParameter.value('arn:aws:iam::1:role/x') } }))
      .toThrow(/^parameters must not set AutomationAssumeRole.*the library creates the automation role and passes it/);
  });

  test('fails when maximumAutomaticAttempts is outside 1..25', () => {
    expect(() => Remediation.automatic({ document, maximumAutomaticAttempts: 0 })).toThrow(
      'maximumAutomaticAttempts must be an integer from 1 to 25, got 0: Config tries an automatic remediation from 1 to 25 times');
    expect(() => Remediation.automatic({ document, maximumAutomaticAttempts: 26 })).toThrow(/from 1 to 25, got 26/);
  });

  test('fails when retryInterval is outside 1 second..31 days or not whole seconds', () => {
    expect(() => Remediation.automatic({ document, retryInterval: Duration.days(32) })).toThrow(/^retryInterval must be from 1 second to 31 days, got 32 days/);
    expect(() => Remediation.automatic({ document, retryInterval: Duration.millis(1500) })).toThrow(/^retryInterval must be a whole number of seconds/);
  });

  test('fails when a percentage is outside 1..100', () => {
    expect(() => Remediation.manual({ document, concurrencyPercentage: 0 })).toThrow(/^concurrencyPercentage must be an integer from 1 to 100, got 0/);
    expect(() => Remediation.manual({ document, errorPercentage: 101 })).toThrow(/^errorPercentage must be an integer from 1 to 100, got 101/);
  });

  test('fails when values() is empty or the document name is not one', () => {
    expect(() => RemediationParameter.values([])).toThrow('RemediationParameter.values() needs at least one value, got []');
    expect(() => RemediationDocument.of('not a name')).toThrow("RemediationDocument.of() needs an SSM document name or ARN, got 'not a name'");
  });
});
