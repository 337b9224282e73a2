import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as cdk from 'aws-cdk-lib';
import { ComplianceQueries } from '../../src/runtime/api/compliance-queries';
import { route } from '../../src/runtime/api/router';
import type { CoverageSnapshot } from '../../src/runtime/fleet/coverage-snapshot';
import type { AccountsPage, OrganizationsApi } from '../../src/runtime/fleet/fleet-coverage';
import { runFleetCoverage } from '../../src/runtime/fleet/run-fleet-coverage';
import { Logger } from '../../src/runtime/observability/logger';
import { readAccountActivityItems } from '../../src/runtime/store/account-activity-items';
import { AGENT_REGIONS, CONTROL_TOWER_OU, HOME_REGION, MANAGEMENT_ENV, MASTER_ENV, RolloutStack, WORKLOADS_OU } from '../example-app';

// The organization rollout of the example organization (the example app's RolloutStack), and the fleet coverage
// check over what the replay saw.

/** The example organization: the central account, the home region, and the OUs the rollout targets. */
export const ORGANIZATION = {
  management: MANAGEMENT_ENV,
  central: MASTER_ENV,
  homeRegion: HOME_REGION,
  regions: AGENT_REGIONS,
  workloadsOu: WORKLOADS_OU,
  controlTowerOu: CONTROL_TOWER_OU,
};

/** Synthesizes the rollout and prints its StackSets, their targets and templates, and the management account's stack. */
export function printRollout(outdir: string): RolloutStack {
  const app = new cdk.App({ outdir });
  const stack = new RolloutStack(app, 'ConfigMonitoringRollout', { env: ORGANIZATION.management });
  const assembly = app.synth();
  for (const s of stack.rollout.stackSets) {
    const resources = Object.keys(s.template.Resources ?? {}).length;
    const conditional = Object.values<any>(s.template.Resources ?? {}).filter((r) => r.Condition !== undefined).length;
    console.log(`  StackSet ${s.stackSetName}: SERVICE_MANAGED, auto-deployment on; ${resources} resources `
      + `(${conditional} in ${ORGANIZATION.homeRegion} only), ${(s.templateBytes / 1024).toFixed(1)} KB ${s.inline ? 'inline' : 'by S3 URL'}`);
    for (const group of s.stackSet.stackInstancesGroup as any[]) {
      const targets = group.deploymentTargets;
      const filter = targets.accountFilterType ? ` ${targets.accountFilterType} ${targets.accounts.join(', ')}` : '';
      console.log(`    → ${targets.organizationalUnitIds.join(', ')}${filter} in ${group.regions.join(', ')}`);
    }
  }
  const managementTemplate = assembly.getStackByName(stack.stackName).template;
  const recorders = Object.values<any>(managementTemplate.Resources).filter((r) => r.Type === 'AWS::Config::ConfigurationRecorder').length;
  console.log(`  ${stack.stackName} (${ORGANIZATION.management.account}, the management account StackSets never reach): `
    + `the StackSets and its own agent (${recorders} recorder), from the same props`);
  return stack;
}

/**
 * The organization as Organizations lists it (the documented page shapes): the example's member accounts, the
 * central one, and 444444444444, enrolled weeks ago, that never sent an event.
 */
function exampleOrganizations(): OrganizationsApi {
  const pages: AccountsPage[] = [
    {
      Accounts: [
        { Id: '111111111111', Name: 'monitoring', State: 'ACTIVE', JoinedTimestamp: '2024-01-10T09:00:00Z' },
        { Id: '222222222222', Name: 'workloads-prod', State: 'ACTIVE', JoinedTimestamp: '2024-02-01T09:00:00Z' },
      ],
      NextToken: 'page-2',
    },
    {
      Accounts: [
        { Id: '333333333333', Name: 'controltower-enrolled', Status: 'ACTIVE', JoinedTimestamp: '2024-03-01T09:00:00Z' },
        { Id: '444444444444', Name: 'workloads-forgotten', State: 'ACTIVE', JoinedTimestamp: '2024-05-01T09:00:00Z' },
        { Id: '555555555555', Name: 'closed-sandbox', State: 'CLOSED', JoinedTimestamp: '2023-01-01T09:00:00Z' },
      ],
    },
  ];
  return {
    listAccounts: async (input) => pages[input.NextToken === 'page-2' ? 1 : 0],
    listAccountsForParent: async () => ({}),
    listChildren: async () => ({}),
  };
}

/**
 * The coverage check over the replay's activity items, as the hourly function runs it (the snapshot written to the
 * local table), then read back the way a platform tool would: GET /coverage of the compliance API.
 */
export async function runCoverageStep(ddb: DynamoDBClient, complianceTable: string): Promise<void> {
  const client = DynamoDBDocumentClient.from(ddb);
  const seen = await readAccountActivityItems(client, complianceTable);
  // An hour after the replayed morning's last event.
  const nowMs = Math.max(0, ...seen.map((item) => item.last_event_ms)) + 3600_000;
  const coverage = await runFleetCoverage({
    // The central account runs the master, not an agent.
    settings: { regions: ORGANIZATION.regions, fromOrganizations: true, organizationalUnitIds: [], accounts: [], excludedAccounts: ['111111111111'], graceSeconds: 86400 },
    organizations: exampleOrganizations(),
    seen,
    silentAfterMs: 24 * 3600_000,
    client,
    tableName: complianceTable,
    functionName: 'CheckAccountActivity',
    nowMs,
    sink: () => undefined,
  });
  const queries = new ComplianceQueries(client, { complianceTableName: complianceTable, eventsTableName: 'unused' });
  const response = await route({ httpMethod: 'GET', resource: '/coverage', queryStringParameters: null } as never, queries, new Logger('ERROR', () => undefined));
  const snapshot = JSON.parse(response.body) as CoverageSnapshot;
  console.log(`  expected ${snapshot.expected} account-regions (${ORGANIZATION.regions.length} regions), ${snapshot.reporting} reporting, `
    + `${snapshot.silentCount} silent, ${snapshot.neverReportedCount} never reported (GET /coverage → ${response.statusCode})`);
  for (const r of snapshot.neverReported) console.log(`    never reported: ${r.account} (${r.name}) in ${r.region}`);
  for (const r of snapshot.silent) console.log(`    silent: ${r.account} (${r.name}) in ${r.region} since ${r.lastEventAt}`);
  for (const r of coverage.unexpected) console.log(`    reporting but not expected: ${r.account} in ${r.region}`);
  if (!snapshot.neverReported.some((r) => r.account === '444444444444')) {
    throw new Error('the coverage check did not find 444444444444, which never reported');
  }
}
