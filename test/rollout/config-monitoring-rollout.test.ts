import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import {
  ACCOUNTS, agentProps, BUS_ARN, CONTROL_TOWER_OU, HOME_REGION, MANAGEMENT, MASTER, organizationRollout, OTHER_REGION, perAccountAgent,
  REGIONS, rolloutStack, WORKLOADS_OU,
} from './support';
import {
  AccountFilter, ComplianceRule, ConfigMonitoringAgent, EventForwarding, FailureToleranceMode, Recording, RegionConcurrency,
  StackSetCallAs,
} from '../../src';
import { checkAgentTemplate } from '../../src/rollout/agent-template';
import { renderTemplate } from '../support/render-template';

describe('the StackSets', () => {
  const stack = rolloutStack();
  const rollout = organizationRollout(stack);
  const template = Template.fromStack(stack);

  test('one service-managed StackSet per recording variant, auto-deployed to the target OUs', () => {
    expect(rollout.stackSets.map((s) => s.stackSetName)).toEqual(['config-monitoring-agent', 'config-monitoring-agent-adopt-existing']);
    template.resourceCountIs('AWS::CloudFormation::StackSet', 2);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'config-monitoring-agent',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      OperationPreferences: {
        FailureTolerancePercentage: 10, MaxConcurrentPercentage: 25, RegionConcurrencyType: 'PARALLEL', ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      StackInstancesGroup: [{ Regions: REGIONS, DeploymentTargets: { OrganizationalUnitIds: [WORKLOADS_OU] } }],
      TemplateBody: Match.anyValue(),
      TemplateURL: Match.absent(),
    });
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'config-monitoring-agent-adopt-existing',
      StackInstancesGroup: [{ Regions: REGIONS, DeploymentTargets: { OrganizationalUnitIds: [CONTROL_TOWER_OU] } }],
    });
  });

  test('the StackSet carries its template inline, exactly as the rollout checked it', () => {
    for (const stackSet of rollout.stackSets) {
      expect(stackSet.inline).toBe(true);
      const body = Object.values(template.findResources('AWS::CloudFormation::StackSet'))
        .find((r: any) => r.Properties.StackSetName === stackSet.stackSetName)!.Properties.TemplateBody;
      expect(JSON.parse(body)).toEqual(stackSet.template);
      expect(Buffer.byteLength(body)).toBe(stackSet.templateBytes);
      expect(stackSet.templateBytes).toBeLessThan(51_200);
    }
  });

  test('the variant that creates the recorder has it; the Control Tower variant adopts and creates none', () => {
    const [create, adopt] = rollout.stackSets.map((s) => Template.fromJSON(s.template));
    create.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    create.resourceCountIs('AWS::Config::DeliveryChannel', 1);
    adopt.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    adopt.resourceCountIs('AWS::Config::DeliveryChannel', 0);
    adopt.resourceCountIs('Custom::ConfigServiceLinkedRole', 0);
    // Both forward, both have the rules, remediation and pack.
    for (const t of [create, adopt]) {
      t.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: BUS_ARN })] });
      t.resourceCountIs('AWS::Config::ConfigRule', 4);
      t.resourceCountIs('AWS::Config::RemediationConfiguration', 1);
      t.resourceCountIs('AWS::Config::ConformancePack', 1);
    }
  });

  test('options: delegated admin, kept stacks, account filters, counts, region order, strict mode, depends-on, no managed execution', () => {
    const s = rolloutStack();
    organizationRollout(s, {
      stackSetName: 'org-config-agent',
      callAs: StackSetCallAs.DELEGATED_ADMIN,
      retainStacksOnAccountRemoval: true,
      managedExecution: false,
      autoDeploymentDependsOn: ['arn:aws:cloudformation:eu-central-1:999999999999:stackset/AWSControlTowerBP-BASELINE-CONFIG:1'],
      operationPreferences: {
        failureToleranceCount: 1,
        maxConcurrentCount: 2,
        regionConcurrency: RegionConcurrency.SEQUENTIAL,
        regionOrder: [HOME_REGION, OTHER_REGION],
        failureToleranceMode: FailureToleranceMode.STRICT,
      },
      targets: [
        { organizationalUnitIds: [WORKLOADS_OU], regions: REGIONS, accounts: ['444444444444'], accountFilter: AccountFilter.DIFFERENCE },
        { organizationalUnitIds: [WORKLOADS_OU], regions: REGIONS, accounts: ['444444444444'], accountFilter: AccountFilter.INTERSECTION, recording: Recording.adoptExisting() },
      ],
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'org-config-agent',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: {
        Enabled: true,
        RetainStacksOnAccountRemoval: true,
        DependsOn: ['arn:aws:cloudformation:eu-central-1:999999999999:stackset/AWSControlTowerBP-BASELINE-CONFIG:1'],
      },
      ManagedExecution: { Active: false },
      OperationPreferences: {
        FailureToleranceCount: 1,
        MaxConcurrentCount: 2,
        FailureTolerancePercentage: Match.absent(),
        MaxConcurrentPercentage: Match.absent(),
        RegionConcurrencyType: 'SEQUENTIAL',
        RegionOrder: REGIONS,
        ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
      },
      StackInstancesGroup: [{ Regions: REGIONS, DeploymentTargets: { OrganizationalUnitIds: [WORKLOADS_OU], Accounts: ['444444444444'], AccountFilterType: 'DIFFERENCE' } }],
    });
    t.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'org-config-agent-adopt-existing',
      StackInstancesGroup: [{ Regions: REGIONS, DeploymentTargets: { OrganizationalUnitIds: [WORKLOADS_OU], Accounts: ['444444444444'], AccountFilterType: 'INTERSECTION' } }],
    });
  });

  test('the management account is covered by a plain ConfigMonitoringAgent given the very same props', () => {
    const s = rolloutStack();
    const props = agentProps(s);
    organizationRollout(s, { agent: props });
    const agent = new ConfigMonitoringAgent(s, 'ManagementAccountAgent', props);
    expect(agent.configRules).toHaveLength(2);
    Template.fromStack(s).resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
  });
});

