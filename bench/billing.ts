/**
 * DynamoDB write billing, computed from item images the way DynamoDB bills it.
 *
 * Why this exists: dynalite reports the table's write units in `ConsumedCapacity`, but neither the
 * writes a global secondary index costs nor the unit a failed conditional write costs. Both matter
 * for this project: the naive baseline's GSI hashed on `compliance_status` with projection ALL doubles (or
 * triples, on a status change) the bill of every compliance write, and the pipeline's newest-wins
 * rule is built on conditional writes that are expected to fail often (duplicates, stale events).
 *
 * Everything here is pure (item images in, units out) so it can be unit-tested and shared by the
 * naive baseline (bench/baseline.ts) and the capacity proxy in front of dynalite
 * (demo/local/capacity-proxy.ts), which then count by the same rules.
 *
 * Rules (Amazon DynamoDB Developer Guide: "Item sizes and formats", "Capacity unit consumption for
 * write operations", "Provisioned throughput considerations for Global Secondary Indexes"):
 * - A write costs 1 unit per started KB of the larger of the item's before and after images.
 * - A GSI write: 1 when an item enters or leaves the index, or when a projected attribute changes;
 *   2 when the index key changes (delete the old entry, put the new one); 0 when the item is in the
 *   index neither before nor after, or when nothing the index projects changed. Each index write is
 *   sized by the projected entry (table key + index key + projected attributes), 1 unit per started KB.
 * - A failed conditional write writes nothing but is still billed: the size of the existing item,
 *   at least 1 unit, as we read the Developer Guide's conditional-writes section (the reference notes
 *   say "1 write unit": the same whenever the item is under 1 KB, as the pipeline's are). No index writes.
 * - TransactWriteItems bills every action twice (prepare + commit), indexes included.
 */

/** A DynamoDB attribute value in the low-level wire format. */
export interface AttributeValue {
  readonly S?: string;
  readonly N?: string;
  readonly B?: string | Uint8Array;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly BS?: readonly (string | Uint8Array)[];
  readonly L?: readonly AttributeValue[];
  readonly M?: Readonly<Record<string, AttributeValue>>;
}

/** An item in the low-level wire format. */
export type Item = Readonly<Record<string, AttributeValue>>;

/** What billing needs to know about a global secondary index. */
export interface IndexSpec {
  readonly name: string;
  /** The index's partition key and, if any, sort key. */
  readonly keyAttributes: readonly string[];
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** Only for INCLUDE. */
  readonly nonKeyAttributes?: readonly string[];
}

/** What billing needs to know about a table. */
export interface TableSpec {
  /** The table's partition key and, if any, sort key. */
  readonly keyAttributes: readonly string[];
  readonly indexes: readonly IndexSpec[];
}

/** The units one write is billed, split as DynamoDB's `ConsumedCapacity` with INDEXES would split it. */
export interface WriteBill {
  readonly table: number;
  readonly indexes: Readonly<Record<string, number>>;
  readonly total: number;
}

export interface BillingOptions {
  /** The write's condition failed: nothing was written, the existing item's size is billed. */
  readonly conditionFailed?: boolean;
  /** The write was an action of TransactWriteItems: everything costs double. */
  readonly transactional?: boolean;
}

const KB = 1024;

/** Bytes of a string in UTF-8: DynamoDB sizes names and strings in UTF-8, not UTF-16 units. */
function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function binaryLength(b: string | Uint8Array): number {
  // On the wire (JSON protocol) binary is base64; once decoded by an SDK it is a Uint8Array.
  return typeof b === 'string' ? Buffer.from(b, 'base64').length : b.length;
}

/**
 * Size of a number: about 1 byte per two significant digits plus 1 byte.
 * Leading and trailing zeros are not significant; the exponent is stored apart.
 */
export function numberSize(n: string): number {
  const digits = n.trim().replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (digits.length === 0) return 1; // zero
  return Math.ceil(digits.length / 2) + 1;
}

/** Size of an attribute value, without its name. */
export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return binaryLength(v.B);
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS) return v.NS.reduce((sum, s) => sum + numberSize(s), 0);
  if (v.BS) return v.BS.reduce((sum, b) => sum + binaryLength(b), 0);
  // Lists and maps: 3 bytes of overhead, plus 1 byte per element.
  if (v.L) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueSize(e), 0);
  throw new Error(`unknown attribute value type: ${JSON.stringify(v)}`);
}

