/**
 * A transparent HTTP proxy in front of dynalite that measures what DynamoDB would bill.
 *
 * Why a proxy: the handler under test is a sealed esbuild bundle with its own SDK, so we cannot
 * wrap its client. Pointing its `AWS_ENDPOINT_URL_DYNAMODB` here lets us see every request and
 * response unchanged in meaning, and count:
 * - write units for the table, as dynalite reports them (we add `ReturnConsumedCapacity: INDEXES`
 *   when the caller did not ask, and strip it from the reply again so the caller sees no change),
 *   cross-checked against our own computation;
 * - GSI write units and the unit a failed conditional write costs, which dynalite does not report,
 *   computed from the item before and after each write (bench/billing.ts rules). The before/after
 *   images come from consistent GetItem calls the proxy makes itself, under a per-item lock so a
 *   concurrent write to the same item cannot slip between them;
 * - read units as dynalite reports them (GetItem, Query, Scan, BatchGetItem).
 *
 * dynalite 4 does not implement TransactWriteItems/TransactGetItems: such calls pass through,
 * fail with UnknownOperationException, and are counted in `unsupported` so a report can say so.
 */
import { createServer, IncomingHttpHeaders, request, Server } from 'http';
import * as zlib from 'zlib';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { closeServer, listenOnLoopback, readBody } from './loopback-server';
import { billedWriteUnits, IndexSpec, Item, TableSpec, WriteLedger } from '../../bench/billing';

const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const READ_OPS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export interface CapacityReport {
  /** Requests per operation (as the caller sent them, retries included). */
  readonly requests: Record<string, number>;
  /** Write billing: table units, index units, failed-conditional units, per table. */
  readonly writes: ReturnType<WriteLedger['toJSON']>;
  /** Read units as dynalite reports them. */
  readonly readUnits: number;
  /** Operations dynalite does not implement (e.g. TransactWriteItems), with counts. */
  readonly unsupported: Record<string, number>;
  /** Disagreements between dynalite's table units and ours (should be 0 apart from UTF-8 sizing). */
  readonly tableUnitMismatches: number;
}

export interface CapacityProxy {
  /** Point AWS_ENDPOINT_URL_DYNAMODB (or a client's endpoint) here. */
  readonly endpoint: string;
  report(): CapacityReport;
  reset(): void;
  close(): Promise<void>;
}

interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** The minimum of a signature dynalite checks for (it does not verify it). */
function fakeAuthHeaders(op: string): Record<string, string> {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `DynamoDB_20120810.${op}`,
    'x-amz-date': date,
    'authorization': `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/${date.slice(0, 8)}/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
  };
}

function send(upstream: Upstream, path: string, headers: IncomingHttpHeaders | Record<string, string>, body: string):
Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: upstream.host,
      port: upstream.port,
      method: 'POST',
      path,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      readBody(res).then((text) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }), reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Units summed over a reply's ConsumedCapacity: one object, or one per table for the batch operations. */
function sumConsumed(reply: any, units: (c: any) => number | undefined): number {
  return [reply.ConsumedCapacity ?? []].flat().reduce((sum: number, c: any) => sum + (units(c ?? {}) ?? 0), 0);
}

/** One queue per item key: writes to the same item are measured one at a time. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  public async run<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    // Sorted, de-duplicated: two batches over the same keys always queue in the same order.
    const unique = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    for (const k of unique) {
      const prev = this.tails.get(k) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => { release = r; });
      const tail = prev.then(() => mine);
      this.tails.set(k, tail);
      releases.push(() => {
        release();
        if (this.tails.get(k) === tail) this.tails.delete(k);
      });
      await prev;
    }
    try {
      return await fn();
    } finally {
      releases.forEach((r) => r());
    }
  }
}

interface WriteTarget {
  readonly table: string;
  readonly key: Item;
  readonly transactional: boolean;
}

/** Start the proxy on 127.0.0.1 (free port), forwarding to the dynalite at `upstreamEndpoint`. */
export async function startCapacityProxy(upstreamEndpoint: string): Promise<CapacityProxy> {
  const u = new URL(upstreamEndpoint);
  const upstream: Upstream = { host: u.hostname, port: Number(u.port) };
  const specs = new Map<string, Promise<TableSpec>>();
  const lock = new KeyedLock();

  let ledger = new WriteLedger();
  let requests: Record<string, number> = {};
  let unsupported: Record<string, number> = {};
  let readUnits = 0;
  let mismatches = 0;

  const call = async (op: string, input: object): Promise<any> => {
    const r = await send(upstream, '/', fakeAuthHeaders(op), JSON.stringify(input));
    if (r.status !== 200) throw new Error(`${op} failed: ${r.body}`);
    return JSON.parse(r.body);
  };

  const tableSpec = (table: string): Promise<TableSpec> => {
    if (!specs.has(table)) {
      specs.set(table, call('DescribeTable', { TableName: table }).then(({ Table: t }) => ({
        keyAttributes: t.KeySchema.map((k: any) => k.AttributeName),
        indexes: (t.GlobalSecondaryIndexes ?? []).map((g: any): IndexSpec => ({
          name: g.IndexName,
          keyAttributes: g.KeySchema.map((k: any) => k.AttributeName),
          projection: g.Projection?.ProjectionType ?? 'KEYS_ONLY',
          nonKeyAttributes: g.Projection?.NonKeyAttributes,
        })),
      })));
    }
    return specs.get(table)!;
  };

  const keyOf = async (table: string, item: Item): Promise<Item> => {
    const spec = await tableSpec(table);
    return Object.fromEntries(spec.keyAttributes.map((k) => [k, item[k]]));
  };

  const getItem = async (t: WriteTarget): Promise<Item | undefined> =>
    (await call('GetItem', { TableName: t.table, Key: t.key, ConsistentRead: true })).Item;

  /** The items a write request touches. */
  const targetsOf = async (op: string, input: any): Promise<WriteTarget[]> => {
    switch (op) {
      case 'PutItem': return [{ table: input.TableName, key: await keyOf(input.TableName, input.Item), transactional: false }];
      case 'UpdateItem':
      case 'DeleteItem': return [{ table: input.TableName, key: input.Key, transactional: false }];
      case 'BatchWriteItem': {
        const out: WriteTarget[] = [];
        for (const [table, reqs] of Object.entries<any[]>(input.RequestItems ?? {})) {
          for (const r of reqs) {
            out.push({ table, key: r.PutRequest ? await keyOf(table, r.PutRequest.Item) : r.DeleteRequest.Key, transactional: false });
          }
        }
        return out;
      }
      case 'TransactWriteItems': {
        const out: WriteTarget[] = [];
        for (const a of input.TransactItems ?? []) {
          const [kind, body] = Object.entries<any>(a)[0];
          out.push({ table: body.TableName, key: kind === 'Put' ? await keyOf(body.TableName, body.Item) : body.Key, transactional: true });
        }
        return out;
      }
      default: return [];
    }
  };

  type Forwarded = Awaited<ReturnType<typeof send>>;
  const measureWrite = async (op: string, input: any, forward: () => Promise<Forwarded>): Promise<Forwarded> => {
    const targets = await targetsOf(op, input);
    const lockKeys = targets.map((t) => `${t.table}|${JSON.stringify(t.key)}`);
    return lock.run(lockKeys, async () => {
      const before = await Promise.all(targets.map(getItem));
      const res = await forward();
      const parsed = res.body ? JSON.parse(res.body) : {};
      const errorType: string = parsed.__type ?? '';
      if (res.status !== 200 && !errorType.endsWith('ConditionalCheckFailedException')) {
        if (errorType.endsWith('UnknownOperationException')) unsupported[op] = (unsupported[op] ?? 0) + 1;
        return res; // validation or server errors are not billed
      }
      const failed = res.status !== 200;
      const after = failed ? before : await Promise.all(targets.map(getItem));
      let ours = 0;
      for (let i = 0; i < targets.length; i++) {
        const bill = billedWriteUnits(await tableSpec(targets[i].table), before[i], after[i], {
          conditionFailed: failed,
          transactional: targets[i].transactional,
        });
        ledger.add(targets[i].table, bill, failed);
        ours += bill.table;
      }
      if (!failed) {
        const reported = sumConsumed(parsed, (c) => c.Table?.CapacityUnits ?? c.CapacityUnits);
        ledger.reportedTableUnits += reported;
        // dynalite sizes strings in UTF-16 units, we in UTF-8: only non-ASCII data may differ.
        if (reported !== ours) mismatches += 1;
      }
      return res;
    });
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      requests[op] = (requests[op] ?? 0) + 1;
      let input: any;
      try {
        input = raw ? JSON.parse(raw) : undefined;
      } catch {
        input = undefined;
      }
      const measured = input && (WRITE_OPS.has(op) || READ_OPS.has(op));
      const callerAsked = input?.ReturnConsumedCapacity;
      let body = raw;
      if (measured && !callerAsked) body = JSON.stringify({ ...input, ReturnConsumedCapacity: WRITE_OPS.has(op) ? 'INDEXES' : 'TOTAL' });

      const headers = { ...req.headers };
      delete headers['content-length'];
      const forward = () => send(upstream, req.url ?? '/', headers, body);
      const result = measured && WRITE_OPS.has(op) ? await measureWrite(op, input, forward) : await forward();

      let outBody = result.body;
      if (measured && result.status === 200) {
        const parsed = JSON.parse(result.body);
        if (READ_OPS.has(op)) {
          readUnits += sumConsumed(parsed, (c) => c.CapacityUnits);
        }
        if (!callerAsked) {
          delete parsed.ConsumedCapacity;
          outBody = JSON.stringify(parsed);
        }
      }
      const outHeaders = { ...result.headers };
      delete outHeaders['content-length'];
      delete outHeaders['transfer-encoding'];
      if (outBody !== result.body) {
        // Keep DynamoDB's body checksum true for the altered body.
        const crc = (zlib as any).crc32;
        if (typeof crc === 'function') outHeaders['x-amz-crc32'] = String(crc(outBody));
        else delete outHeaders['x-amz-crc32'];
      }
      res.writeHead(result.status, { ...outHeaders, 'content-length': Buffer.byteLength(outBody) });
      res.end(outBody);
    }).catch((e) => {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `capacity proxy: ${e}` }));
    });
  });
  const endpoint = await listenOnLoopback(server);

  return {
    endpoint,
    report: () => ({
      requests: { ...requests },
      writes: ledger.toJSON(),
      readUnits,
      unsupported: { ...unsupported },
      tableUnitMismatches: mismatches,
    }),
    reset: () => {
      ledger = new WriteLedger();
      requests = {};
      unsupported = {};
      readUnits = 0;
      mismatches = 0;
    },
    close: () => closeServer(server),
  };
}
