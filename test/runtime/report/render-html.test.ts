/// <reference lib="dom" />
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { chromium, type Browser } from 'playwright-core';
import { counts } from './report-test-data';
import { HOSTILE_RULE, sampleReport } from './sample-report';
import { buildReport } from '../../../src/runtime/report/build-report';
import { CHART_BARS, CONTENT_SECURITY_POLICY, renderHtml } from '../../../src/runtime/report/render-html';

const CHROMIUM = '/usr/bin/chromium';
const ESCAPED_HOSTILE_RULE = '&lt;img src=&quot;https://attacker.example/x.png&quot; onerror=&quot;alert(1)&quot;&gt;';

describe('renderHtml, as text', () => {
  const html = renderHtml(sampleReport());

  test('one self-contained document: no script, no external reference, a CSP that forbids every request', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(html).not.toMatch(/<script|<link|<iframe|<object|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href|xlink:href|action)="/i);
    // Besides the hostile rule's (escaped, sometimes shortened) text, the only absolute URL is the SVG namespace:
    // an identifier, never fetched.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]).filter((u) => !u.startsWith('https://attacker.example/'));
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  test('text from member accounts is escaped', () => {
    expect(html).not.toContain(HOSTILE_RULE);
    expect(html).toContain(ESCAPED_HOSTILE_RULE);
  });

  test('the first report says there is nothing to compare with and has no change column', () => {
    const first = buildReport({
      aggregate: {
        totals: counts({ COMPLIANT: 1 }),
        resources: 1,
        byAccount: { 222222222222: counts({ COMPLIANT: 1 }) },
        byRegion: {},
        byRule: {},
        byResourceType: {},
        recentNonCompliant: [],
        recentNonCompliantCount: 0,
        itemsRead: 1,
        itemsSkipped: 0,
        excluded: { count: 0, byReason: {}, examples: [] },
      },
      history: [],
      now: new Date('2026-11-26T06:00:00.000Z'),
      complianceTable: 't',
    });
    const page = renderHtml(first);
    expect(page).toContain('First report: nothing to compare with yet.');
    expect(page).not.toContain('Non-compliant change');
    expect(page).toContain('data-testid="recent-none"');
  });
});

const browserTest = fs.existsSync(CHROMIUM) ? describe : describe.skip;
if (!fs.existsSync(CHROMIUM)) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: the report page browser test needs Debian's Chromium at ${CHROMIUM} (apt-get install -y chromium); CI installs it.`);
}

browserTest('renderHtml, as Chromium renders it (offline, from a file:// URL)', () => {
  let browser: Browser;
  let dir: string;
  let rendered: {
    texts: Record<string, string>;
    trendPoints: number;
    trendLines: number;
    accountBars: { label: string; value: string }[];
    ruleBars: number;
    ruleRows: number;
    recentRows: number;
    hostileText: string;
    images: number;
    svgBoxes: { width: number; height: number }[];
  };
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  let pageUrl: string;

  beforeAll(async () => {
    // Prepare: write the page where a user would open it from.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-page-'));
    const file = path.join(dir, 'compliance-report.html');
    fs.writeFileSync(file, renderHtml(sampleReport()));
    pageUrl = pathToFileURL(file).href;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => pageErrors.push(error.message));

    // Act
    await page.goto(pageUrl, { waitUntil: 'load' });
    rendered = await page.evaluate(() => {
      const text = (selector: string) => (document.querySelector(selector) as HTMLElement | null)?.innerText ?? '';
      const ids = ['total-score', 'total-non-compliant', 'total-compliant', 'total-not-applicable', 'total-insufficient-data', 'total-items', 'total-resources', 'total-accounts'];
      return {
        texts: Object.fromEntries(ids.map((id) => [id, text(`[data-testid="${id}"] .value`)]).concat(
          [['non-compliant-change', text('[data-testid="total-non-compliant"] .change')], ['title', document.title]])),
        trendPoints: document.querySelectorAll('#trend-chart circle.trend-point').length,
        trendLines: document.querySelectorAll('#trend-chart polyline.trend-line').length,
        accountBars: [...document.querySelectorAll('#account-chart g.bar')].map((g) => ({ label: g.getAttribute('data-label') ?? '', value: g.getAttribute('data-value') ?? '' })),
        ruleBars: document.querySelectorAll('#rule-chart g.bar').length,
        ruleRows: document.querySelectorAll('[data-testid="rule-table"] tbody tr').length,
        recentRows: document.querySelectorAll('[data-testid="recent-table"] tbody tr').length,
        hostileText: [...document.querySelectorAll('[data-testid="rule-table"] td.key')].map((td) => (td as HTMLElement).innerText).find((t) => t.startsWith('<img')) ?? '',
        images: document.images.length,
        svgBoxes: [...document.querySelectorAll('svg.chart')].map((svg) => {
          const box = svg.getBoundingClientRect();
          return { width: box.width, height: box.height };
        }),
      };
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('shows the totals as text', () => {
    expect(rendered.texts).toEqual({
      'total-score': '76.9%',
      'total-non-compliant': '12',
      'total-compliant': '40',
      'total-not-applicable': '3',
      'total-insufficient-data': '1',
      'total-items': '56',
      'total-resources': '31',
      'total-accounts': '3',
      'non-compliant-change': '+1 since 2026-11-25',
      'title': 'Config compliance report 2026-11-26',
    });
  });

  test('draws the trend with one point per day (30) joined by one line', () => {
    expect(rendered.trendPoints).toBe(30);
    expect(rendered.trendLines).toBe(1);
  });

  test('draws one bar per account, most non-compliant first, and at most CHART_BARS rules', () => {
    expect(rendered.accountBars).toEqual([
      { label: '222222222222', value: '9' },
      { label: '333333333333', value: '3' },
      { label: '444444444444', value: '0' },
    ]);
    expect(rendered.ruleBars).toBe(CHART_BARS);
    expect(rendered.ruleRows).toBe(20);
    expect(rendered.recentRows).toBe(1);
  });

  test('every chart has a visible size', () => {
    expect(rendered.svgBoxes).toHaveLength(3);
    for (const box of rendered.svgBoxes) {
      expect(box.width).toBeGreaterThan(100);
      expect(box.height).toBeGreaterThan(20);
    }
  });

  test('a hostile rule name is shown as text and creates no element', () => {
    expect(rendered.hostileText).toBe(HOSTILE_RULE);
    expect(rendered.images).toBe(0);
  });

  test('makes no request beyond the page itself, and logs no error', () => {
    expect(requests).toEqual([pageUrl]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
