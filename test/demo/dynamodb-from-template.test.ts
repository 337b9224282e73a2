import { DescribeTableCommand, DescribeTableCommandOutput } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { CfnTemplate, createTableInput, LocalDynamoDb, startDynamoDbFromTemplate, tablesInTemplate } from '../../demo/local/dynamodb-from-template';
import { ConfigMonitoringMaster } from '../../src';

const INDEX_ATTRIBUTES = ['account', 'region', 'resource_id', 'resource_type', 'config_rule_name', 'compliance_status', 'last_evaluated'];

/** A synthesized ConfigMonitoringMaster, with a seed-style named Table beside it, and the logical ids of its tables. */
function synthesizeMaster() {
  const stack = new Stack(new App(), 'Master', { env: { account: '111111111111', region: 'eu-west-1' } });
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', complianceApi: {} });
  const seed = new dynamodb.Table(stack, 'SeedTable', {
    tableName: 'ConfigCompliance',
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
  });
  seed.addGlobalSecondaryIndex({ indexName: 'ByStatus', partitionKey: { name: 'compliance_status', type: dynamodb.AttributeType.STRING } });
  const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  return {
    template: Template.fromStack(stack).toJSON() as CfnTemplate,
    compliance: logicalId(master.complianceTable),
    events: logicalId(master.eventsTable),
    seed: logicalId(seed),
  };
}

describe('tables from a synthesized ConfigMonitoringMaster template', () => {
  const synthesized = synthesizeMaster();
  let db: LocalDynamoDb;
  const describeTable = async (logicalId: string): Promise<NonNullable<DescribeTableCommandOutput['Table']>> => {
    const client = db.client();
    try {
      return (await client.send(new DescribeTableCommand({ TableName: db.tables.get(logicalId) }))).Table!;
    } finally {
      client.destroy();
    }
  };
  beforeAll(async () => { db = await startDynamoDbFromTemplate(synthesized.template); });
  afterAll(() => db.close());

  test('creates every table of the template: unnamed TableV2s after their logical id, a declared TableName as declared', () => {
    expect([...db.tables.entries()].sort()).toEqual([
      [synthesized.compliance, synthesized.compliance],
      [synthesized.events, synthesized.events],
      [synthesized.seed, 'ConfigCompliance'],
    ].sort());
  });

  test('the compliance table has the contract key and its sparse index projects the contract attributes', async () => {
    const table = await describeTable(synthesized.compliance);

    expect(table.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.GlobalSecondaryIndexes!.map((i) => i.IndexName).sort())
      .toEqual(['ConfigCompliance-Index', 'ConfigComplianceByAccount-Index', 'ConfigComplianceByRule-Index']);
    const index = table.GlobalSecondaryIndexes!.find((i) => i.IndexName === 'ConfigCompliance-Index')!;
    expect(index.KeySchema).toEqual([{ AttributeName: 'status_shard', KeyType: 'HASH' }, { AttributeName: 'status_sort', KeyType: 'RANGE' }]);
    expect(index.Projection?.ProjectionType).toBe('INCLUDE');
    expect([...index.Projection!.NonKeyAttributes!].sort()).toEqual([...INDEX_ATTRIBUTES].sort());
  });

  test('the events table has the contract key and its TTL attribute is reported (dynalite itself has no TTL)', async () => {
    const table = await describeTable(synthesized.events);

    expect(table.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
    expect(table.GlobalSecondaryIndexes).toBeUndefined();
    expect(db.details.get(synthesized.events)!.ttlAttribute).toBe('expires_at');
    expect(db.details.get(synthesized.compliance)!.ttlAttribute).toBeUndefined();
  });

  test('a Table without BillingMode is provisioned, as CloudFormation creates it, and its index defaults to projection ALL', async () => {
    const table = await describeTable(synthesized.seed);

    expect(table.BillingModeSummary?.BillingMode ?? 'PROVISIONED').toBe('PROVISIONED');
    expect(table.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    expect(table.GlobalSecondaryIndexes![0].Projection?.ProjectionType).toBe('ALL');
  });
});

describe('CreateTable input from a table resource', () => {
  const keys = {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
  };

  test('an index without Projection gets CloudFormation\'s default, KEYS_ONLY', () => {
    const table = createTableInput('T', 'AWS::DynamoDB::GlobalTable', {
      ...keys,
      GlobalSecondaryIndexes: [{ IndexName: 'G', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }] }],
    });

    expect(table.input.GlobalSecondaryIndexes![0].Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(table.input.BillingMode).toBe('PAY_PER_REQUEST');
  });

  test('a TableName given as a token is replaced by the logical id, made acceptable to DynamoDB', () => {
    const table = createTableInput('Events-Table!', 'AWS::DynamoDB::Table', { ...keys, TableName: { 'Fn::Join': ['-', ['a', 'b']] } });

    expect(table.tableName).toBe('Events-Table_');
  });

  test('a disabled TTL specification reports no TTL attribute', () => {
    const table = createTableInput('T', 'AWS::DynamoDB::Table', { ...keys, TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: false } });

    expect(table.ttlAttribute).toBeUndefined();
  });

  test('only DynamoDB table resources become tables', () => {
    const template: CfnTemplate = {
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic' },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: keys },
      },
    };

    expect(tablesInTemplate(template).map((t) => t.logicalId)).toEqual(['Table']);
  });
});

test('fails when two tables of a template would get the same local name', async () => {
  const table = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'Same', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] } };

  const start = startDynamoDbFromTemplate({ Resources: { A: table, B: table } });

  await expect(start).rejects.toThrow('tables A and B would both be named Same locally');
});
