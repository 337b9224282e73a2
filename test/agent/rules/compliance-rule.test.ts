import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ENV, newStack, ownFunction, resourceOf, SHARED_FUNCTION_ARN, synth } from './support';
import { ComplianceRule } from '../../../src/agent/rules/compliance-rule';

/** Binds one rule, as the agent does: the factories defer their checks to here. */
const bound = (rule: ComplianceRule) => synth({ rules: [rule] });

const SSH = config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED;
const GUARD_POLICY = 'rule versioning_enabled when resourceType == "AWS::S3::Bucket" {\n'
  + '  configuration.versioningConfiguration.status == "Enabled"\n}';

describe('managed rules (aws-cdk-lib ManagedRule)', () => {
  test('defaults: name derived from the identifier, owner AWS, no scope, no frequency, no evaluation modes', () => {
    // Prepare + Act
    const { template } = synth({ rules: [ComplianceRule.managed(SSH)] });
    // Assess
    template.resourceCountIs('AWS::Config::ConfigRule', 1);
    template.hasResourceProperties('AWS::Config::ConfigRule', Match.exact({
      ConfigRuleName: 'incoming-ssh-disabled',
      Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
    }));
    expect(resourceOf(template, 'AWS::Config::ConfigRule', 'RulesIncomingSshDisabled').id).toMatch(/^RulesIncomingSshDisabled[0-9A-F]{8}$/);
  });

  test('overrides: name, description, parameters, scope, evaluation modes', () => {
    const { template } = synth({
      rules: [ComplianceRule.managed(config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED, {
        ruleName: 'keys-rotated',
        description: 'Access keys are rotated every 90 days',
        inputParameters: { maxAccessKeyAge: 90 },
        maximumExecutionFrequency: config.MaximumExecutionFrequency.TWELVE_HOURS,
      }), ComplianceRule.managed(SSH, {
        ruleScope: config.RuleScope.fromTag('team', 'payments'),
        evaluationModes: config.EvaluationMode.DETECTIVE_AND_PROACTIVE,
      })],
    });
    template.hasResourceProperties('AWS::Config::ConfigRule', Match.exact({
      ConfigRuleName: 'keys-rotated',
      Description: 'Access keys are rotated every 90 days',
      InputParameters: { maxAccessKeyAge: 90 },
      MaximumExecutionFrequency: 'Twelve_Hours',
      Source: { Owner: 'AWS', SourceIdentifier: 'ACCESS_KEYS_ROTATED' },
    }));
    template.hasResourceProperties('AWS::Config::ConfigRule', Match.exact({
      ConfigRuleName: 'incoming-ssh-disabled',
      Scope: { TagKey: 'team', TagValue: 'payments' },
      EvaluationModes: [{ Mode: 'DETECTIVE' }, { Mode: 'PROACTIVE' }],
      Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
    }));
  });

  test('the configRules expose the rules for onComplianceChange()', () => {
    const { rules, stack } = synth({ rules: [ComplianceRule.managed(SSH)] });
    expect(rules.configRules).toHaveLength(1);
    expect(stack.resolve(rules.configRules[0].configRuleName)).toEqual({ Ref: expect.stringMatching(/^RulesIncomingSshDisabled/) });
  });

  test('fails when the identifier is not a managed rule identifier', () => {
    expect(() => bound(ComplianceRule.managed('restricted-ssh'))).toThrow(
      "ComplianceRule.managed() needs a managed rule identifier, got 'restricted-ssh': use a config.ManagedRuleIdentifiers value");
  });

  test('fails when the identifier is a token and no ruleName is given', () => {
    const stack = newStack();
    const identifier = new CfnParameter(stack, 'Identifier').valueAsString;
    expect(() => bound(ComplianceRule.managed(identifier))).toThrow('ruleName is required when the managed rule identifier is a token: pass ruleName');
    expect(ComplianceRule.managed(identifier, { ruleName: 'from-parameter' }).ruleName).toBe('from-parameter');
  });

  test('fails when the rule name is not one Config takes', () => {
    expect(() => bound(ComplianceRule.managed(SSH, { ruleName: 'has space' }))).toThrow(/^ruleName must be 1 to 128 letters.*got 'has space'/);
    expect(() => bound(ComplianceRule.managed(SSH, { ruleName: 'x'.repeat(129) }))).toThrow(/ruleName must be 1 to 128/);
  });
});

