import * as fs from 'fs';
import * as path from 'path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AccountsPage, ChildrenPage, compareCoverage, coverageEmf, expectedAccounts, OrganizationsApi, seenAccountRegions,
} from '../../../src/runtime/fleet/fleet-coverage';
import type { AccountActivityItem } from '../../../src/runtime/store/account-activity-keys';
import { accountActivityItem } from '../../support/account-activity-item';

// The fleet coverage check against Organizations pages of the documented shapes (pagination, an empty page with a
// NextToken, State and the older Status, suspended and closed accounts) and activity items of seen, silent and
// never-seen accounts.

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'organizations');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3600_000;
const REGIONS = ['eu-west-1', 'us-east-1'];

/** An Organizations API that serves the recorded pages, checking every request's token and page size. */
function recordedOrganizations(): OrganizationsApi & { calls: string[] } {
  const accountPages: AccountsPage[] = ['list-accounts-1.json', 'list-accounts-2.json', 'list-accounts-3.json'].map(fixture);
  const tree = fixture('ou-tree.json') as { listChildren: Record<string, ChildrenPage[]>; listAccountsForParent: Record<string, AccountsPage[]> };
  const calls: string[] = [];
  const serve = <P extends { NextToken?: string }>(pages: P[], token: string | undefined, what: string): P => {
    const index = token === undefined ? 0 : pages.findIndex((_, i) => pages[i - 1]?.NextToken === token);
    if (index < 0) throw new Error(`${what}: unknown NextToken ${token}`);
    return pages[index];
  };
  return {
    calls,
    async listAccounts(input) {
      expect(input.MaxResults).toBe(20);
      calls.push(`ListAccounts ${input.NextToken ?? '-'}`);
      return serve(accountPages, input.NextToken, 'ListAccounts');
    },
    async listAccountsForParent(input) {
      calls.push(`ListAccountsForParent ${input.ParentId} ${input.NextToken ?? '-'}`);
      return serve(tree.listAccountsForParent[input.ParentId], input.NextToken, input.ParentId);
    },
    async listChildren(input) {
      expect(input.ChildType).toBe('ORGANIZATIONAL_UNIT');
      calls.push(`ListChildren ${input.ParentId} ${input.NextToken ?? '-'}`);
      return serve(tree.listChildren[input.ParentId], input.NextToken, input.ParentId);
    },
  };
}

const activity = accountActivityItem;

/** A DocumentClient answering Query by partition, in pages of `pageSize`. */
function activityTable(items: AccountActivityItem[], pageSize = 2): DynamoDBDocumentClient & { queries: number } {
  const client = {
    queries: 0,
    async send(command: { input: { ExpressionAttributeValues: Record<string, string>; ExclusiveStartKey?: { i: number } } }) {
      client.queries += 1;
      const pk = command.input.ExpressionAttributeValues[':pk'];
      const all = items.filter((item) => item.pk === pk);
      const start = command.input.ExclusiveStartKey?.i ?? 0;
      const end = start + pageSize;
      return { Items: all.slice(start, end), LastEvaluatedKey: end < all.length ? { i: end } : undefined };
    },
  };
  return client as unknown as DynamoDBDocumentClient & { queries: number };
}

describe('the accounts that should report', () => {
  test('every page of ListAccounts, the empty one too; only active accounts, by State or else Status', async () => {
    const api = recordedOrganizations();
    const expected = await expectedAccounts(api);
    expect(api.calls).toEqual(['ListAccounts -', 'ListAccounts AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1', 'ListAccounts AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2']);
    expect(expected.accounts.map((a) => a.account)).toEqual(['111111111111', '222222222222', '333333333333', '444444444444']);
    expect(expected).toMatchObject({ calls: 3, truncated: false });
  });

  test('limited to OUs: the OU tree breadth first, nested OUs and paginated children included, each OU once', async () => {
    const api = recordedOrganizations();
    const expected = await expectedAccounts(api, { organizationalUnitIds: ['ou-ab12-workloads1', 'ou-ab12-workloads1'] });
    expect(expected.accounts.map((a) => a.account)).toEqual(['222222222222', '333333333333']);
    expect(api.calls).toEqual([
      'ListAccountsForParent ou-ab12-workloads1 -', 'ListAccountsForParent ou-ab12-workloads1 a1', 'ListChildren ou-ab12-workloads1 -',
      'ListAccountsForParent ou-ab12-prodprod1 -', 'ListChildren ou-ab12-prodprod1 -',
    ]);
    const all = await expectedAccounts(recordedOrganizations(), { organizationalUnitIds: ['r-ab12'] });
    expect(all.accounts.map((a) => a.account)).toEqual(['111111111111', '222222222222', '333333333333']);
  });

  test('an explicit list adds accounts, exclusions remove them', async () => {
    const expected = await expectedAccounts(recordedOrganizations(), { additionalAccounts: ['777777777777'], excludedAccounts: ['111111111111'] });
    expect(expected.accounts.map((a) => a.account)).toEqual(['222222222222', '333333333333', '444444444444', '777777777777']);
  });

  test('maxCalls bounds a run and says the list is partial', async () => {
    const expected = await expectedAccounts(recordedOrganizations(), { maxCalls: 2 });
    expect(expected).toMatchObject({ calls: 2, truncated: true });
  });
});

