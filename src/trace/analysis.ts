// What a capture holds, accumulated event by event in time order (read.ts) in memory that does
// not grow with the file: counters, 1 % histograms (src/engine/histogram.ts), the few pending
// pairs (GPs in flight, work items queued, pages allocated) and per-10 ms rate bins.
import { Histogram } from '../engine/histogram.js';
import { EVENTS, USED_EVENTS, isInlineSyncFree, isPointerPageGfp } from './events.js';
import type { ReadSummary, TraceEvent } from './read.js';

const EVENT_INDEX = new Map<string, number>(USED_EVENTS.map((name, index) => [name, index]));

/** Rate bins: counts per 10 ms, from the first used event. */
export const BIN_US = 10_000;
/** A GP longer than this counts as a stall (the scenarios' default stallMinMs). */
export const STALL_MS = 200;
/** Pending pairs kept at most (a broken capture must not grow memory without bound). */
const MAX_PENDING = 1 << 20;
/** nr_records values counted exactly; larger ones share the last bucket. */
const MAX_RECORDS = 4_096;

export interface Quantiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function quantiles(histogram: Histogram): Quantiles {
  return { count: histogram.count, p50: histogram.quantile(0.5), p99: histogram.quantile(0.99), max: histogram.max, mean: histogram.mean };
}

/** Growable per-bin counts. */
class Bins {
  values = new Float64Array(1_024);
  length = 0;

