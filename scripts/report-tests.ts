/**
 * Prints the jest totals as the last line of the test task, in the plain "N passed, N failed" form CI reads, after
 * every other check has passed (jest's own summary scrolls away behind the packaging checks). Two jest runs count:
 * the main one, and test:bindings, which runs after the bindings and the example apps are built.
 */
import * as fs from 'fs';

const RESULTS = ['test-reports/jest-results.json', 'test-reports/jest-bindings-results.json'];

type Results = { numPassedTests: number; numFailedTests: number; numPendingTests: number };
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of RESULTS) {
  // Both runs are part of the test task: a missing file means one did not run.
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run the whole test task (npm test)`);
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
  totals.passed += results.numPassedTests;
  totals.failed += results.numFailedTests;
  totals.skipped += results.numPendingTests;
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