describe('the agent template is environment-agnostic and needs no asset', () => {
  const stack = rolloutStack();
  const rollout = organizationRollout(stack);

  test.each([0, 1])('variant %i: no account or region of the app, no bootstrap, no parameters', (index) => {
    const { template } = rollout.stackSets[index];
    // The central bus's ARN is the one place an account and region may appear: it is where the events go.
    const body = JSON.stringify(template).split(BUS_ARN).join('<bus>');
    expect(body).not.toContain(MANAGEMENT.account);
    expect(body).not.toContain(MANAGEMENT.region);
    expect(body.match(/\d{12}/g) ?? []).toEqual([]);
    // A region appears only in the home-region conditions.
    const regionsIn = (value: unknown) => JSON.stringify(value).match(/[a-z]{2}-[a-z]+-\d/g) ?? [];
    expect(regionsIn({ ...template, Conditions: undefined }).filter((r) => !BUS_ARN.includes(r))).toEqual([]);
    expect(regionsIn(template.Conditions ?? {}).every((r) => r === HOME_REGION)).toBe(true);
    for (const trace of ['cdk-hnb659fds', 'BootstrapVersion', 'AssetParameters', 'cdk-bootstrap', 'S3Key', 'S3ObjectVersion']) {
      expect(body).not.toContain(trace);
    }
    expect(template.Parameters).toBeUndefined();
    expect(template.Rules).toBeUndefined();
  });

  test('every function is inline code (Code.ZipFile), none an S3 object', () => {
    const functions = Object.values(Template.fromJSON(rollout.stackSets[0].template).findResources('AWS::Lambda::Function')) as any[];
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(Object.keys(fn.Properties.Code)).toEqual(['ZipFile']);
  });

  test('the rollout\'s stack publishes no file asset besides its own template', () => {
    const assembly = stack.node.root as any;
    const artifact = assembly.synth().getStackArtifact(stack.artifactId);
    const manifest = artifact.dependencies.find((d: any) => d.id.endsWith('.assets'));
    const files = Object.values(JSON.parse(fs.readFileSync(manifest.file, 'utf8')).files) as any[];
    expect(files.map((f) => f.source.path)).toEqual([`${stack.artifactId}.template.json`]);
  });

  test('the home-region parts are conditions on AWS::Region, not per-region templates', () => {
    const { template } = rollout.stackSets[0];
    expect(template.Conditions).toEqual({
      AgentRecordingGlobalResourceTypesHere0F399400: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, HOME_REGION] },
      IsHomeRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, HOME_REGION] },
    });
    const conditional = Object.entries<any>(template.Resources).filter(([, r]) => r.Condition === 'IsHomeRegion').map(([id]) => id);
    expect(conditional.sort()).toEqual([
      expect.stringMatching(/^AgentComplianceRulesIamPasswordPolicy[0-9A-F]{8}$/),
      expect.stringMatching(/^AgentComplianceRulesRootAccountMfaEnabled[0-9A-F]{8}$/),
    ]);
  });
});

