import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ConfigMonitoringMaster, type ConfigMonitoringMasterProps, type FleetCoverageOptions } from '../../../src';
import { FUNCTION_ENVIRONMENTS } from '../../../src/contract/function-environments';

const FLEET_COVERAGE_ENVIRONMENT_NAME = FUNCTION_ENVIRONMENTS.CheckAccountActivity.fleetCoverage.name;

// The master's fleet coverage as it synthesizes: the check function's settings, its grants, the alarms and widget,
// the API route and the daily report's read; and every refusal of bad options, naming the construct path.

const ENV = { account: '111111111111', region: 'eu-west-1' };

function synth(fleetCoverage?: FleetCoverageOptions, extra: Partial<ConfigMonitoringMasterProps> = {}) {
  const stack = new Stack(new App(), 'Central', { env: ENV });
  new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', fleetCoverage, ...extra });
  return Template.fromStack(stack);
}

function checkFunction(template: Template): { id: string; properties: Record<string, any> } {
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'))
    .filter(([id]) => id.includes('AccountActivityCheck'));
  expect(functions).toHaveLength(1);
  return { id: functions[0][0], properties: functions[0][1].Properties };
}

function settingsOf(template: Template): unknown {
  const raw = checkFunction(template).properties.Environment.Variables[FLEET_COVERAGE_ENVIRONMENT_NAME];
  return raw === '' ? undefined : JSON.parse(raw);
}

/** Every statement of the policies attached to the role whose logical id contains `part`. */
function statementsOfRole(template: Template, part: string): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(part))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('fleet coverage off (the default)', () => {
  const template = synth();

  test('the check gets an empty setting, one minute, and no Organizations or write permission', () => {
    expect(settingsOf(template)).toBeUndefined();
    expect(checkFunction(template).properties.Timeout).toBe(60);
    const actions = statementsOfRole(template, 'AccountActivityCheck').flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => a.startsWith('organizations:') || a === 'dynamodb:PutItem')).toEqual([]);
  });

  test('no coverage alarm, no coverage widget', () => {
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => /NeverReported|CoverageTruncated/.test(id))).toEqual([]);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).not.toContain('Fleet coverage');
  });
});

describe('fleet coverage from Organizations', () => {
  const template = synth({
    regions: ['eu-west-1', 'us-east-1'],
    organizationalUnitIds: ['ou-ab12-cdef3456'],
    accounts: ['222222222222'],
    excludedAccounts: ['111111111111'],
  }, { complianceApi: {}, dailyReport: {} });

  test('the settings reach the function as the contract reads them, with a 24-hour grace and five minutes to run', () => {
    expect(settingsOf(template)).toEqual({
      regions: ['eu-west-1', 'us-east-1'],
      fromOrganizations: true,
      organizationalUnitIds: ['ou-ab12-cdef3456'],
      accounts: ['222222222222'],
      excludedAccounts: ['111111111111'],
      graceSeconds: 86400,
    });
    expect(checkFunction(template).properties.Timeout).toBe(300);
  });

  test('the check may walk the OUs (not list the whole organization), and write only the snapshot partition', () => {
    const statements = statementsOfRole(template, 'AccountActivityCheck');
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['organizations:ListAccountsForParent', 'organizations:ListChildren'],
      Resource: '*',
    }));
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('organizations:ListAccounts');
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'dynamodb:PutItem',
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['FLEET_COVERAGE'] } },
    }));
  });

  test('two alarms on the check function\'s coverage metrics, and a dashboard widget', () => {
    const { id } = checkFunction(template);
    for (const metric of ['NeverReportedAccountRegions', 'CoverageListTruncated']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'ConfigMonitoring',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Fleet coverage');
    expect(body).toContain('NeverReportedAccountRegions');
  });

  test('the API serves GET /coverage, IAM-authorized, and may read only the snapshot', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'coverage' });
    const coverage = Object.keys(template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: 'coverage' } }))[0];
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'AWS_IAM', ResourceId: { Ref: coverage } });
    expect(statementsOfRole(template, 'ComplianceApi')).toContainEqual(expect.objectContaining({
      Action: 'dynamodb:GetItem',
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['FLEET_COVERAGE'] } },
    }));
  });

  test('the daily report is told to read the snapshot, and may read only it, besides its scan', () => {
    expect(statementsOfRole(template, 'DailyReport')).toContainEqual(expect.objectContaining({
      Action: 'dynamodb:GetItem',
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['FLEET_COVERAGE'] } },
    }));
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ READ_FLEET_COVERAGE: 'true' }) } });
  });
});

test('the whole organization: ListAccounts only; with the master\'s key, the snapshot write may encrypt', () => {
  const stack = new Stack(new App(), 'Central', { env: ENV });
  const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', encryptionKey, fleetCoverage: { regions: ['eu-west-1'] } });
  const statements = statementsOfRole(Template.fromStack(stack), 'AccountActivityCheck');
  expect(statements).toContainEqual(expect.objectContaining({ Action: 'organizations:ListAccounts', Resource: '*' }));
  expect(statements).toContainEqual(expect.objectContaining({ Action: ['kms:Encrypt', 'kms:GenerateDataKey'] }));
});

