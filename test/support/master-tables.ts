import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { tablesInTemplate } from '../../demo/local/dynamodb-from-template';
import { ComplianceIndex, ConfigMonitoringMaster } from '../../src';

let cached: { compliance: CreateTableCommandInput; events: CreateTableCommandInput } | undefined;

/**
 * The tables exactly as ConfigMonitoringMaster declares them (keys, indexes, projections), taken from a synthesized
 * template: the handler tests run against the schema that deploys, never against a hand-copied one.
 */
function synthesizedTables() {
  if (!cached) {
    const stack = new Stack(new App(), 'Master', { env: { account: '111111111111', region: 'eu-west-1' } });
    // Both optional indexes: a superset of every configuration's schema, so the compliance API's tests can plan on them.
    const master = new ConfigMonitoringMaster(stack, 'Monitoring', {
      organizationId: 'o-a1b2c3d4e5', complianceIndexes: [ComplianceIndex.BY_ACCOUNT, ComplianceIndex.BY_RULE],
    });
    const tables = tablesInTemplate(Template.fromStack(stack).toJSON());
    const byConstruct = (table: { node: { defaultChild?: unknown } }) =>
      tables.find((t) => t.logicalId === stack.getLogicalId(table.node.defaultChild as never))!.input;
    cached = { compliance: byConstruct(master.complianceTable as never), events: byConstruct(master.eventsTable as never) };
  }
  return cached;
}

export function masterTableSpecs(names: { complianceTable: string; eventsTable: string }): CreateTableCommandInput[] {
  const { compliance, events } = synthesizedTables();
  return [{ ...compliance, TableName: names.complianceTable }, { ...events, TableName: names.eventsTable }];
}