describe('rendered as CloudFormation renders it, for 2 accounts x 2 regions', () => {
  const stack = rolloutStack();
  const rollout = organizationRollout(stack);
  const instances = ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ account, region })));

  test.each(instances)('$account $region: the created recorder records IAM types in the home region only; account rules there only', ({ account, region }) => {
    const rendered = Template.fromJSON(renderTemplate(rollout.stackSets[0].template, { account, region }));
    const home = region === HOME_REGION;
    const recorder = Object.values(rendered.findResources('AWS::Config::ConfigurationRecorder'))[0] as any;
    expect(recorder.Properties.RoleARN).toBe(`arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`);
    expect(recorder.Properties.RecordingGroup).toMatchObject({ AllSupported: true, IncludeGlobalResourceTypes: home });
    rendered.resourceCountIs('AWS::Config::ConfigRule', home ? 4 : 2);
    for (const name of ['root-account-mfa-enabled', 'iam-password-policy']) {
      expect(Object.keys(rendered.findResources('AWS::Config::ConfigRule', { Properties: { ConfigRuleName: name } }))).toHaveLength(home ? 1 : 0);
    }
    // The delivery bucket admits AWS Config of this account only.
    rendered.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AWSConfigBucketDelivery', Condition: { StringEquals: Match.objectLike({ 'AWS:SourceAccount': account }) } })]) },
    });
  });

  test.each(instances)('$account $region: each variant renders to the per-account agent stack of the same props', ({ account, region }) => {
    for (const [index, recording] of [[0, Recording.create()], [1, Recording.adoptExisting()]] as const) {
      const reference = perAccountAgent(new App(), account, region, recording, 'Reference');
      const expected = renderTemplate(Template.fromStack(reference).toJSON(), { account, region });
      const actual = renderTemplate(rollout.stackSets[index].template, { account, region });
      delete expected.Resources.CDKMetadata;
      expect(actual.Resources).toEqual(expected.Resources);
    }
  });

  test('the renderer does what CloudFormation does with parameters, Fn::If, AWS::NoValue and false conditions', () => {
    const template = {
      Parameters: { Env: { Type: 'String', Default: 'prod', AllowedValues: ['prod', 'dev'] } },
      Conditions: { Prod: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, Dev: { 'Fn::Not': [{ Condition: 'Prod' }] } },
      Resources: {
        A: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Sub': 'q-${AWS::AccountId}-${AWS::Region}-${Env}' }, X: { 'Fn::If': ['Dev', 1, { Ref: 'AWS::NoValue' }] } } },
        B: { Type: 'AWS::SQS::Queue', Condition: 'Dev', Properties: {} },
      },
    };
    expect(renderTemplate(template, { account: '222222222222', region: 'us-east-1' }).Resources)
      .toEqual({ A: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q-222222222222-us-east-1-prod' } } });
    expect(Object.keys(renderTemplate(template, { account: '2', region: 'r', parameters: { Env: 'dev' } }).Resources)).toEqual(['A', 'B']);
    expect(() => renderTemplate(template, { account: '2', region: 'r', parameters: { Env: 'test' } })).toThrow(/not allowed/);
    const dangling = { Parameters: template.Parameters, Conditions: template.Conditions, Resources: { ...template.Resources, C: { Type: 'AWS::SNS::Topic', Properties: { Q: { Ref: 'B' } } } } };
    expect(() => renderTemplate(dangling, { account: '2', region: 'r' })).toThrow(/C refers to B, which the conditions removed/);
  });
});