test('every master alarms when the check itself keeps failing (its other alarms would see no data and stay OK)', () => {
  for (const template of [synth(), synth({ regions: ['eu-west-1'] })]) {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: checkFunction(template).id } }],
      EvaluationPeriods: 2,
      Threshold: 1,
      Period: 3600,
    });
  }
});

test('a token per entry is written into the settings at deploy time', () => {
  const stack = new Stack(new App(), 'Central', { env: ENV });
  const region = new CfnParameter(stack, 'SecondRegion');
  new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', fleetCoverage: { regions: ['eu-west-1', region.valueAsString] } });
  const value = checkFunction(Template.fromStack(stack)).properties.Environment.Variables[FLEET_COVERAGE_ENVIRONMENT_NAME];
  expect(JSON.stringify(value)).toContain('{"Ref":"SecondRegion"}');
});

test('an explicit list only: no Organizations permission, and the grace period as given', () => {
  const template = synth({ regions: ['eu-west-1'], fromOrganizations: false, accounts: ['222222222222', '333333333333'], gracePeriodAfterJoin: Duration.hours(2) });
  expect(settingsOf(template)).toMatchObject({ fromOrganizations: false, accounts: ['222222222222', '333333333333'], graceSeconds: 7200 });
  const actions = statementsOfRole(template, 'AccountActivityCheck').flatMap((s) => [s.Action].flat());
  expect(actions.filter((a: string) => a.startsWith('organizations:'))).toEqual([]);
});

test('without the API, no /coverage route', () => {
  const template = synth({ regions: ['eu-west-1'] });
  expect(template.findResources('AWS::ApiGateway::Resource')).toEqual({});
});

describe('bad fleet coverage options fail at synth, naming the construct, the prop, the value and the fix', () => {
  const many = Array.from({ length: 300 }, (_, i) => String(100000000000 + i));
  test.each<[string, FleetCoverageOptions, RegExp]>([
    ['no region', { regions: [] }, /fleetCoverage\.regions is empty: list the regions/],
    ['a bad region', { regions: ['eu-west'] }, /fleetCoverage\.regions must hold only region names such as 'eu-west-1', got 'eu-west'/],
    ['a repeated region', { regions: ['eu-west-1', 'eu-west-1'] }, /fleetCoverage\.regions lists 'eu-west-1' more than once/],
    ['a bad OU', { regions: ['eu-west-1'], organizationalUnitIds: ['Security'] }, /fleetCoverage\.organizationalUnitIds must hold only OU ids .*got 'Security'/],
    ['a bad account', { regions: ['eu-west-1'], accounts: ['12345'] }, /fleetCoverage\.accounts must hold only 12-digit account ids, got '12345'/],
    ['a bad exclusion', { regions: ['eu-west-1'], excludedAccounts: ['x'] }, /fleetCoverage\.excludedAccounts must hold only 12-digit account ids, got 'x'/],
    ['OUs without Organizations', { regions: ['eu-west-1'], fromOrganizations: false, accounts: ['222222222222'], organizationalUnitIds: ['r-ab12'] },
      /organizationalUnitIds needs fromOrganizations/],
    ['nobody expected', { regions: ['eu-west-1'], fromOrganizations: false }, /fleetCoverage expects no account/],
    ['a grace period over 30 days', { regions: ['eu-west-1'], gracePeriodAfterJoin: Duration.days(31) }, /gracePeriodAfterJoin must be a whole number of seconds up to 30 days, got 31 days/],
    ['too long a list for the environment', { regions: ['eu-west-1'], accounts: many }, /fleetCoverage lists too many accounts.*read the accounts from Organizations/],
    ['an account both listed and excluded', { regions: ['eu-west-1'], accounts: ['222222222222'], excludedAccounts: ['222222222222'] },
      /lists '222222222222' in both accounts and excludedAccounts/],
  ])('%s', (_name, options, message) => {
    expect(() => synth(options)).toThrow(message);
    expect(() => synth(options)).toThrow(/ConfigMonitoringMaster at 'Central\/Monitoring'/);
  });

  test('a list token for the regions', () => {
    const stack = new Stack(new App(), 'Central', { env: ENV });
    const regions = new CfnParameter(stack, 'Regions', { type: 'CommaDelimitedList' }).valueAsList;
    expect(() => new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', fleetCoverage: { regions } }))
      .toThrow(/fleetCoverage\.regions is a list token \(such as CfnParameter\.valueAsList\).*write the list out/);
  });

  test('the silent-account exclusions and the list together over Lambda\'s 4 KB of environment', () => {
    const accounts = Array.from({ length: 190 }, (_, i) => String(100000000000 + i));
    const exclusions = Array.from({ length: 190 }, (_, i) => String(200000000000 + i));
    expect(() => synth({ regions: ['eu-west-1'], accounts }, { dashboard: { silentAccountExclusions: exclusions } }))
      .toThrow(/silentAccountExclusions and fleetCoverage take \d+ bytes of CheckAccountActivity's environment, more than Lambda's 4096/);
    expect(() => synth({ regions: ['eu-west-1'], accounts })).not.toThrow();
  });
});
