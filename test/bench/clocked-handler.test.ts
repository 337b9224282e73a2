import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HandlerFactory } from '../../bench/clocked-handler';

// A stand-in bundle: module state, a clock kept at module load (as AccountActivityRecorder keeps `Date.now`), and a require.
const BUNDLE = `"use strict";
const os = require("os");
let calls = 0;
const kept = Date.now;
const loadedAt = new Date().getTime();
exports.handler = async () => ({ calls: ++calls, now: Date.now(), kept: kept(), iso: new Date().toISOString(), parsed: new Date(0).getTime(),
  isDate: new Date() instanceof Date, text: Date(), loadedAt, host: typeof os.hostname() });
`;

describe('clocked handler instances', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clocked-'));
  const file = path.join(dir, 'index.js');
  fs.writeFileSync(file, BUNDLE);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('each instance has its own module scope and sees its own simulated instant; the real clock is untouched', async () => {
    const factory = new HandlerFactory(file);
    const t0 = Date.parse('2001-02-03T04:05:06.000Z');
    const a = factory.create(t0);
    const b = factory.create(t0 + 3_600_000);
    a.clock.set(t0 + 60_000);
    const ra: any = await a.handler({}, {});
    const ra2: any = await a.handler({}, {});
    const rb: any = await b.handler({}, {});
    expect([ra.calls, ra2.calls, rb.calls]).toEqual([1, 2, 1]);
    expect(ra.now - (t0 + 60_000)).toBeGreaterThanOrEqual(0);
    expect(ra.now - (t0 + 60_000)).toBeLessThan(1_000);
    expect(ra.kept - (t0 + 60_000)).toBeLessThan(1_000);
    expect(ra.iso.startsWith('2001-02-03T04:06')).toBe(true);
    expect(ra.text).toContain('2001');
    expect(ra.loadedAt - t0).toBeLessThan(1_000);
    expect(rb.now - (t0 + 3_600_000)).toBeLessThan(1_000);
    expect(ra.parsed).toBe(0);
    expect(ra.isDate).toBe(true);
    expect(ra.host).toBe('string');
    expect(Math.abs(Date.now() - t0)).toBeGreaterThan(365 * 86_400_000);
  });
});
