/**
 * Sum the CloudWatch embedded-metric-format (EMF) lines a handler logged.
 *
 * Why: the handler reports what it did (EventsProcessed, StaleOrDuplicateEvents, ComplianceTransitions,
 * EventsDeadLettered, …; runtime-contract.md "Metrics") only as EMF log lines. Summing them locally
 * shows the handler's own account next to what the stand-ins observed, and a disagreement is a bug.
 */
export function sumEmfMetrics(lines: readonly string[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of lines) {
    const start = line.indexOf('{');
    if (start < 0 || !line.includes('"_aws"')) continue;
    let doc: any;
    try {
      doc = JSON.parse(line.slice(start));
    } catch {
      continue;
    }
    for (const directive of doc?._aws?.CloudWatchMetrics ?? []) {
      for (const m of directive.Metrics ?? []) {
        const v = doc[m.Name];
        const values: unknown[] = Array.isArray(v) ? v : [v];
        for (const x of values) if (typeof x === 'number') sums[m.Name] = (sums[m.Name] ?? 0) + x;
      }
    }
  }
  return Object.fromEntries(Object.entries(sums).sort(([a], [b]) => a.localeCompare(b)));
}
