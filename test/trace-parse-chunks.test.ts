// The trace reader parses lines inside its read buffer: what it reads must not depend on where
// the reads split the file, on CRLF line ends, on a last line without its newline, or on
// task names that are not ASCII.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TraceAnalysis, traceStats, type TraceStats } from '../src/trace/analysis.js';
import { readCapture } from '../src/trace/capture.js';
import { LineSplitter, TraceReader, skippedText, type ReadSummary } from '../src/trace/read.js';

const folder = mkdtempSync(join(tmpdir(), 'rcupool-trace-chunks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function tempCapture(name: string, bytes: Buffer | string): string {
  const file = join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

/** The capture in `bytes` read through a LineSplitter fed `piece` bytes at a time. */
function readInPieces(bytes: Buffer, piece: number, chunkBytes: number): { read: ReadSummary; stats: TraceStats } {
  const analysis = new TraceAnalysis();
  const reader = new TraceReader((event) => analysis.add(event));
  const splitter = new LineSplitter(chunkBytes, (line, start, end) => reader.line(line, start, end));
  for (let offset = 0; offset < bytes.length; ) {
    const { buffer, offset: at, length } = splitter.space();
    const copied = bytes.copy(buffer, at, offset, Math.min(bytes.length, offset + Math.min(piece, length)));
    splitter.pushed(copied);
    offset += copied;
  }
  splitter.end();
  reader.end();
  return { read: reader.summary, stats: traceStats('capture', reader.summary, analysis) };
}

const FIXTURE = readFileSync('test/fixtures/traces/ftrace-irq.txt');

describe('where the reads split a capture', () => {
  const whole = readInPieces(FIXTURE, FIXTURE.length, FIXTURE.length + 1);

  it('reads the fixture as readCapture does', async () => {
    const { stats } = await readCapture('test/fixtures/traces/ftrace-irq.txt');
    expect(whole.stats).toEqual({ ...stats, file: 'capture' });
  });

  it('reads the same lines, events and figures for reads of 1, 7 and 100 bytes, and a buffer shorter than a line', () => {
    for (const piece of [1, 7, 100]) {
      for (const chunkBytes of [16, 64, 4_096]) {
        const split = readInPieces(FIXTURE, piece, chunkBytes);
        expect(split.read, `reads of ${piece} B into ${chunkBytes} B`).toEqual(whole.read);
        expect(split.stats, `reads of ${piece} B into ${chunkBytes} B`).toEqual(whole.stats);
      }
    }
  });

  it('reads a line that straddles the file reader\'s 1 MiB read, and one cut mid-line in the last read', async () => {
    const filler = '     kworker/3:1-203     [003] .....     1.000009: sched_switch: prev_comm=kworker prev_pid=203 prev_prio=120 prev_state=I ==> next_comm=swapper/3 next_pid=0 next_prio=120\n';
    const fillers = Math.floor(((1 << 20) - 400) / filler.length);
    let head = '# tracer: nop\n' + filler.repeat(fillers);
    // A comment line that ends the head 40 bytes before the first read does.
    head += `#${' '.repeat((1 << 20) - 40 - head.length - 2)}\n`;
    const straddling = '     kworker/0:1-200     [000] .....     2.000000: rcu_invoke_kfree_bulk_callback: rcu_preempt bulk=0x0000000000001000 nr_records=321\n';
    const tail = filler.repeat(3) + '     kworker/0:1-200     [000] .....     3.000000: rcu_invoke_kfree_bulk_callback: rcu_pree';
    const { stats, read } = await readCapture(tempCapture('straddle.txt', head + straddling + tail));
    expect(stats.pageFill).toMatchObject({ pages: 1, min: 321, max: 321 });
    expect(head.length + straddling.length).toBeGreaterThan(1 << 20);
    const lines = 2 + fillers + 1 + 3 + 1; // comments, fillers, the straddling line, fillers, the cut line
    expect(read).toMatchObject({ lines, headerLines: 2, otherEvents: fillers + 3, usedEvents: 1, skipped: 1 });
    expect(skippedText(read)).toBe(`1 line skipped (not ftrace event lines in a known format), first at line ${lines}: ${tail.slice(tail.lastIndexOf('\n') + 1)}`);
  });
});

describe('CRLF line ends', () => {
  const crlf = Buffer.from(FIXTURE.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');

  it('read as the LF capture, line numbers and the quoted skipped line included', async () => {
    const lf = await readCapture('test/fixtures/traces/ftrace-irq.txt');
    const windows = await readCapture(tempCapture('crlf.txt', crlf));
    expect(windows.stats).toEqual({ ...lf.stats, file: windows.file });
    expect(skippedText(windows.read)).toBe(skippedText(lf.read));
  });

  it('a last line cut between its CR and LF is read as a whole line', async () => {
    const event = '  rcu_preempt-16 [001] d..1.   142.600000: rcu_grace_period: rcu_preempt 9001 start\r\n  rcu_preempt-16 [001] d..1.   142.604000: rcu_grace_period: rcu_preempt 9001 end\r';
    const { read, stats } = await readCapture(tempCapture('crlf-cut.txt', event));
    expect(read).toMatchObject({ lines: 2, usedEvents: 2, skipped: 0 });
    expect(stats.gracePeriodsMs).toMatchObject({ count: 1, unpaired: 0 });
    expect(stats.gracePeriodsMs.max).toBeCloseTo(4, 6);
  });
});

describe('task names that are not ASCII', () => {
  const lines = [
    '# tracer: nop',
    '     kworker/ü:1-371     [002] .....   142.565000: rcu_invoke_kfree_bulk_callback: rcu_preempt bulk=0x000000000babf308 nr_records=77',
    '  Binder:日本語_2-1250  (   1234) [001] d..1.   142.566000: rcu_invoke_kfree_bulk_callback: rcu_preempt bulk=0x000000000babf309 nr_records=88',
    'ça ne vient pas de ftrace — pas du tout',
  ];

  it('reads their events, and quotes a skipped line in UTF-8 with its line number', async () => {
    const { read, stats } = await readCapture(tempCapture('utf8.txt', lines.join('\n') + '\n'));
    expect(read).toMatchObject({ usedEvents: 2, skipped: 1 });
    expect(stats.pageFill).toMatchObject({ pages: 2, min: 77, max: 88 });
    expect(stats.perCpu.map((row) => row.cpu)).toEqual([1, 2]);
    expect(skippedText(read)).toBe(`1 line skipped (not ftrace event lines in a known format), first at line 4: ${lines[3]}`);
  });

  it('split between the bytes of one character, the quote is still whole', () => {
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    for (const piece of [1, 3]) expect(skippedText(readInPieces(bytes, piece, 8).read)).toBe(`1 line skipped (not ftrace event lines in a known format), first at line 4: ${lines[3]}`);
  });
});