describe('coverage: expected x regions against the activity items', () => {
  const seen = [
    activity('111111111111', 'eu-west-1', NOW - HOUR),
    activity('111111111111', 'us-east-1', NOW - 2 * HOUR),
    activity('222222222222', 'eu-west-1', NOW - 30 * HOUR), // silent
    activity('999999999999', 'eu-west-1', NOW - HOUR), // left the organization
  ];

  test('reporting, silent, never reported, pending (joined recently) and unexpected', async () => {
    const table = activityTable(seen);
    const items = await seenAccountRegions(table, 'compliance');
    expect(items).toHaveLength(4);
    // Only Query, of the four activity partitions (and their pages): never a Scan of the compliance table.
    expect(table.queries).toBeGreaterThanOrEqual(4);
    const expected = await expectedAccounts(recordedOrganizations());
    const coverage = compareCoverage(expected, items, { regions: REGIONS, silentAfterMs: 24 * HOUR, nowMs: NOW });
    expect(coverage).toEqual({
      expected: 8,
      reporting: 2,
      silent: [{ account: '222222222222', region: 'eu-west-1', name: 'workloads-prod', lastEventAt: new Date(NOW - 30 * HOUR).toISOString() }],
      neverReported: [
        { account: '222222222222', region: 'us-east-1', name: 'workloads-prod' },
        { account: '333333333333', region: 'eu-west-1', name: 'workloads-dev' },
        { account: '333333333333', region: 'us-east-1', name: 'workloads-dev' },
      ],
      pending: [
        { account: '444444444444', region: 'eu-west-1', name: 'new-sandbox' },
        { account: '444444444444', region: 'us-east-1', name: 'new-sandbox' },
      ],
      unexpected: [{ account: '999999999999', region: 'eu-west-1', lastEventAt: new Date(NOW - HOUR).toISOString() }],
      truncated: false,
    });
    expect(coverageEmf(coverage, 'FleetCoverage', NOW)).toMatchObject({
      ExpectedAccountRegions: 8,
      ReportingAccountRegions: 2,
      NeverReportedAccountRegions: 3,
      SilentExpectedAccountRegions: 1,
      CoverageListTruncated: 0,
    });
  });

  test('10,000 accounts x 4 regions: 500 Organizations calls, bounded metrics, under a second', async () => {
    const accounts = Array.from({ length: 10_000 }, (_, i) => String(100000000000 + i));
    const pages: AccountsPage[] = [];
    for (let i = 0; i < accounts.length; i += 20) {
      pages.push({ Accounts: accounts.slice(i, i + 20).map((Id) => ({ Id, State: 'ACTIVE' })), NextToken: i + 20 < accounts.length ? `t${i + 20}` : undefined });
    }
    let calls = 0;
    const api: OrganizationsApi = {
      listAccounts: async (input) => { calls += 1; return pages[input.NextToken ? Number(input.NextToken.slice(1)) / 20 : 0]; },
      listAccountsForParent: async () => ({}),
      listChildren: async () => ({}),
    };
    const regions = ['eu-west-1', 'us-east-1', 'eu-central-1', 'ap-southeast-2'];
    const seenAll = accounts.slice(0, 9_990).flatMap((account) => regions.map((region) => activity(account, region, NOW - HOUR)));
    const started = Date.now();
    const coverage = compareCoverage(await expectedAccounts(api), seenAll, { regions, silentAfterMs: 24 * HOUR, nowMs: NOW });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toBe(500);
    expect(coverage.expected).toBe(40_000);
    expect(coverage.neverReported).toHaveLength(40);
    const emf = coverageEmf(coverage, 'FleetCoverage', NOW) as { _aws: { CloudWatchMetrics: { Metrics: unknown[] }[] }; neverReported: unknown[] };
    expect(emf._aws.CloudWatchMetrics[0].Metrics).toHaveLength(5);
    expect(emf.neverReported.length).toBeLessThanOrEqual(100);
  });
});
