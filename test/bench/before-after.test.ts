import { formatBeforeAfter, type LoadMeasure } from '../../bench/handler-load';

// The bench's before/after table pairs each handler's bundle with the same handler's earlier bundle, whatever
// directory either was built in, and says when one side did not load instead of printing a delta.

function measure(name: string, sizeKb: number, ms: number, error?: string): LoadMeasure {
  const times = { loadMsMedian: ms, loadMsMin: ms, loadMsMax: ms, processMsMedian: ms };
  return { name, sizeKb, ...times, samples: 1, ...(error ? { error } : {}) };
}

test('pairs the handlers by name and prints the size and load-time deltas', () => {
  const table = formatBeforeAfter('15bb2cb', [
    measure('15bb2cb:assets/handlers/reconcile-compliance.lambda/index.js', 803.1, 120),
    measure('15bb2cb:assets/handlers/compliance-api.lambda/index.js', 595.3, 90, 'Error: boom'),
  ], [
    measure('assets/handlers/compliance-api.lambda/index.js', 616.7, 95),
    measure('assets/handlers/reconcile-compliance.lambda/index.js', 835.3, 118.5),
  ]).split('\n');

  expect(table[0]).toContain('15bb2cb');
  expect(table[2].split(/\s+/).filter(Boolean)).toEqual(['compliance-api.lambda', '595.3', '616.7', '+21.4', '1.04×', 'failed', '95.0', '-', '-']);
  expect(table[3].split(/\s+/).filter(Boolean)).toEqual(['reconcile-compliance.lambda', '803.1', '835.3', '+32.2', '1.04×', '120.0', '118.5', '-1.5', '0.99×']);
});

test('a handler new since the earlier commit has no before figures', () => {
  const [, , row] = formatBeforeAfter('15bb2cb', [], [measure('assets/handlers/new-one.lambda/index.js', 10, 5)]).split('\n');

  expect(row.split(/\s+/).filter(Boolean)).toEqual(['new-one.lambda', '-', '10', '-', '-', '-', '5.0', '-', '-']);
});