  add(index: number, count: number): void {
    if (index >= this.values.length) {
      const grown = new Float64Array(Math.max(index + 1, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[index] += count;
    if (index >= this.length) this.length = index + 1;
  }
}

export class TraceAnalysis {
  firstUs = Infinity;
  lastUs = -Infinity;
  /** Per CPU, counts per event in USED_EVENTS order. */
  readonly perCpu = new Map<number, Float64Array>();

  // Grace periods: rcu_grace_period "start" and "end" paired by gp_seq.
  readonly gpLengthsMs = new Histogram();
  readonly gpNormalMs = new Histogram();
  gpStalls = 0;
  gpStallMinMs = Infinity;
  gpStallMaxMs = 0;
  gpUnpaired = 0;
  /** Start times by gp_seq, per RCU flavor. */
  private readonly gpStarts = new Map<string, Map<number, number>>();

  // Objects freed: per pointer page (bulk), via rcu_head (one by one), inline after synchronize_rcu().
  readonly recordsPerPage = new Float64Array(MAX_RECORDS + 1);
  readonly recordsHistogram = new Histogram();
  bulkPages = 0;
  bulkRecords = 0;
  rcuHeadObjects = 0;
  inlineSyncObjects = 0;
  calls = 0;
  readonly freedBins = new Bins();
  readonly callBins = new Bins();
  readonly cpusFreeing = new Set<number>();
  readonly cpusCalling = new Set<number>();

  // Work items: workqueue_queue_work → workqueue_execute_start, paired by work struct pointer.
  readonly wakeUs = new Map<string, Histogram>();
  wakeUnpaired = 0;
  private readonly queued = new Map<string, { timeUs: number; workqueue: string }>();

  // Pages: pointer pages (kvfree_rcu's GFP flags) and every other order-0 allocation.
  pointerPages = 0;
  pointerPageFrees = 0;
  otherAllocs = 0;
  otherAtomicAllocs = 0;
  otherFrees = 0;
  readonly otherLifetimeMs = new Histogram();
  private readonly otherAllocAt = new Map<number, number>();

  add(event: TraceEvent): void {
    if (this.firstUs === Infinity) this.firstUs = event.timeUs;
    if (event.timeUs > this.lastUs) this.lastUs = event.timeUs;
    let counts = this.perCpu.get(event.cpu);
    if (!counts) this.perCpu.set(event.cpu, (counts = new Float64Array(USED_EVENTS.length)));
    counts[EVENT_INDEX.get(event.event)!]++;
    const bin = Math.max(0, Math.floor((event.timeUs - this.firstUs) / BIN_US));
    switch (event.event) {
      case EVENTS.gracePeriod:
        this.gracePeriod(event);
        break;
      case EVENTS.invokeBulk:
        this.bulkPages++;
        this.bulkRecords += event.value;
        this.recordsPerPage[Math.min(MAX_RECORDS, event.value)]++;
        this.recordsHistogram.add(event.value);
        this.freed(event.cpu, bin, event.value);
        break;
      case EVENTS.invokeKvfree:
        this.rcuHeadObjects++;
        this.freed(event.cpu, bin, 1);
        break;
      case EVENTS.kfree:
      case EVENTS.kmemCacheFree:
        if (isInlineSyncFree(event.text)) {
          this.inlineSyncObjects++;
          this.freed(event.cpu, bin, 1);
        }
        break;
      case EVENTS.kvfreeCallback:
        this.calls++;
        this.callBins.add(bin, 1);
        this.cpusCalling.add(event.cpu);
        break;
      case EVENTS.queueWork:
        if (this.queued.size < MAX_PENDING) this.queued.set(event.text, { timeUs: event.timeUs, workqueue: event.detail });
        break;
      case EVENTS.executeStart:
        this.workStarted(event);
        break;
      case EVENTS.pageAlloc:
        this.pageAlloc(event);
        break;
      case EVENTS.pageFree:
        this.pageFree(event);
        break;
      default:
        break;
    }
  }

  private freed(cpu: number, bin: number, objects: number): void {
    this.freedBins.add(bin, objects);
    this.cpusFreeing.add(cpu);
  }

  private gracePeriod(event: TraceEvent): void {
    let starts = this.gpStarts.get(event.detail);
    if (!starts) this.gpStarts.set(event.detail, (starts = new Map()));
    if (event.text === 'start') {
      if (starts.size < MAX_PENDING) starts.set(event.value, event.timeUs);
      return;
    }
    if (event.text !== 'end') return;
    const start = starts.get(event.value);
    if (start === undefined) {
      this.gpUnpaired++;
      return;
    }
    starts.delete(event.value);
    const lengthMs = (event.timeUs - start) / 1000;
    this.gpLengthsMs.add(lengthMs);
    if (lengthMs > STALL_MS) {
      this.gpStalls++;
      this.gpStallMinMs = Math.min(this.gpStallMinMs, lengthMs);
      this.gpStallMaxMs = Math.max(this.gpStallMaxMs, lengthMs);
    } else this.gpNormalMs.add(lengthMs);
  }

  private workStarted(event: TraceEvent): void {
    const queued = this.queued.get(event.text);
    if (!queued) {
      this.wakeUnpaired++;
      return;
    }
    this.queued.delete(event.text);
    let histogram = this.wakeUs.get(queued.workqueue);
    if (!histogram) this.wakeUs.set(queued.workqueue, (histogram = new Histogram()));
    histogram.add(event.timeUs - queued.timeUs);
  }

  private pageAlloc(event: TraceEvent): void {
    if (event.order !== 0) return;
    if (isPointerPageGfp(event.text)) {
      this.pointerPages++;
      return;
    }
    this.otherAllocs++;
    if (event.text.includes('GFP_ATOMIC')) this.otherAtomicAllocs++;
    if (this.otherAllocAt.size < MAX_PENDING) this.otherAllocAt.set(event.value, event.timeUs);
  }

  private pageFree(event: TraceEvent): void {
    if (event.order !== 0) return;
    const allocatedAt = this.otherAllocAt.get(event.value);
    if (allocatedAt === undefined) {
      // Freed without a traced allocation: a pointer page (rcupool's traces) or one allocated before the capture.
      this.pointerPageFrees++;
      return;
    }
    this.otherAllocAt.delete(event.value);
    this.otherFrees++;
    this.otherLifetimeMs.add((event.timeUs - allocatedAt) / 1000);
  }

  /** Objects freed that kvfree_rcu() was handed: in pages, via rcu_head, inline. */
  get objectsFreed(): number {
    return this.bulkRecords + this.rcuHeadObjects + this.inlineSyncObjects;
  }

  get spanUs(): number {
    return this.lastUs > this.firstUs ? this.lastUs - this.firstUs : 0;
  }
}

/** The figures of a capture, as `trace stats --json` prints them. */
export interface TraceStats {
  file: string;
  format: { style: 'ftrace' | 'trace-cmd' | 'unknown'; irqFlags: boolean };
  lines: { total: number; header: number; usedEvents: number; otherEvents: number; skipped: number; firstSkipped: { line: number; text: string } | null; late: number };
  cpus: { declared: number | null; seen: number };
  spanMs: number;
  /** The names the simulator's metrics use (docs/json.md), where a capture shows the same thing. */
  metrics: {
    calls: number;
    pagesAllocated: number;
    failures: { rcuHead: number; syncInline: number };
    gp: { count: number };
  };
  kvfreeRcu: { objectsFreed: number; bulkPages: number; bulkRecords: number; rcuHeadObjects: number; inlineSyncObjects: number; callsTraced: number };
  pageFill: { pages: number; mean: number; p10: number; p50: number; p90: number; min: number; max: number; buckets: Array<{ from: number; to: number; pages: number }> };
  gracePeriodsMs: Quantiles & { stalls: number; stallOverMs: number; unpaired: number };
  wakeUpUs: Record<string, Quantiles>;
  wakeUnpaired: number;
  pages: { pointerPages: number; pointerPageFrees: number; otherAllocs: number; otherAtomicAllocs: number; otherFrees: number; otherLifetimeMs: Quantiles };
  perCpu: Array<{ cpu: number; events: Record<string, number> }>;
}

/** The n-th smallest nr_records (1-based rank). */
function recordsAtRank(counts: Float64Array, rank: number): number {
  let seen = 0;
  for (let records = 0; records < counts.length; records++) {
    seen += counts[records]!;
    if (seen >= rank) return records;
  }
  return 0;
}

function pageFill(analysis: TraceAnalysis): TraceStats['pageFill'] {
  const counts = analysis.recordsPerPage;
  const pages = analysis.bulkPages;
  const at = (q: number) => (pages === 0 ? 0 : recordsAtRank(counts, Math.max(1, Math.ceil(q * pages))));
  const max = pages === 0 ? 0 : analysis.recordsHistogram.max;
  // Eight equal buckets up to the largest page seen, so a 507- and a 510-pointer kernel both fill them.
  const top = Math.max(8, max);
  const buckets: TraceStats['pageFill']['buckets'] = [];
  for (let index = 0; index < 8; index++) {
    const from = index === 0 ? 1 : Math.floor((index * top) / 8) + 1;
    const to = Math.floor(((index + 1) * top) / 8);
    let inBucket = 0;
    for (let records = from; records <= Math.min(to, counts.length - 1); records++) inBucket += counts[records]!;
    buckets.push({ from, to, pages: inBucket });
  }
  return { pages, mean: pages === 0 ? 0 : analysis.bulkRecords / pages, p10: at(0.1), p50: at(0.5), p90: at(0.9), min: at(0), max, buckets };
}

export function traceStats(file: string, read: ReadSummary, analysis: TraceAnalysis): TraceStats {
  const perCpu = [...analysis.perCpu.entries()]
    .sort(([a], [b]) => a - b)
    .map(([cpu, counts]) => ({ cpu, events: Object.fromEntries(USED_EVENTS.map((name, index) => [name, counts[index]!] as const).filter(([, count]) => count > 0)) }));
  const wakeUpUs: Record<string, Quantiles> = {};
  for (const name of [...analysis.wakeUs.keys()].sort()) wakeUpUs[name] = quantiles(analysis.wakeUs.get(name)!);
  const seen = perCpu.length === 0 ? 0 : perCpu[perCpu.length - 1]!.cpu + 1;
  return {
    file,
    format: { style: read.header.style ?? 'unknown', irqFlags: read.header.irqFlags ?? false },
    lines: {
      total: read.lines,
      header: read.headerLines,
      usedEvents: read.usedEvents,
      otherEvents: read.otherEvents,
      skipped: read.skipped,
      firstSkipped: read.firstSkipped ?? null,
      late: read.lateEvents,
    },
    cpus: { declared: read.header.cpus ?? null, seen },
    spanMs: analysis.spanUs / 1000,
    metrics: {
      calls: analysis.calls > 0 && analysis.calls >= analysis.objectsFreed ? analysis.calls : analysis.objectsFreed,
      pagesAllocated: analysis.pointerPages,
      failures: { rcuHead: analysis.rcuHeadObjects, syncInline: analysis.inlineSyncObjects },
      gp: { count: analysis.gpLengthsMs.count },
    },
    kvfreeRcu: {
      objectsFreed: analysis.objectsFreed,
      bulkPages: analysis.bulkPages,
      bulkRecords: analysis.bulkRecords,
      rcuHeadObjects: analysis.rcuHeadObjects,
      inlineSyncObjects: analysis.inlineSyncObjects,
      callsTraced: analysis.calls,
    },
    pageFill: pageFill(analysis),
    gracePeriodsMs: { ...quantiles(analysis.gpLengthsMs), stalls: analysis.gpStalls, stallOverMs: STALL_MS, unpaired: analysis.gpUnpaired },
    wakeUpUs,
    wakeUnpaired: analysis.wakeUnpaired,
    pages: {
      pointerPages: analysis.pointerPages,
      pointerPageFrees: analysis.pointerPageFrees,
      otherAllocs: analysis.otherAllocs,
      otherAtomicAllocs: analysis.otherAtomicAllocs,
      otherFrees: analysis.otherFrees,
      otherLifetimeMs: quantiles(analysis.otherLifetimeMs),
    },
    perCpu,
  };
}
