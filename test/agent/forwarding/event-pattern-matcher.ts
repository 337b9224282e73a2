/**
 * A small EventBridge pattern matcher for tests: literal value lists, nested objects, and `$or`, which is all the
 * library's patterns use. A field the pattern names must be present in the event and equal one of the listed values
 * (or, when the event value is an array, share one with them), as EventBridge matches.
 */
export function matchesPattern(pattern: Record<string, any>, event: Record<string, any>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Array<Record<string, any>>).some((branch) => matchesPattern(branch, event));
    const actual = event[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return actual !== undefined && values.some((value) => expected.includes(value));
    }
    return typeof actual === 'object' && actual !== null && matchesPattern(expected, actual);
  });
}
