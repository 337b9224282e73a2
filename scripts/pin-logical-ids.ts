import * as fs from 'fs';
import { currentLogicalIds, logicalIdChanges, pinnedLogicalIds, PINNED_LOGICAL_IDS_FILE } from '../test/support/logical-ids';

// Rewrites the pinned logical ids (test/pinned/logical-ids.json) and prints what changed: run it only when a change
// of resources is intended, and say in the change why each removed or renamed id may be replaced.
const current = currentLogicalIds();
const previous = fs.existsSync(PINNED_LOGICAL_IDS_FILE) ? pinnedLogicalIds() : {};
for (const line of logicalIdChanges(previous, current)) console.log(line);
fs.writeFileSync(PINNED_LOGICAL_IDS_FILE, `${JSON.stringify(current, undefined, 2)}\n`);
console.log(`wrote ${PINNED_LOGICAL_IDS_FILE}`);
