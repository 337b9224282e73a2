import { HOSTILE_RULE, sampleReport } from './sample-report';
import { csvCell, CSV_HEADER, renderCsv } from '../../../src/runtime/report/render-csv';

/** A minimal RFC 4180 reader, to check the file parses back to the values written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') { quoted = false; } else { cell += ch; }
    } else if (ch === '"') { quoted = true; } else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++;
    } else { cell += ch; }
  }
  return rows;
}

describe('renderCsv', () => {
  const rows = parseCsv(renderCsv(sampleReport()));

  test('a header, then the organization total with its change since the previous report', () => {
    expect(rows[0]).toEqual(CSV_HEADER);
    // 12 non-compliant now; the snapshot of 2026-11-25 (i = 28) had 20 - 9 = 11.
    expect(rows[1]).toEqual(['total', 'all', '40', '12', '3', '1', '56', '76.9', '1']);
  });

  test('one row per account, region, rule and resource type, most non-compliant first', () => {
    const byDimension = (d: string) => rows.filter((r) => r[0] === d);
    expect(byDimension('account').map((r) => [r[1], r[3], r[8]])).toEqual([
      ['222222222222', '9', '2'], ['333333333333', '3', '0'], ['444444444444', '0', '0'],
    ]);
    expect(byDimension('region').map((r) => r[1])).toEqual(['eu-west-1', 'us-east-1']);
    expect(byDimension('rule')).toHaveLength(20);
    expect(byDimension('resourceType').map((r) => r[1])).toEqual(['AWS::EC2::SecurityGroup', 'AWS::S3::Bucket']);
    expect(rows).toHaveLength(1 + 1 + 3 + 2 + 20 + 2);
  });

  test('hostile text survives as text and is quoted; a rule new since yesterday changes by its count', () => {
    expect(rows.find((r) => r[1] === HOSTILE_RULE)).toEqual(['rule', HOSTILE_RULE, '2', '1', '3', '1', '7', '66.7', '1']);
  });
});

describe('csvCell', () => {
  test('quotes commas, quotes and line breaks; neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('csvCell neutralises a formula hidden behind blanks or a control character', () => {
  test.each([
    ['a space', ' =HYPERLINK("https://attacker.example")', '"\' =HYPERLINK(""https://attacker.example"")"'],
    ['spaces and a tab', '  \t+1+1', "'  \t+1+1"],
    ['a line break', '\n=1+1', '"\'\n=1+1"'],
    ['CR LF', '\r\n-2+3', '"\'\r\n-2+3"'],
    ['blanks before @', '   @SUM(A1:A9)', "'   @SUM(A1:A9)"],
    ['a bell first', '\u0007cmd', "'\u0007cmd"],
    ['a NUL first', '\u0000x', "'\u0000x"],
    ['a C1 control first', '\u0085=1', "'\u0085=1"],
  ])('%s', (_name, value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  test('leaves plain text and text with a formula character further in alone', () => {
    expect(csvCell('restricted-ssh')).toBe('restricted-ssh');
    expect(csvCell('a =b')).toBe('a =b');
    expect(csvCell(' plain')).toBe(' plain');
  });

  test('a hostile rule name behind a space and a line break comes back from the file as inert text', () => {
    const report = sampleReport();
    const rule = ' \n=cmd|\' /C calc\'!A0';
    (report.current.byRule as Record<string, unknown>)[rule] = report.current.byRule[HOSTILE_RULE];

    const row = parseCsv(renderCsv(report)).find((r) => r[0] === 'rule' && r[1].includes('cmd'));

    expect(row?.[1]).toBe(`'${rule}`);
  });
});

