/**
 * The size DynamoDB bills an item by ("Item sizes and formats" in the DynamoDB Developer Guide): each attribute's
 * name and value in UTF-8 bytes; a number about one byte per two significant digits plus one; a map or list three
 * bytes plus one per element. Used to keep compliance items under the 1 KB of one write unit.
 */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  return Object.entries(item).reduce((sum, [name, value]) => (value === undefined ? sum : sum + utf8(name) + valueBytes(value)), 0);
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return 3 + entries.reduce((sum, [name, v]) => sum + 1 + utf8(name) + valueBytes(v), 0);
  }
  return 0;
}

function numberBytes(n: number): number {
  const digits = String(Math.abs(n)).replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length === 0 ? 1 : Math.ceil(digits.length / 2) + 1;
}

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
