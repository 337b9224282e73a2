import { counts, evaluation, putEvaluations, smallOrganization } from './report-test-data';
import { buildReport } from '../../../src/runtime/report/build-report';
import { renderCsv } from '../../../src/runtime/report/render-csv';
import { renderHtml } from '../../../src/runtime/report/render-html';
import { scanComplianceTable } from '../../../src/runtime/report/scan-compliance';
import { summaryMessage } from '../../../src/runtime/report/summary-message';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());

const NOW = new Date('2026-11-26T06:00:00.000Z');
const TYPE_REASON = 'resource type is not Owner::Service::Type';

/**
 * The small organization (7 items), plus three compliance items the write path stored before types were validated
 * at the door: two whose resource type is not `X::Y::Z`, one two-part. They cannot be counted by resource type.
 */
async function reportWithMalformedTypes() {
  const { complianceTable } = await db.createTables();
  await putEvaluations(db.documentClient, complianceTable, [
    ...smallOrganization(),
    evaluation({ resourceType: '<script>', resourceId: 'x-1', complianceStatus: 'NON_COMPLIANT' }),
    evaluation({ resourceType: 'Custom::Widget', resourceId: 'w-1', complianceStatus: 'COMPLIANT' }),
    evaluation({ resourceType: 'Custom::Widget', resourceId: 'w-2', complianceStatus: 'NON_COMPLIANT' }),
  ]);
  const aggregate = await scanComplianceTable({ client: db.documentClient, tableName: complianceTable, segments: 3, recentSinceMs: 0 });
  return buildReport({ aggregate, history: [], now: NOW, complianceTable });
}

describe('items whose resource type is not Owner::Service::Type', () => {
  test('are counted as excluded, with the reason and their keys, in the report JSON', async () => {
    const report = await reportWithMalformedTypes();

    // The counts are the small organization's, as before; the three are no longer left out in silence.
    expect(report.current.totals).toEqual(counts({ COMPLIANT: 3, NON_COMPLIANT: 2, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 1 }));
    expect(report.source.itemsRead).toBe(10);
    expect(report.source.itemsSkipped).toBe(0);
    expect(report.source.excluded).toEqual({
      count: 3,
      byReason: { [TYPE_REASON]: 3 },
      examples: [
        { pk: '222222222222#eu-west-1#<script>#x-1', sk: 'RULE#restricted-ssh', reason: TYPE_REASON },
        { pk: '222222222222#eu-west-1#Custom::Widget#w-1', sk: 'RULE#restricted-ssh', reason: TYPE_REASON },
        { pk: '222222222222#eu-west-1#Custom::Widget#w-2', sk: 'RULE#restricted-ssh', reason: TYPE_REASON },
      ],
    });
  });

  test('are said under the totals of the HTML page, escaped', async () => {
    const page = renderHtml(await reportWithMalformedTypes());

    expect(page).toContain('data-testid="excluded"');
    expect(page).toContain(`3 compliance items are left out of these counts:</p><ul class="note"><li>${TYPE_REASON}: 3</li></ul>`);
    expect(page).toContain('222222222222#eu-west-1#&lt;script&gt;#x-1');
    expect(page).not.toContain('<script>');
  });

  test('close the CSV file with one excluded row per reason', async () => {
    const lines = renderCsv(await reportWithMalformedTypes()).trimEnd().split('\r\n');

    expect(lines[lines.length - 1]).toBe(`excluded,${TYPE_REASON},,,,,3,,`);
  });

  test('are mentioned in the SNS summary', async () => {
    const { message } = summaryMessage(await reportWithMalformedTypes(), 's3://reports/2026-11-26/report.html');

    expect(message).toContain('Left out of the counts: 3 item(s) with unusable fields (listed in the full report)');
  });

  test('nothing is said when nothing is left out', async () => {
    const { complianceTable } = await db.createTables();
    await putEvaluations(db.documentClient, complianceTable, smallOrganization());
    const aggregate = await scanComplianceTable({ client: db.documentClient, tableName: complianceTable, segments: 1, recentSinceMs: 0 });
    const report = buildReport({ aggregate, history: [], now: NOW, complianceTable });

    expect(report.source.excluded).toEqual({ count: 0, byReason: {}, examples: [] });
    expect(renderHtml(report)).not.toContain('data-testid="excluded"');
    expect(renderCsv(report)).not.toContain('excluded');
    expect(summaryMessage(report, 'x').message).not.toContain('Left out');
  });
});
