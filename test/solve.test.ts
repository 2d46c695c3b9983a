// `rcupool solve`: bisection finds a designed threshold, the monotonicity check catches a band
// that breaks it, confidence comes from the seeds' interval, and exit 1 when nothing meets.
import { describe, expect, it } from 'vitest';
import { parseConstraints, solveMinimum, SolveError, type Probe } from '../src/runner/solve.js';
import { E2E_TIMEOUT_MS, rcupool } from './helpers/cli.js';

/** A synthetic knob: feasible where `feasible(value)` says, counting evaluations. */
function knob(feasible: (value: number) => boolean) {
  const seen: number[] = [];
  const evaluate = async (values: number[], stage: Probe['stage']): Promise<Probe[]> => {
    seen.push(...values);
    return values.map((value) => ({ value, feasible: feasible(value), checks: [], stage }));
  };
  return { evaluate, seen };
}

describe('solveMinimum', () => {
  it('finds the smallest feasible whole number by bisection after a grid pass', async () => {
    const { evaluate, seen } = knob((value) => value >= 613);
    const outcome = await solveMinimum({ low: 0, high: 1000, step: 1, integer: true, gridProbes: 9 }, evaluate);
    expect(outcome).toMatchObject({ answer: 613, failsAt: 612, monotone: true });
    expect(seen.length).toBeLessThan(9 + 8);
  });

  it('a real knob stops within its step', async () => {
    const { evaluate } = knob((value) => value >= 0.3183);
    const outcome = await solveMinimum({ low: 0, high: 1, step: 0.001, integer: false, gridProbes: 5 }, evaluate);
    expect(outcome.answer! - 0.3183).toBeGreaterThanOrEqual(0);
    expect(outcome.answer! - outcome.failsAt!).toBeLessThanOrEqual(0.001);
  });

  it('reports a value that holds below one that fails as non-monotone', async () => {
    const { evaluate } = knob((value) => value >= 20 && !(value >= 50 && value < 70));
    const outcome = await solveMinimum({ low: 0, high: 100, step: 1, integer: true, gridProbes: 9 }, evaluate);
    expect(outcome.monotone).toBe(false);
    expect(outcome.counterexample).toEqual({ holdsAt: 20, failsAt: 50 });
  });

  it('no feasible value gives no answer; a feasible low end is the answer', async () => {
    expect((await solveMinimum({ low: 0, high: 10, step: 1, integer: true, gridProbes: 3 }, knob(() => false).evaluate)).answer).toBeNull();
    expect((await solveMinimum({ low: 4, high: 10, step: 1, integer: true, gridProbes: 3 }, knob(() => true).evaluate)).answer).toBe(4);
  });

  it('parses constraints with %, and refuses unknown metrics by name', () => {
    expect(parseConstraints('failures.rate<0.1%, latencyUs.p99<=5')).toMatchObject([
      { metric: 'failures.rate', op: '<', limit: 0.001 },
      { metric: 'latencyUs.p99', op: '<=', limit: 5 },
    ]);
    expect(() => parseConstraints('failure.rate<1')).toThrow(SolveError);
    expect(() => parseConstraints('failure.rate<1')).toThrow(/unknown metric "failure\.rate"/);
    expect(() => parseConstraints('failures.rate=1')).toThrow(/expected <metric><op><number>/);
  });
});

const FIXTURE = 'test/fixtures/policies/designed-threshold.ts';
const SOLVE = ['solve', '--scenario', 'steady', '--duration', '100ms', '--policy', FIXTURE, '--minimize', 'designed-threshold.reservePages', '--subject-to', 'failures.count<1', '--jobs', '1'];

describe('rcupool solve', { timeout: E2E_TIMEOUT_MS }, () => {
  it('finds the designed threshold (37) with its bracket, seeds and confidence', () => {
    const result = rcupool([...SOLVE, '--seeds', '2']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^designed-threshold\.reservePages = 37 pages: the smallest value that meets failures\.count<1 with 95 % confidence over 2 seeds \(1, 2\)/);
    expect(result.stdout).toMatch(/Bracket: 36 fails \(failures\.count [\d,]+ \(95 % interval [\d,]+\.\.[\d,]+\), not < 1\), 37 holds/);
    expect(result.stdout).toMatch(/Monotone: yes/);
  });

  it('says so when feasibility is not monotone (a band of failures above the threshold), in --json too', () => {
    const result = rcupool([...SOLVE, '--seeds', '1', '--param', 'designed-threshold.holeFrom=50', '--param', 'designed-threshold.holeTo=70', '--json']);
    expect(result.status, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ kind: 'solve', answer: 37, monotone: false, counterexample: { holdsAt: 37, failsAt: 50 } });
    expect(document.probes.find((probe: any) => probe.value === 50).feasible).toBe(false);
  });

  it('exits 1 when no value in the range meets the constraint', () => {
    const result = rcupool([...SOLVE, '--seeds', '1', '--range', '0..30']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^No value of designed-threshold\.reservePages from 0 to 30 pages meets failures\.count<1/);
  });

  it('bad input is one line naming the flag, exit 2', () => {
    const result = rcupool([...SOLVE.slice(0, -4), '--subject-to', 'failures.cont<1']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: --subject-to failures\.cont<1: unknown metric "failures\.cont"/);
    const range = rcupool([...SOLVE, '--range', '-5..10']);
    expect(range.status).toBe(2);
    expect(range.stderr).toMatch(/^rcupool: --minimize designed-threshold\.reservePages --range -5\.\.10: value designed-threshold\.reservePages=-5: out of range 0\.\.100 pages\n$/);
  });
});
