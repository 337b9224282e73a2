import { putEvaluations, smallOrganization } from './report-test-data';
import { coverageSnapshot, writeCoverageSnapshot } from '../../../src/runtime/fleet/coverage-snapshot';
import type { FleetCoverage } from '../../../src/runtime/fleet/fleet-coverage';
import { generateDailyReport } from '../../../src/runtime/report/generate-daily-report';
import type { ReportFile } from '../../../src/runtime/report/report-files';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

// The daily report's "Fleet coverage" section: read from the hourly check's snapshot (dynalite), in the JSON, the
// HTML page (account names come from Organizations, so they are escaped like any other field) and the SNS summary.

const NOW = new Date('2026-11-26T06:00:00.000Z');
const HOSTILE_NAME = '<script>alert(1)</script>';

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());

function coverage(neverReported: number): FleetCoverage {
  return {
    expected: 40,
    reporting: 36,
    neverReported: Array.from({ length: neverReported }, (_, i) => ({ account: String(200000000000 + i), region: 'eu-west-1', name: HOSTILE_NAME })),
    silent: [{ account: '333333333333', region: 'us-east-1', name: 'workloads-dev', lastEventAt: '2026-11-24T03:00:00.000Z' }],
    pending: [],
    unexpected: [],
    truncated: false,
  };
}

async function report(snapshotOf?: FleetCoverage, { readFleetCoverage = true, checkedAgoMs = 3600_000 } = {}) {
  const { complianceTable, eventsTable } = await db.createTables();
  await putEvaluations(db.documentClient, complianceTable, smallOrganization());
  if (snapshotOf) await writeCoverageSnapshot(db.documentClient, complianceTable, coverageSnapshot(snapshotOf, NOW.getTime() - checkedAgoMs));
  const files: ReportFile[] = [];
  const generated = await generateDailyReport({
    client: db.documentClient,
    complianceTable,
    eventsTable,
    now: NOW,
    readFleetCoverage,
    sink: { put: async (file) => { files.push(file); }, locate: (key) => `s3://reports/${key}` },
  });
  const html = String(files.find((f) => f.key.endsWith('.html') && !f.key.startsWith('latest/'))!.body);
  return { ...generated, html };
}

test('with a snapshot: the section, its counts and names (escaped), and one summary line', async () => {
  const { report: daily, html, summary } = await report(coverage(3));
  expect(daily.fleetCoverage).toMatchObject({ expected: 40, reporting: 36, neverReportedCount: 3, silentCount: 1 });
  expect(html).toContain('<h2>Fleet coverage</h2>');
  expect(html).toMatch(/36 of 40 expected account-regions report; 3 never reported, 1 silent, 0 joined recently/);
  expect(html).toContain('200000000002');
  expect(html).not.toContain(HOSTILE_NAME);
  expect(html).toContain('&lt;script&gt;');
  expect(summary.message).toContain('Fleet: 36 of 40 expected account-regions report, 3 never reported, 1 silent\n');
  expect(html).not.toContain('data-testid="fleet-stale"');
});

test('a snapshot the check has not renewed for more than three hours is said to be stale, on the page and in the summary', async () => {
  const { html, summary } = await report(coverage(1), { checkedAgoMs: 4 * 3600_000 });
  expect(html).toMatch(/Stale: the check has not succeeded since 2026-11-26T02:00:00.000Z/);
  expect(summary.message).toContain('(stale: last checked 2026-11-26T02:00:00.000Z)');
});

test('a master without fleet coverage does not read a snapshot left from before', async () => {
  const { report: daily, html } = await report(coverage(1), { readFleetCoverage: false });
  expect(daily.fleetCoverage).toBeUndefined();
  expect(html).not.toContain('Fleet coverage');
});

test('the snapshot does not count as compliance: totals are those of the evaluations alone', async () => {
  const [withSnapshot, without] = [await report(coverage(1)), await report()];
  expect(withSnapshot.report.current.totals).toEqual(without.report.current.totals);
  expect(withSnapshot.report.source.itemsSkipped).toBe(without.report.source.itemsSkipped);
});

test('more names than the snapshot keeps: the page says how many it shows', async () => {
  const { html } = await report(coverage(150));
  expect(html).toMatch(/Showing 101 of 151/);
});

test('without fleet coverage: no section, no summary line', async () => {
  const { report: daily, html, summary } = await report();
  expect(daily.fleetCoverage).toBeUndefined();
  expect(html).not.toContain('Fleet coverage');
  expect(summary.message).not.toContain('Fleet:');
});
