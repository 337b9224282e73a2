import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { policyApps } from './policy-apps';

// A resource's logical id is its identity to CloudFormation: an id that changes replaces the resource (a table, a
// bucket, a key with its data). The pinned list is every logical id, with its type, of every stack of the apps the
// policy tests check; it is written only by `npm run pin:logical-ids`, on purpose, and reviewed like an API change.

/** The pinned file, committed beside the tests. */
export const PINNED_LOGICAL_IDS_FILE = path.join(__dirname, '..', 'pinned', 'logical-ids.json');

/** App name → stack name → logical id → resource type, each level sorted. */
export type LogicalIds = Record<string, Record<string, Record<string, string>>>;

const sorted = <T>(entries: [string, T][]): Record<string, T> =>
  Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Synthesize every policy app into a scratch folder and list its logical ids. */
export function currentLogicalIds(): LogicalIds {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'logical-ids-'));
  try {
    return sorted(Object.entries(policyApps(outdir)).map(([name, app]) => [name, sorted(app.synth().stacks.map((stack) =>
      [stack.stackName, sorted(Object.entries(stack.template.Resources ?? {}).map(([id, r]) => [id, (r as { Type: string }).Type]))]))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function pinnedLogicalIds(): LogicalIds {
  return JSON.parse(fs.readFileSync(PINNED_LOGICAL_IDS_FILE, 'utf8'));
}

/** What moved between the pinned and the current list, one line each: `- app/stack/id (Type)`, `+ …`, `~ …`. */
export function logicalIdChanges(pinned: LogicalIds, current: LogicalIds): string[] {
  const flat = (ids: LogicalIds) => new Map(Object.entries(ids).flatMap(([app, stacks]) =>
    Object.entries(stacks).flatMap(([stack, resources]) =>
      Object.entries(resources).map(([id, type]) => [`${app}/${stack}/${id}`, type] as const))));
  const before = flat(pinned);
  const after = flat(current);
  const changes: string[] = [];
  for (const [key, type] of before) {
    if (!after.has(key)) changes.push(`- ${key} (${type}): removed, or renamed (a replacement)`);
    else if (after.get(key) !== type) changes.push(`~ ${key}: ${type} → ${after.get(key)} (a replacement)`);
  }
  for (const [key, type] of after) if (!before.has(key)) changes.push(`+ ${key} (${type}): new`);
  return changes;
}
