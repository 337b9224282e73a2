import { renderCsv } from './render-csv';
import { renderHtml } from './render-html';
import type { DailyReport } from './report-model';

/** One object of the report, as written to S3 (or to a folder, locally). */
export interface ReportFile {
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
  /** `latest/` objects change every day: caches must revalidate them. */
  readonly cacheControl?: string;
}

export const REPORT_BASENAME = 'compliance-report';

const FORMATS = [
  { extension: 'json', contentType: 'application/json; charset=utf-8', render: (r: DailyReport) => `${JSON.stringify(r, null, 2)}\n` },
  { extension: 'csv', contentType: 'text/csv; charset=utf-8', render: renderCsv },
  { extension: 'html', contentType: 'text/html; charset=utf-8', render: renderHtml },
];

/** `reports/YYYY/MM/DD/`: one folder a day, so a lifecycle rule, an Athena partition or a human finds a day at once. */
export function datedPrefix(date: string): string {
  const [year, month, day] = date.split('-');
  return `reports/${year}/${month}/${day}/`;
}

export const LATEST_PREFIX = 'latest/';

/** The day's three files under `reports/YYYY/MM/DD/`, then the same three under `latest/`. */
export function reportFiles(report: DailyReport): ReportFile[] {
  const rendered = FORMATS.map((f) => ({ name: `${REPORT_BASENAME}.${f.extension}`, body: f.render(report), contentType: f.contentType }));
  return [
    ...rendered.map((f) => ({ key: `${datedPrefix(report.date)}${f.name}`, body: f.body, contentType: f.contentType })),
    ...rendered.map((f) => ({ key: `${LATEST_PREFIX}${f.name}`, body: f.body, contentType: f.contentType, cacheControl: 'no-cache' })),
  ];
}