describe('custom Lambda rules', () => {
  test('a function of this account: the rule, and an invoke permission for Config limited to this account', () => {
    // Prepare
    const stack = newStack();
    const fn = ownFunction(stack);
    // Act
    const { template } = synth({
      rules: [ComplianceRule.custom(fn, {
        ruleName: 'bucket-tags', configurationChanges: true, description: 'Buckets carry a team tag', inputParameters: { tag: 'team' },
      })],
    }, stack);
    // Assess
    const functionId = resourceOf(template, 'AWS::Lambda::Function', 'RuleFunction').id;
    const permission = resourceOf(template, 'AWS::Lambda::Permission', 'AllowConfigRules');
    expect(permission.resource.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: '222222222222',
    });
    const rule = resourceOf(template, 'AWS::Config::ConfigRule', 'RulesBucketTags');
    expect(rule.resource.Properties).toEqual({
      ConfigRuleName: 'bucket-tags',
      Description: 'Buckets carry a team tag',
      InputParameters: { tag: 'team' },
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: { 'Fn::GetAtt': [functionId, 'Arn'] },
        SourceDetails: [
          { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
          { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
        ],
      },
    });
    // Config checks the permission when it creates the rule.
    expect(rule.resource.DependsOn).toEqual([permission.id]);
  });

  test('several rules on one function share one permission', () => {
    const stack = newStack();
    const fn = ownFunction(stack);
    const { template } = synth({
      rules: [ComplianceRule.custom(fn, { ruleName: 'one', configurationChanges: true }), ComplianceRule.custom(fn, { ruleName: 'two', configurationChanges: true })],
    }, stack);
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.resourceCountIs('AWS::Config::ConfigRule', 2);
  });

  test('the library attaches no managed policy and no statement to the function\'s role (unlike aws-cdk-lib CustomRule)', () => {
    const stack = newStack();
    const fn = ownFunction(stack);
    const { template } = synth({ rules: [ComplianceRule.custom(fn, { ruleName: 'bucket-tags', configurationChanges: true })] }, stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const role = resourceOf(template, 'AWS::IAM::Role', 'RuleFunctionServiceRole');
    expect(JSON.stringify(role.resource.Properties.ManagedPolicyArns)).not.toContain('AWSConfigRulesExecutionRole');
  });

  test('one rule function for the organization: a function shared by the organization (another account) gets no SourceAccount permission here', () => {
    // Prepare: the function lives in the audit account; this is a member account's stack.
    const stack = newStack();
    const shared = lambda.Function.fromFunctionArn(stack, 'Shared', SHARED_FUNCTION_ARN);
    // Act
    const { template } = synth({ rules: [ComplianceRule.custom(shared, { ruleName: 'org-tagging', configurationChanges: true })] }, stack);
    // Assess: no permission pinned to this account (which would lock out every other account of the organization);
    // the rule points at the shared function and depends on nothing.
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    const rule = resourceOf(template, 'AWS::Config::ConfigRule', 'RulesOrgTagging');
    expect(rule.resource.Properties.Source.SourceIdentifier).toBe(SHARED_FUNCTION_ARN);
    expect(rule.resource.DependsOn).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('"SourceAccount"');
  });

  test('a function of this account in another stack: the permission lives with the function, the rule waits for it', () => {
    const app = new App();
    const functions = new Stack(app, 'Functions', { env: ENV });
    const fn = ownFunction(functions);
    const agent = new Stack(app, 'Agent', { env: ENV });
    const { template } = synth({ rules: [ComplianceRule.custom(fn, { ruleName: 'bucket-tags', configurationChanges: true })] }, agent);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    expect(agent.dependencies.map((s) => s.stackName)).toEqual(['Functions']);
  });

  test('periodic trigger: a ScheduledNotification source with the frequency, and MaximumExecutionFrequency', () => {
    const stack = newStack();
    const { template } = synth({
      rules: [ComplianceRule.custom(ownFunction(stack), {
        ruleName: 'daily',
        periodic: true,
        maximumExecutionFrequency: config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
      })],
    }, stack);
    const rule = resourceOf(template, 'AWS::Config::ConfigRule', 'RulesDaily');
    expect(rule.resource.Properties.MaximumExecutionFrequency).toBe('TwentyFour_Hours');
    expect(rule.resource.Properties.Source.SourceDetails).toEqual([
      { EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: 'TwentyFour_Hours' },
    ]);
    expect(rule.resource.Properties.Scope).toBeUndefined();
  });

  test('changes and periodic: both sources, and the scope applies to the changes', () => {
    const stack = newStack();
    const { template } = synth({
      rules: [ComplianceRule.custom(ownFunction(stack), {
        ruleName: 'both',
        configurationChanges: true,
        periodic: true,
        maximumExecutionFrequency: config.MaximumExecutionFrequency.SIX_HOURS,
        ruleScope: config.RuleScope.fromResources([config.ResourceType.S3_BUCKET]),
        evaluationModes: config.EvaluationMode.DETECTIVE,
      })],
    }, stack);
    const rule = resourceOf(template, 'AWS::Config::ConfigRule', 'RulesBoth');
    expect(rule.resource.Properties.Source.SourceDetails.map((d: any) => d.MessageType)).toEqual([
      'ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification', 'ScheduledNotification',
    ]);
    expect(rule.resource.Properties.Scope).toEqual({ ComplianceResourceTypes: ['AWS::S3::Bucket'] });
    expect(rule.resource.Properties.EvaluationModes).toEqual([{ Mode: 'DETECTIVE' }]);
  });

  test('fails when the function is in another region', () => {
    const stack = newStack();
    const elsewhere = lambda.Function.fromFunctionArn(stack, 'Elsewhere', 'arn:aws:lambda:eu-west-1:999999999999:function:f');
    expect(() => synth({ rules: [ComplianceRule.custom(elsewhere, { ruleName: 'far', configurationChanges: true })] }, stack)).toThrow(
      "the function of rule 'far' must be in the rule's region us-east-1, got eu-west-1");
  });

  test('an environment-agnostic agent stack (StackSets) with an imported function: no permission, no warning', () => {
    // Prepare: the account of the stack is unknown at synth, so the function may well be the organization's.
    const stack = new Stack(new App(), 'Agnostic');
    const imported = lambda.Function.fromFunctionArn(stack, 'Imported', SHARED_FUNCTION_ARN);
    // Act
    const { template } = synth({ rules: [ComplianceRule.custom(imported, { ruleName: 'x', configurationChanges: true })] }, stack);
    // Assess
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a function of this account in an environment-agnostic stack still gets its permission', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const { template } = synth({ rules: [ComplianceRule.custom(ownFunction(stack), { ruleName: 'x', configurationChanges: true })] }, stack);
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'config.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
  });

  test('fails when a proactive rule is periodic only', () => {
    const stack = newStack();
    expect(() => bound(ComplianceRule.custom(ownFunction(stack), {
      ruleName: 'p',
      periodic: true,
      maximumExecutionFrequency: config.MaximumExecutionFrequency.ONE_HOUR,
      evaluationModes: config.EvaluationMode.PROACTIVE,
    }))).toThrow(/evaluationModes of rule 'p' must not be proactive for a periodic rule/);
  });
});

describe('periodic rules never carry a scope', () => {
  test('fails at synth when a periodic custom rule is given a scope, naming the rule and the fix', () => {
    const stack = newStack();
    expect(() => bound(ComplianceRule.custom(ownFunction(stack), {
      ruleName: 'nightly',
      periodic: true,
      maximumExecutionFrequency: config.MaximumExecutionFrequency.TWELVE_HOURS,
      ruleScope: config.RuleScope.fromResources([config.ResourceType.S3_BUCKET]),
    }))).toThrow("ruleScope of rule 'nightly' must be left out because it is periodic only: "
      + 'Config rejects a scope on a periodic rule (InvalidParameterValueException)');
  });

  test('fails at synth when a managed rule is given both a frequency and a scope', () => {
    expect(() => bound(ComplianceRule.managed(config.ManagedRuleIdentifiers.ACCESS_KEYS_ROTATED, {
      maximumExecutionFrequency: config.MaximumExecutionFrequency.ONE_HOUR,
      ruleScope: config.RuleScope.fromTag('team'),
    }))).toThrow("ruleScope of rule 'access-keys-rotated' must be left out because maximumExecutionFrequency is set");
  });

  test('a periodic rule without a scope renders no Scope at all (not even an empty one)', () => {
    const stack = newStack();
    const { template } = synth({
      rules: [
        ComplianceRule.custom(ownFunction(stack), { ruleName: 'nightly', periodic: true, maximumExecutionFrequency: config.MaximumExecutionFrequency.ONE_HOUR }),
        ComplianceRule.managed(config.ManagedRuleIdentifiers.ROOT_ACCOUNT_MFA_ENABLED, {
          maximumExecutionFrequency: config.MaximumExecutionFrequency.ONE_HOUR,
        }),
      ],
    }, stack);
    for (const rule of Object.values(template.findResources('AWS::Config::ConfigRule'))) {
      expect(rule.Properties).not.toHaveProperty('Scope');
    }
  });
});

describe('Guard custom policy rules (aws-cdk-lib CustomPolicy)', () => {
  test('defaults: guard-2.x.x runtime, change-triggered, no debug log', () => {
    const { template } = synth({ rules: [ComplianceRule.customPolicy(GUARD_POLICY, { ruleName: 's3-versioning' })] });
    template.hasResourceProperties('AWS::Config::ConfigRule', Match.exact({
      ConfigRuleName: 's3-versioning',
      Source: {
        Owner: 'CUSTOM_POLICY',
        CustomPolicyDetails: { PolicyRuntime: 'guard-2.x.x', PolicyText: GUARD_POLICY },
        SourceDetails: [
          { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
          { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
        ],
      },
    }));
  });

  test('overrides: debug log, scope, proactive evaluation', () => {
    const { template } = synth({
      rules: [ComplianceRule.customPolicy(GUARD_POLICY, {
        ruleName: 's3-versioning',
        enableDebugLog: true,
        ruleScope: config.RuleScope.fromResources([config.ResourceType.S3_BUCKET]),
        evaluationModes: config.EvaluationMode.PROACTIVE,
      })],
    });
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
      EvaluationModes: [{ Mode: 'PROACTIVE' }],
      Source: { CustomPolicyDetails: { EnableDebugLogDelivery: true } },
    });
  });

  test('fails when the policy is empty or longer than 10,000 characters', () => {
    expect(() => bound(ComplianceRule.customPolicy('  ', { ruleName: 'g' }))).toThrow("policyText of rule 'g' must hold a Guard policy, got ''");
    expect(() => bound(ComplianceRule.customPolicy('x'.repeat(10_001), { ruleName: 'g' }))).toThrow(
      "policyText of rule 'g' must be at most 10000 characters, got 10001: split the policy into several Guard rules");
  });
});

describe('AccountComplianceRules', () => {
  test('every rule depends on the recorder when one is given', () => {
    // Prepare: a stand-in recorder (another engineer's construct), as an IDependable.
    const stack = newStack();
    const recorder = new config.CfnConfigurationRecorder(stack, 'Recorder', {
      roleArn: 'arn:aws:iam::222222222222:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
    });
    const fn = ownFunction(stack);
    // Act
    const { template } = synth({
      rules: [ComplianceRule.managed(SSH), ComplianceRule.custom(fn, { ruleName: 'c', configurationChanges: true }), ComplianceRule.customPolicy(GUARD_POLICY, { ruleName: 'g' })],
      recorder,
    }, stack);
    // Assess
    const recorderId = resourceOf(template, 'AWS::Config::ConfigurationRecorder', 'Recorder').id;
    for (const rule of Object.values(template.findResources('AWS::Config::ConfigRule'))) {
      expect(rule.DependsOn).toContain(recorderId);
    }
  });

  test('without a recorder, rules depend on nothing', () => {
    const { template } = synth({ rules: [ComplianceRule.managed(SSH)] });
    expect(resourceOf(template, 'AWS::Config::ConfigRule', 'Rules').resource.DependsOn).toBeUndefined();
  });

  test('no rules and no packs: nothing is created', () => {
    const { template } = synth({});
    expect(Object.keys(template.toJSON().Resources ?? {})).toEqual([]);
  });

  test('fails when two rules share a name', () => {
    expect(() => synth({ rules: [ComplianceRule.managed(SSH), ComplianceRule.managed(SSH)] })).toThrow(
      "rules must have distinct names, got 'incoming-ssh-disabled' twice: give one of them another ruleName");
  });

  test('fails when two names map to one construct id', () => {
    expect(() => synth({
      rules: [ComplianceRule.managed(SSH, { ruleName: 'a-b' }), ComplianceRule.managed(SSH, { ruleName: 'a.b' })],
    })).toThrow("the name 'a.b' maps to the construct id 'AB' of another rule or pack");
  });

  test('remediationRole() fails for a rule without remediation', () => {
    const { rules } = synth({ rules: [ComplianceRule.managed(SSH)] });
    expect(() => rules.remediationRole('incoming-ssh-disabled')).toThrow(
      "no account rule named 'incoming-ssh-disabled' has a remediation: pass the name of a rule given with a remediation");
  });

  test('a grantee can be given more than the library grants: the user\'s statements reach the function role untouched', () => {
    // A reminder of the contract: the function's own role is the user's; PutEvaluations is theirs to grant.
    const stack = newStack();
    const fn = ownFunction(stack);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['config:PutEvaluations'], resources: ['*'] }));
    const { template } = synth({ rules: [ComplianceRule.custom(fn, { ruleName: 'c', configurationChanges: true })] }, stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'config:PutEvaluations', Effect: 'Allow', Resource: '*' }] },
    });
  });
});
