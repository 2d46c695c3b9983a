// ftrace text lines in every shape the kernel's trace file and `trace-cmd report` print:
// with and without the latency-flags column, 4- and 5-character flags, the tgid column, task
// names holding spaces, dashes and brackets, padded event names; header lines of both tools.
import { describe, expect, it } from 'vitest';
import { parseHeaderLine, parseTraceLine } from '../src/trace/line.js';

describe('parseTraceLine', () => {
  it('reads the kernel trace file line with the 5-character irq-flags column', () => {
    expect(parseTraceLine('     rcu_preempt-16      [001] d..1.   142.559458: rcu_grace_period: rcu_preempt 8373 start')).toEqual({
      task: 'rcu_preempt',
      pid: 16,
      cpu: 1,
      timeUs: 142_559_458,
      event: 'rcu_grace_period',
      args: 'rcu_preempt 8373 start',
    });
  });

  it('reads older kernels\' 4-character flags and lines without any flags column', () => {
    const old = parseTraceLine('kworker/7:1-371     [007] ....  5630.989714: rcu_invoke_kfree_bulk_callback: rcu_preempt bulk=0x000000000babf308 nr_records=510');
    expect(old).toMatchObject({ task: 'kworker/7:1', pid: 371, cpu: 7, timeUs: 5_630_989_714, event: 'rcu_invoke_kfree_bulk_callback' });
    const bare = parseTraceLine('gnome-terminal-1567  [000]  4415.246506: mm_page_alloc: page=ffffea0003db9f40 pfn=1155800 order=0 migratetype=0 gfp_flags=GFP_KERNEL');
    expect(bare).toMatchObject({ task: 'gnome-terminal', pid: 1567, cpu: 0, timeUs: 4_415_246_506, event: 'mm_page_alloc' });
  });

  it('reads trace-cmd report lines, whose event names are padded after the colon', () => {
    expect(parseTraceLine('     rcu_preempt-16    [000]    10.001000: rcu_grace_period:     rcu_preempt 101 start')).toMatchObject({
      cpu: 0,
      timeUs: 10_001_000,
      event: 'rcu_grace_period',
      args: 'rcu_preempt 101 start',
    });
  });

  it('skips the tgid column and keeps task names with spaces, dashes and brackets whole', () => {
    expect(parseTraceLine('  Binder:1234_2-1250  (   1234) [001]    12.000200: rcu_kvfree_callback: rcu_preempt rhp=00000000deadbeef func=8 42')).toMatchObject({
      task: 'Binder:1234_2',
      pid: 1250,
      cpu: 1,
    });
    expect(parseTraceLine('  Chrome IO-thread [x]-1300 [003] d.h2.    12.000300: kfree: call_site=foo+0x1/0x2 ptr=ffff8880')).toMatchObject({
      task: 'Chrome IO-thread [x]',
      pid: 1300,
      cpu: 3,
    });
  });

  it('keeps a timestamp\'s microseconds exact, and reads nanosecond timestamps too', () => {
    expect(parseTraceLine('a-1 [000] 1.000001: kfree: call_site=x ptr=y')!.timeUs).toBe(1_000_001);
    expect(parseTraceLine('a-1 [000] 7.123456789: kfree: call_site=x ptr=y')!.timeUs).toBeCloseTo(7_123_456.789, 6);
  });

  it('returns null for anything that is not an event line, including one cut mid-line', () => {
    for (const line of ['this line is not from ftrace at all', '     kworker/0:1-371     [000] .....   142.56', 'no-pid [000] 1.0: x: y', 'a-1 [0x0] 1.0: x: y', '']) {
      expect(parseTraceLine(line), line).toBeNull();
    }
  });
});

describe('parseHeaderLine', () => {
  it('takes the CPU count from the kernel header (#P:) and from trace-cmd (cpus=)', () => {
    expect(parseHeaderLine('# entries-in-buffer/entries-written: 31/31   #P:4')).toEqual({ cpus: 4 });
    expect(parseHeaderLine('cpus=8')).toEqual({ cpus: 8, style: 'trace-cmd' });
  });

  it('tells the two tools apart and sees the irq-flags column header', () => {
    expect(parseHeaderLine('# tracer: nop')).toEqual({ style: 'ftrace' });
    expect(parseHeaderLine('version = 6')).toEqual({ style: 'trace-cmd' });
    expect(parseHeaderLine('CPU 2 is empty')).toEqual({ style: 'trace-cmd' });
    expect(parseHeaderLine('#                                _-----=> irqs-off/BH-disabled')).toEqual({ irqFlags: true });
    expect(parseHeaderLine('garbage')).toBeNull();
  });
});
