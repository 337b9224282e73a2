/**
 * Prints the jest totals as the last line of the test task, in the plain "N passed, N failed" form CI reads, after
 * every other check has passed (jest's own summary scrolls away behind the packaging checks).
 */
import * as fs from 'fs';

const RESULTS = 'test-reports/jest-results.json';
const results = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
const skipped = results.numPendingTests ? `, ${results.numPendingTests} skipped` : '';
console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped}`);
