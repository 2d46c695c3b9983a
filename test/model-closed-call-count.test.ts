// ClosedCallSequence.countBy() (src/model/callers.ts): how many of a CPU's closed-loop calls have
// come by a time. Two things it must get right besides the plain arithmetic: after the window
// (the drain, which may last seconds) no further call comes, and calls made before a delay or a
// pause moved the anchor still count as made.
import { describe, expect, it } from 'vitest';
import { ClosedCallSequence } from '../src/model/callers.js';

describe('closed callers: calls made by a time', () => {
  it('stop at the window end however far the drain runs past it', () => {
    const periodUs = 0.5;
    const endUs = 1_000;
    const calls = new ClosedCallSequence(periodUs, 1, Infinity, endUs);
    const byEnd = calls.countBy(endUs, 0);
    expect(byEnd).toBe(2_000); // calls at 0.5, 1.0, …, 1,000 µs
    expect(calls.countBy(endUs + 3e6, 0)).toBe(byEnd);
    expect(calls.countBy(endUs + 3e6, byEnd)).toBe(byEnd);
    expect(calls.timeOf(byEnd)).toBe(Infinity);
  });

  it('keep the calls made before a delay moved the anchor', () => {
    const calls = new ClosedCallSequence(1, 1, Infinity, 1e6);
    // 100 calls have come by t = 100 µs; the CPU then loses 50 µs to other work.
    expect(calls.countBy(100, 0)).toBe(100);
    calls.delayFrom(100, 50);
    expect(calls.countBy(100, 0)).toBe(100); // not one of them is taken back
    expect(calls.countBy(150, 0)).toBe(100); // and no new call while the CPU was busy
    expect(calls.countBy(151, 0)).toBe(101);
  });

  it('issue nothing while every thread is blocked, then resume one period after the wake-up', () => {
    const calls = new ClosedCallSequence(1, 1, Infinity, 1e6);
    expect(calls.countBy(10, 0)).toBe(10);
    calls.block(9); // call 9 (at 10 µs) blocks the only thread
    expect(calls.countBy(500, 10)).toBe(10);
    expect(calls.countBy(500, 0)).toBe(10);
    calls.resume(500);
    expect(calls.countBy(500, 10)).toBe(10);
    expect(calls.countBy(501, 10)).toBe(11);
  });
});
