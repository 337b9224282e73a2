/**
 * Independent instances of a handler bundle, each with its own module scope (caches, SDK clients) and its own
 * simulated clock, as separate Lambda containers would have.
 *
 * How: the bundle's source is compiled once into a function of the CommonJS wrapper's parameters plus `Date`, and
 * that function is called once per instance with a fresh `module`/`exports` and a `Date` of the instance's own.
 * Inside the bundle every free reference to `Date` (new Date(), Date.now, a `Date.now` kept as a default clock)
 * then reads the simulated instant; this process's real Date, timers, and the local stand-ins (dynalite, the
 * proxy) are untouched. The instance's clock is set to the simulated instant at each invocation's start and runs
 * at real speed from there. Not faked: `performance.now()` and `process.hrtime` (durations, not instants).
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vm from 'vm';
import { Handler } from '../demo/local/lambda-runner';

/** A settable clock: `set(simMs)` makes `now()` return simMs, advancing in real time from there. */
export class SimulatedClock {
  private baseMs: number;
  private realAt = performance.now();

  constructor(startMs: number) {
    this.baseMs = startMs;
  }

  public set(simMs: number): void {
    this.baseMs = simMs;
    this.realAt = performance.now();
  }

  public now(): number {
    return Math.floor(this.baseMs + (performance.now() - this.realAt));
  }
}

/** A `Date` whose current instant is the clock's; everything else (parse, UTC, arithmetic, instanceof) as Date. */
export function simulatedDate(clock: SimulatedClock): DateConstructor {
  const Real = Date;
  class SimDate extends Real {
    public static now(): number {
      return clock.now();
    }

    public static [Symbol.hasInstance](v: unknown): boolean {
      return v instanceof Real;
    }

    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [number]));
    }
  }
  // `Date()` without `new` returns the current instant as a string.
  return new Proxy(SimDate, { apply: () => new Real(clock.now()).toString() }) as unknown as DateConstructor;
}

export interface HandlerInstance {
  readonly id: number;
  readonly handler: Handler;
  readonly clock: SimulatedClock;
  /** Module initialisation time here, ms (the cold start's init part). */
  readonly loadMs: number;
}

type Wrapper = (exports: unknown, require: NodeRequire, module: { exports: any }, filename: string, dirname: string, date: DateConstructor) => void;

/** Compiles a bundle once; `create()` then makes fresh instances of it. The environment must already be set. */
export class HandlerFactory {
  public readonly file: string;
  private readonly wrapper: Wrapper;
  private readonly requireFn: NodeRequire;
  private count = 0;

  constructor(file: string, private readonly exportName = 'handler') {
    this.file = path.resolve(file);
    const source = fs.readFileSync(this.file, 'utf8').replace(/^#!.*/, '');
    // One line of prefix, no newline: the bundle's line numbers (and a profile's positions) stay as they are.
    this.wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname, Date) {${source}\n})`, { filename: this.file });
    this.requireFn = createRequire(this.file);
  }

  public create(startMs: number): HandlerInstance {
    const clock = new SimulatedClock(startMs);
    const mod = { exports: {} as Record<string, unknown> };
    const t0 = performance.now();
    this.wrapper.call(mod.exports, mod.exports, this.requireFn, mod, this.file, path.dirname(this.file), simulatedDate(clock));
    const loadMs = performance.now() - t0;
    const handler = mod.exports[this.exportName];
    if (typeof handler !== 'function') throw new Error(`${this.file} exports no function '${this.exportName}'`);
    return { id: this.count++, handler: handler as Handler, clock, loadMs };
  }
}