describe('synth-time errors name the place, the prop, the value and the fix', () => {
  const build = (overrides: Parameters<typeof organizationRollout>[1]) => () => organizationRollout(rolloutStack(), overrides);
  const target = { organizationalUnitIds: [WORKLOADS_OU], regions: REGIONS };

  test('enriched forwarding: not in a rollout yet, and why', () => {
    const s = rolloutStack();
    expect(() => organizationRollout(s, { agent: { ...agentProps(s), forwarding: EventForwarding.enriched() } }))
      .toThrow(/^Rollout\/Rollout \(StackSet config-monitoring-agent\): agent.forwarding is EventForwarding.enriched\(\), whose function is a bundled asset.*give assetBuckets.*or use EventForwarding.direct\(\)/);
  });

  test('a central bus given by token', () => {
    const s = rolloutStack();
    const bus = new events.EventBus(s, 'Bus');
    expect(() => organizationRollout(s, { agent: { ...agentProps(s), centralEventBus: bus } }))
      .toThrow(/agent.centralEventBus must be imported by a literal ARN, got a token .*ConfigMonitoringMaster.eventBusArn/);
  });

  test('targets', () => {
    expect(build({ targets: [] })).toThrow(/^Rollout\/Rollout: targets is empty/);
    expect(build({ targets: [{ ...target, organizationalUnitIds: ['workloads'] }] })).toThrow(/targets\[0\].organizationalUnitIds holds 'workloads', which is not an OU id/);
    expect(build({ targets: [{ ...target, regions: ['Europe'] }] })).toThrow(/targets\[0\].regions holds 'Europe'/);
    expect(build({ targets: [{ ...target, accounts: ['444444444444'] }] })).toThrow(/targets\[0\].accounts is given \(444444444444\) with accountFilter NONE.*INTERSECTION.*DIFFERENCE/);
    expect(build({ targets: [{ ...target, accountFilter: AccountFilter.DIFFERENCE }] })).toThrow(/accountFilter is DIFFERENCE but accounts is empty: list the accounts to exclude/);
    expect(build({ targets: [{ ...target, accounts: ['4444'], accountFilter: AccountFilter.INTERSECTION }] })).toThrow(/accounts holds '4444', which is not a 12-digit account id/);
    expect(build({ targets: [target, { ...target, regions: [OTHER_REGION], recording: Recording.adoptExisting() }] }))
      .toThrow(/targets\[1\] and targets\[0\] both deploy the agent to every account of ou-ab12-workloads1 in us-east-1/);
  });

  test('home region', () => {
    expect(build({ homeRegion: 'ap-southeast-2' })).toThrow(/homeRegion is 'ap-southeast-2', a region of no target \(eu-west-1, us-east-1\)/);
    expect(build({ homeRegion: undefined })).toThrow(/homeRegionRules needs homeRegion/);
    const s = rolloutStack();
    expect(() => organizationRollout(s, { agent: { ...agentProps(s), recording: Recording.create({ globalResourceTypesRegion: OTHER_REGION }) } }))
      .toThrow(/recording.globalResourceTypesRegion is 'us-east-1' but homeRegion is 'eu-west-1'/);
  });

  test('operation preferences', () => {
    expect(build({ operationPreferences: { failureToleranceCount: 1, failureTolerancePercentage: 10 } })).toThrow(/both failureToleranceCount \(1\) and failureTolerancePercentage \(10\)/);
    expect(build({ operationPreferences: { maxConcurrentCount: 1, maxConcurrentPercentage: 10 } })).toThrow(/both maxConcurrentCount/);
    expect(build({ operationPreferences: { maxConcurrentPercentage: 150 } })).toThrow(/maxConcurrentPercentage must be a whole number from 1 to 100, got 150/);
    expect(build({ operationPreferences: { regionOrder: ['ap-south-1'] } })).toThrow(/regionOrder holds 'ap-south-1', a region of no target/);
    expect(build({ operationPreferences: { failureToleranceMode: FailureToleranceMode.STRICT, failureToleranceCount: 0, maxConcurrentCount: 5 } }))
      .toThrow(/maxConcurrentCount is 5, above failureToleranceCount \+ 1 \(1\).*FailureToleranceMode.SOFT/);
    expect(build({ stackSetName: '1-agent' })).toThrow(/stackSetName must start with a letter.*got '1-agent'/);
  });

  test('CloudFormation limits: more than 500 resources fails; above 51,200 bytes goes by S3 URL', () => {
    const many = Array.from({ length: 500 }, (_, i) => ComplianceRule.managed(config.ManagedRuleIdentifiers.S3_BUCKET_VERSIONING_ENABLED, { ruleName: `versioning-${i}` }));
    const s = rolloutStack();
    expect(() => organizationRollout(s, { agent: { ...agentProps(s), rules: many } }))
      .toThrow(/the agent template has 5\d\d resources, above CloudFormation's 500: move rules into a conformance pack/);
    const s2 = rolloutStack();
    const rollout = organizationRollout(s2, { agent: { ...agentProps(s2), rules: many.slice(0, 150) } });
    expect(rollout.stackSets[0].templateBytes).toBeGreaterThan(51_200);
    expect(rollout.stackSets[0].inline).toBe(false);
    Template.fromStack(s2).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'config-monitoring-agent', TemplateBody: Match.absent(), TemplateURL: Match.anyValue(),
    });
  });

  test('a home-region rule referred to by an everywhere resource is caught', () => {
    // The reference check: a resource everywhere may not point at one that exists in the home region only.
    const template = {
      Conditions: { IsHomeRegion: {} },
      Resources: { Rule: { Type: 'AWS::Config::ConfigRule', Condition: 'IsHomeRegion' }, Other: { Type: 'AWS::SNS::Topic', Properties: { X: { Ref: 'Rule' } } } },
    };
    expect(() => checkAgentTemplate('Rollout/Rollout', template, undefined, [BUS_ARN]))
      .toThrow(/the resource Other, deployed in every region, refers to Rule, deployed only where IsHomeRegion holds/);
    expect(() => checkAgentTemplate('Rollout/Rollout', { Resources: { T: { Type: 'X', Properties: { A: `arn:aws:sns:eu-west-1:${MANAGEMENT.account}:t` } } } }, MANAGEMENT.account, [BUS_ARN]))
      .toThrow(/holds the account 999999999999 of the stack the rollout is in/);
    expect(() => checkAgentTemplate('Rollout/Rollout', { Parameters: { BootstrapVersion: {} }, Resources: {} }, undefined, [BUS_ARN]))
      .toThrow(/refers to the CDK bootstrap/);
    expect(MASTER.account).not.toBe(MANAGEMENT.account);
  });
});
