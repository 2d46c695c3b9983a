// Captures written by hand in the kernel's event formats (test/fixtures/traces/): what
// `trace stats` reads from them — both tools' headers, a CPU that appears late, lines
// unordered across CPUs, a capture cut mid-line, and one with no usable events.
import { describe, expect, it } from 'vitest';
import { readCapture } from '../src/trace/capture.js';
import { TraceFileError, skippedText } from '../src/trace/read.js';

const fixture = (name: string) => `test/fixtures/traces/${name}`;

describe('a kernel trace file with the irq-flags column', async () => {
  const { stats, read } = await readCapture(fixture('ftrace-irq.txt'));

  it('reads the header: style, irq flags, CPU count', () => {
    expect(stats.format).toEqual({ style: 'ftrace', irqFlags: true });
    expect(stats.cpus).toEqual({ declared: 4, seen: 4 });
  });

  it('pairs rcu_grace_period start/end by gp_seq, counts the stall and the end without a start', () => {
    expect(stats.metrics.gp.count).toBe(3);
    expect(stats.gracePeriodsMs.stalls).toBe(1);
    expect(stats.gracePeriodsMs.unpaired).toBe(1);
    expect(stats.gracePeriodsMs.max).toBeCloseTo(230, 6);
  });

  it('counts objects freed per pointer page, via rcu_head and inline after synchronize_rcu()', () => {
    expect(stats.pageFill).toMatchObject({ pages: 4, min: 7, max: 510, p50: 123 });
    expect(stats.kvfreeRcu).toMatchObject({ bulkRecords: 1_150, rcuHeadObjects: 2, inlineSyncObjects: 1, objectsFreed: 1_153 });
    // kfree() from kvfree_rcu_list() follows rcu_invoke_kvfree_callback: not counted twice.
    expect(stats.metrics.calls).toBe(1_153);
  });

  it('measures wake-ups per workqueue from queue_work to execute_start', () => {
    expect(stats.wakeUpUs['events']).toMatchObject({ count: 1, max: 50 });
    expect(stats.wakeUpUs['events_highpri']).toMatchObject({ count: 1, max: 30 });
  });

  it('tells pointer pages (kvfree_rcu\'s GFP flags) from other order-0 allocations, and ignores higher orders', () => {
    expect(stats.pages).toMatchObject({ pointerPages: 1, otherAllocs: 1, otherAtomicAllocs: 1, otherFrees: 1 });
    expect(stats.pages.otherLifetimeMs.max).toBeCloseTo(10.5, 6);
  });

  it('counts a CPU whose first event comes last, and events per CPU', () => {
    const cpu3 = stats.perCpu.find((row) => row.cpu === 3);
    expect(cpu3?.events).toEqual({ rcu_invoke_kfree_bulk_callback: 1 });
    expect(stats.perCpu.find((row) => row.cpu === 1)?.events['rcu_grace_period']).toBe(6);
  });

  it('skips the malformed line, counts it and quotes the first one with its line number', () => {
    expect(read.skipped).toBe(1);
    expect(skippedText(read)).toBe('1 line skipped (not ftrace event lines in a known format), first at line 32: this line is not from ftrace at all');
    expect(read.otherEvents).toBe(1); // sched_switch: a good line rcupool has no use for
  });
});

describe('trace-cmd report output, per-CPU blocks out of time order', async () => {
  const { stats } = await readCapture(fixture('trace-cmd.txt'));

  it('reads trace-cmd\'s header and the CPU count it declares', () => {
    expect(stats.format.style).toBe('trace-cmd');
    expect(stats.cpus).toEqual({ declared: 4, seen: 2 });
  });

  it('puts the lines back in time order before pairing: GP end before its start, execute_start before queue_work', () => {
    expect(stats.metrics.gp.count).toBe(1);
    expect(stats.gracePeriodsMs.max).toBeCloseTo(5, 6);
    expect(stats.wakeUpUs['events']).toMatchObject({ count: 2, max: 80 });
    expect(stats.wakeUnpaired).toBe(0);
    expect(stats.lines.late).toBe(0);
  });
});

describe('a kernel trace file without the irq-flags column', async () => {
  const { stats } = await readCapture(fixture('ftrace-noirq.txt'));

  it('reads the lines, the tgid column and the older decimal pfn', () => {
    expect(stats.format).toEqual({ style: 'ftrace', irqFlags: false });
    expect(stats.lines.usedEvents).toBe(5);
    expect(stats.kvfreeRcu.callsTraced).toBe(2);
    expect(stats.pages).toMatchObject({ otherAllocs: 1, otherFrees: 1 });
  });

  it('counts calls from freed objects when rcu_kvfree_callback does not account for them all', () => {
    expect(stats.metrics.calls).toBe(507);
  });
});

describe('broken captures', () => {
  it('a capture cut mid-line: the cut line is skipped and quoted, the rest is read', async () => {
    const { stats, read } = await readCapture(fixture('cut.txt'));
    expect(stats.metrics.gp.count).toBe(1);
    expect(read.skipped).toBe(1);
    expect(read.firstSkipped?.line).toBe(4);
    expect(read.firstSkipped?.text).toMatch(/nr_records|bul$/);
  });

  it('no usable events: an error naming every event looked for', async () => {
    const error = await readCapture(fixture('no-events.txt')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TraceFileError);
    expect((error as Error).message).toMatch(/no usable events: looked for rcu_grace_period, rcu_kvfree_callback, .*mm_page_alloc, mm_page_free, kfree, kmem_cache_free; found 8 lines/);
  });

  it('a missing file: an error naming it', async () => {
    await expect(readCapture(fixture('missing.txt'))).rejects.toThrow(/missing\.txt: expected a readable ftrace text capture, found no such file/);
  });
});