/** Size of an item as DynamoDB counts it for billing: attribute names plus values. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v), 0);
}

/** Write units for an item of this many bytes: 1 per started KB, at least 1. */
export function writeUnitsForBytes(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / KB));
}

/** The entry the index holds for this item, or undefined when the item is not in the (sparse) index. */
export function indexEntry(table: TableSpec, index: IndexSpec, item: Item | undefined): Item | undefined {
  if (!item || index.keyAttributes.some((k) => item[k] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const keep = new Set([...table.keyAttributes, ...index.keyAttributes, ...(index.nonKeyAttributes ?? [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => keep.has(name)));
}

/** Canonical text of a value, for equality: attribute order in maps and sets does not matter. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Uint8Array) return `b:${Buffer.from(v).toString('base64')}`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function sameItem(a: Item, b: Item): boolean {
  return canonical(a) === canonical(b);
}

/** Index write units for one table write, by the GSI rules above. */
export function indexWriteUnits(table: TableSpec, index: IndexSpec, before: Item | undefined, after: Item | undefined): number {
  const old = indexEntry(table, index, before);
  const neu = indexEntry(table, index, after);
  if (!old && !neu) return 0;
  if (!old) return writeUnitsForBytes(itemSize(neu!));
  if (!neu) return writeUnitsForBytes(itemSize(old));
  const keyChanged = index.keyAttributes.some((k) => canonical(old[k]) !== canonical(neu[k]));
  if (keyChanged) return writeUnitsForBytes(itemSize(old)) + writeUnitsForBytes(itemSize(neu));
  if (sameItem(old, neu)) return 0;
  return writeUnitsForBytes(Math.max(itemSize(old), itemSize(neu)));
}

/**
 * The units DynamoDB bills for one item write (PutItem, UpdateItem, DeleteItem, one BatchWriteItem
 * request, or one TransactWriteItems action), given the item before and after it.
 *
 * @param before the item as stored before the write (undefined: none)
 * @param after the item as stored after the write (undefined: deleted or never existed);
 *              ignored when the condition failed
 */
export function billedWriteUnits(table: TableSpec, before: Item | undefined, after: Item | undefined, options: BillingOptions = {}): WriteBill {
  const factor = options.transactional ? 2 : 1;
  if (options.conditionFailed) {
    const t = (before ? writeUnitsForBytes(itemSize(before)) : 1) * factor;
    return { table: t, indexes: {}, total: t };
  }
  // A delete of a missing item and a put of an item both bill at least 1 unit.
  const sizes = [before, after].filter((i): i is Item => i !== undefined).map(itemSize);
  const t = writeUnitsForBytes(Math.max(0, ...sizes)) * factor;
  const indexes: Record<string, number> = {};
  let total = t;
  for (const index of table.indexes) {
    const u = indexWriteUnits(table, index, before, after) * factor;
    if (u > 0) {
      indexes[index.name] = u;
      total += u;
    }
  }
  return { table: t, indexes, total };
}

/** Running totals of billed writes, per table and index. */
export class WriteLedger {
  public writes = 0;
  public conditionFailures = 0;
  public tableUnits = 0;
  public indexUnits = 0;
  /** Table units as dynalite itself reported them: a cross-check of `tableUnits`. */
  public reportedTableUnits = 0;
  public readonly perTable = new Map<string, { table: number; indexes: number }>();

  public add(tableName: string, bill: WriteBill, conditionFailed = false): void {
    this.writes += 1;
    if (conditionFailed) this.conditionFailures += 1;
    const idx = Object.values(bill.indexes).reduce((a, b) => a + b, 0);
    this.tableUnits += bill.table;
    this.indexUnits += idx;
    const t = this.perTable.get(tableName) ?? { table: 0, indexes: 0 };
    t.table += bill.table;
    t.indexes += idx;
    this.perTable.set(tableName, t);
  }

  public get totalUnits(): number {
    return this.tableUnits + this.indexUnits;
  }

  public toJSON() {
    return {
      writes: this.writes,
      conditionFailures: this.conditionFailures,
      tableUnits: this.tableUnits,
      indexUnits: this.indexUnits,
      totalUnits: this.totalUnits,
      reportedTableUnits: this.reportedTableUnits,
      perTable: Object.fromEntries(this.perTable),
    };
  }
}
