import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ComplianceIndex, ConfigMonitoringMaster, ConfigMonitoringMasterProps } from '../../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const ORG = 'o-a1b2c3d4e5';
const KEYS = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];

function synth(props: Partial<ConfigMonitoringMasterProps> = {}, withKey = false,
  extend?: (stack: Stack, master: ConfigMonitoringMaster) => void) {
  const stack = new Stack(new App(), 'Master', { env: ENV });
  const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: ORG, encryptionKey, ...props });
  extend?.(stack, master);
  return { stack, master, template: Template.fromStack(stack) };
}

function grantReader(stack: Stack, master: ConfigMonitoringMaster): void {
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  expect(master.grantReadCompliance(role).success).toBe(true);
}

function tableLike(template: Template, logicalIdPart: string): any {
  const tables = template.findResources('AWS::DynamoDB::GlobalTable');
  const id = Object.keys(tables).find((key) => key.includes(logicalIdPart));
  expect(id).toBeDefined();
  return tables[id!];
}

describe('compliance store, defaults', () => {
  const { master, template } = synth();

  test('creates exactly the two tables', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  const index = (IndexName: string, hash: string, range: string, NonKeyAttributes: string[]) => ({
    IndexName,
    KeySchema: [{ AttributeName: hash, KeyType: 'HASH' }, { AttributeName: range, KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes },
  });
  const statusIndex = index('ConfigCompliance-Index', 'status_shard', 'status_sort',
    ['account', 'region', 'resource_id', 'resource_type', 'config_rule_name', 'compliance_status', 'last_evaluated']);
  // Never last_evaluated: a refresh of the same status must cost these indexes no write.
  const scope = ['account', 'region', 'resource_type', 'resource_id', 'config_rule_name', 'compliance_status'];
  const accountIndex = index('ConfigComplianceByAccount-Index', 'account_shard', 'status_sort', scope);
  const ruleIndex = index('ConfigComplianceByRule-Index', 'rule_shard', 'status_sort', scope);

  test('ComplianceTable: pk/sk and the sharded status index with the contract projection, and no index by account or rule without an API', () => {
    const table = tableLike(template, 'MonitoringComplianceTable');
    expect(table.Properties.KeySchema).toEqual(KEYS);
    expect(table.Properties.AttributeDefinitions).toEqual(['pk', 'sk', 'status_shard', 'status_sort']
      .map((AttributeName) => ({ AttributeName, AttributeType: 'S' })));
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([statusIndex]);
    expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  test('with the compliance API: the account and rule indexes too, sorted on the status index\'s sort key', () => {
    const table = tableLike(synth({ complianceApi: {} }).template, 'MonitoringComplianceTable');
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([statusIndex, accountIndex, ruleIndex]);
    expect(table.Properties.AttributeDefinitions.map((d: { AttributeName: string }) => d.AttributeName))
      .toEqual(['pk', 'sk', 'status_shard', 'status_sort', 'account_shard', 'rule_shard']);
  });

  test('complianceIndexes chooses the indexes, with or without the API (one at a time, as CloudFormation adds them)', () => {
    const withApiOneIndex = tableLike(synth({ complianceApi: {}, complianceIndexes: [ComplianceIndex.BY_RULE] }).template, 'MonitoringComplianceTable');
    expect(withApiOneIndex.Properties.GlobalSecondaryIndexes).toEqual([statusIndex, ruleIndex]);
    const withoutApi = tableLike(synth({ complianceIndexes: [ComplianceIndex.BY_ACCOUNT] }).template, 'MonitoringComplianceTable');
    expect(withoutApi.Properties.GlobalSecondaryIndexes).toEqual([statusIndex, accountIndex]);
  });

  test('complianceIndexes rejects a repeated or unknown index, naming the prop and the fix', () => {
    expect(() => synth({ complianceIndexes: [ComplianceIndex.BY_RULE, ComplianceIndex.BY_RULE] }))
      .toThrow('complianceIndexes lists ComplianceIndex.BY_RULE twice: list each index once');
    expect(() => synth({ complianceIndexes: ['BY_REGION' as ComplianceIndex] }))
      .toThrow("complianceIndexes has 'BY_REGION', which is no index: use ComplianceIndex.BY_ACCOUNT or ComplianceIndex.BY_RULE");
  });

  test('EventsTable: pk/sk and TTL on expires_at', () => {
    const table = tableLike(template, 'MonitoringEventsTable');
    expect(table.Properties.KeySchema).toEqual(KEYS);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  test('both tables: on-demand, point-in-time recovery, AWS-managed KMS key, retained', () => {
    template.allResources('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({
          Region: 'eu-west-1',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: Match.absent(),
        })],
      }),
    });
  });

  test('the default history retention is 365 days', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HISTORY_RETENTION_DAYS: '365' }) },
    });
  });

  test('exposes both tables', () => {
    expect(master.complianceTable.node.id).toBe('ComplianceTable');
    expect(master.eventsTable.node.id).toBe('EventsTable');
  });
});

describe('compliance store, overrides', () => {
  test('encryptionKey: both tables use the customer-managed key', () => {
    const { stack, template } = synth({}, true);
    const keyArn = stack.resolve((stack.node.findChild('Key') as kms.Key).keyArn);
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: keyArn } })],
    });
  });

  test('removalPolicy DESTROY applies to the tables, queues and log group', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup']) {
      template.allResources(type, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    }
  });

  test('the default removal policy retains the queues and the log group too', () => {
    const { template } = synth();
    for (const type of ['AWS::SQS::Queue', 'AWS::Logs::LogGroup']) {
      template.allResources(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('historyRetention reaches the handler, which writes it into the TTL attribute', () => {
    const { template } = synth({ historyRetention: Duration.days(30) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HISTORY_RETENTION_DAYS: '30' }) },
    });
    expect(tableLike(template, 'MonitoringEventsTable').Properties.TimeToLiveSpecification.AttributeName).toBe('expires_at');
  });

  test('historyRetention of exactly one day is accepted', () => {
    const { template } = synth({ historyRetention: Duration.hours(24) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HISTORY_RETENTION_DAYS: '1' }) },
    });
  });
});

describe('grantReadCompliance', () => {
  test('grants read on both tables and the status index, and nothing to write', () => {
    const { template } = synth({}, false, grantReader);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('Reader') }] },
    });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s: any) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan']));
    expect(actions.filter((a: string) => /Put|Update|Delete|Write/.test(a))).toEqual([]);

    const resources = JSON.stringify(statements.map((s: any) => s.Resource));
    for (const table of ['MonitoringComplianceTable', 'MonitoringEventsTable']) {
      expect(resources).toContain(table);
    }
    expect(resources).toContain('/index/*');
  });

  test('with a customer-managed key, also grants decrypt on the key', () => {
    const { template } = synth({}, true, grantReader);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Reader') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['kms:Decrypt']),
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        })]),
      },
    });
  });
});
