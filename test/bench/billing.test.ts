import { billedWriteUnits, indexWriteUnits, itemSize, numberSize, TableSpec, valueSize, writeUnitsForBytes } from '../../bench/billing';

// The contract's compliance table (docs/design/runtime-contract.md): sparse GSI, INCLUDE projection.
const contract: TableSpec = {
  keyAttributes: ['pk', 'sk'],
  indexes: [{
    name: 'ConfigCompliance-Index',
    keyAttributes: ['status_shard', 'status_sort'],
    projection: 'INCLUDE',
    nonKeyAttributes: ['account', 'region', 'resource_id', 'resource_type', 'config_rule_name', 'compliance_status', 'last_evaluated'],
  }],
};

// The naive baseline (bench/baseline.ts): one partition, GSI hashed on the status alone, projection ALL.
const seed: TableSpec = {
  keyAttributes: ['pk', 'sk'],
  indexes: [{ name: 'ConfigCompliance-Index', keyAttributes: ['compliance_status'], projection: 'ALL' }],
};

const s = (v: string) => ({ S: v });
const n = (v: string) => ({ N: v });

describe('item size', () => {
  test('strings count UTF-8 bytes, names included', () => {
    expect(itemSize({ pk: s('abc') })).toBe(5);
    expect(itemSize({ pk: s('é') })).toBe(4); // 2 + 2 bytes, not 2 + 1 UTF-16 unit
  });

  test('numbers count 1 byte per two significant digits plus 1', () => {
    expect(numberSize('12345')).toBe(4);
    expect(numberSize('0')).toBe(1);
    expect(numberSize('1000')).toBe(2); // trailing zeros are not significant
    expect(numberSize('-0.00120')).toBe(2);
    expect(numberSize('1700000000')).toBe(2);
    expect(numberSize('1700000000123')).toBe(8);
  });

  test('maps and lists carry 3 bytes plus 1 per element', () => {
    expect(valueSize({ M: { a: s('x') } })).toBe(3 + 1 + 1 + 1);
    expect(valueSize({ L: [s('ab'), { BOOL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(valueSize({ M: {} })).toBe(3);
  });

  test('binary counts decoded bytes', () => {
    expect(valueSize({ B: Buffer.from('hello').toString('base64') })).toBe(5);
    expect(valueSize({ B: new Uint8Array(7) })).toBe(7);
  });

  test('write units: 1 per started KB, at least 1', () => {
    expect(writeUnitsForBytes(0)).toBe(1);
    expect(writeUnitsForBytes(1024)).toBe(1);
    expect(writeUnitsForBytes(1025)).toBe(2);
  });
});

describe('index writes', () => {
  const base = {
    pk: s('111122223333#us-east-1#AWS::S3::Bucket#b1'),
    sk: s('RULE#s3-public-read'),
    account: s('111122223333'),
    region: s('us-east-1'),
    resource_id: s('b1'),
    resource_type: s('AWS::S3::Bucket'),
    config_rule_name: s('s3-public-read'),
    last_evaluated: n('1700000000'),
    compliance_details: s('{"annotation":null}'),
  };
  const compliant = { ...base, compliance_status: s('COMPLIANT'), status_shard: s('COMPLIANT#03'), status_sort: s('AWS::S3::Bucket#…') };
  const nonCompliant = { ...compliant, compliance_status: s('NON_COMPLIANT'), status_shard: s('NON_COMPLIANT#03') };
  const idx = contract.indexes[0];

  test('a new item entering the index costs 1 index write', () => {
    expect(indexWriteUnits(contract, idx, undefined, compliant)).toBe(1);
    expect(billedWriteUnits(contract, undefined, compliant)).toEqual({ table: 1, indexes: { 'ConfigCompliance-Index': 1 }, total: 2 });
  });

  test('a changed index key costs 2 index writes', () => {
    expect(billedWriteUnits(contract, compliant, nonCompliant).total).toBe(1 + 2);
  });

  test('an unchanged projection costs no index write', () => {
    expect(billedWriteUnits(contract, compliant, { ...compliant }).total).toBe(1);
  });

  test('changing only an attribute the index does not project costs no index write', () => {
    expect(billedWriteUnits(contract, compliant, { ...compliant, compliance_details: s('{"annotation":"x"}') }).total).toBe(1);
  });

  test('changing a projected non-key attribute costs 1 index write', () => {
    expect(billedWriteUnits(contract, compliant, { ...compliant, last_evaluated: n('1700000100') }).total).toBe(2);
  });

  test('an item without the index key is not in the sparse index', () => {
    const marker = { pk: base.pk, sk: s('RESOURCE'), deleted_at_ms: n('1700000000000') };
    expect(billedWriteUnits(contract, undefined, marker).total).toBe(1);
  });

  test('an item leaving the index (deleted) costs 1 index write', () => {
    expect(billedWriteUnits(contract, compliant, undefined).total).toBe(2);
  });

  test('index writes are sized by the projected entry, not the item', () => {
    const big = { ...compliant, compliance_details: s('x'.repeat(3000)) };
    expect(billedWriteUnits(contract, undefined, big)).toEqual({ table: 4, indexes: { 'ConfigCompliance-Index': 1 }, total: 5 });
    // Projection ALL copies the whole item: the naive baseline pays for its full-event items twice.
    const seedItem = { pk: s('CONFIG_COMPLIANCE'), sk: s('b1#rule'), compliance_status: s('COMPLIANT'), event: s('x'.repeat(1500)) };
    expect(billedWriteUnits(seed, undefined, seedItem)).toEqual({ table: 2, indexes: { 'ConfigCompliance-Index': 2 }, total: 4 });
    expect(billedWriteUnits(seed, seedItem, { ...seedItem, compliance_status: s('NON_COMPLIANT') }).total).toBe(2 + 2 + 2);
  });

  test('table units use the larger of the before and after images', () => {
    const big = { ...compliant, compliance_details: s('x'.repeat(3000)) };
    expect(billedWriteUnits(contract, big, compliant).table).toBe(4);
  });
});

describe('failed conditions and transactions', () => {
  test('a failed conditional write on a missing item costs 1 unit, no index writes', () => {
    expect(billedWriteUnits(contract, undefined, undefined, { conditionFailed: true })).toEqual({ table: 1, indexes: {}, total: 1 });
  });

  test('a failed conditional write is billed the size of the existing item', () => {
    const existing = { pk: s('a'), sk: s('b'), blob: s('x'.repeat(2500)) };
    expect(billedWriteUnits(contract, existing, { ...existing, blob: s('y') }, { conditionFailed: true }).total).toBe(3);
  });

  test('a delete of a missing item still costs 1 unit', () => {
    expect(billedWriteUnits(contract, undefined, undefined).total).toBe(1);
  });

  test('transaction actions cost double, indexes included', () => {
    const item = { pk: s('a'), sk: s('b'), status_shard: s('COMPLIANT#01'), status_sort: s('x') };
    expect(billedWriteUnits(contract, undefined, item, { transactional: true })).toEqual({ table: 2, indexes: { 'ConfigCompliance-Index': 2 }, total: 4 });
  });
});
