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

describe('closed callers: a run of equal delays', () => {
  it('gives the same call times counted as one stretch as delayed call by call', () => {
    const make = () => new ClosedCallSequence(1 / 3, 1, Infinity, 1e6);
    const oneByOne = make();
    const stretched = make();
    for (const calls of [oneByOne, stretched]) {
      calls.delayFrom(40, 7); // some other delay first: the run starts on a fresh anchor
      calls.delayFrom(101, 0.3); // call 100's fallback cost 0.3 µs of CPU time
      calls.delayFrom(102, 0.3); // and call 101's
    }
    for (let call = 102; call < 5_101; call++) oneByOne.delayFrom(call + 1, 0.3);
    expect(stretched.canOpenStretch(102, 0.3)).toBe(true);
    expect(stretched.canOpenStretch(102, 0.4)).toBe(false); // another cost is another run
    expect(stretched.canOpenStretch(103, 0.3)).toBe(false); // and it must start where the stretch ends
    stretched.openStretch(0.3);
    stretched.closeStretch(5_101);
    for (const call of [0, 39, 40, 100, 101, 102, 2_000, 5_100, 5_101, 5_102, 9_000]) expect(stretched.timeOf(call)).toBe(oneByOne.timeOf(call));
    for (const time of [50, 200, 1_000, 2_000, 3_000, 10_000]) expect(stretched.countBy(time, 0)).toBe(oneByOne.countBy(time, 0));
    // Each call of the run came 0.3 µs later than the one-period spacing.
    expect(oneByOne.timeOf(5_101) - oneByOne.timeOf(101)).toBeCloseTo(5_000 * (1 / 3 + 0.3), 6);
  });
});
