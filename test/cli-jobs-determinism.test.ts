// The output depends on the seeds, never on how many worker threads ran them.
import { describe, expect, it } from 'vitest';
import { EAGER_THREADS_VARIABLE } from '../src/runner/worker-pool.js';
import { builtinPolicies, E2E_TIMEOUT_MS, QUICK, rcupool } from './helpers/cli.js';

/** Every --jobs thread from the start: short runs alone would never start a second one. */
const EAGER = { env: { [EAGER_THREADS_VARIABLE]: '1' } };

describe('--jobs', { timeout: E2E_TIMEOUT_MS }, () => {
  it('--jobs 1 and --jobs 2 give byte-identical --json with --seeds 2', () => {
    const args = ['compare', '--policy', 'upstream,test/fixtures/policies/give-back.ts', ...QUICK, '--seeds', '2', '--json'];
    const one = rcupool([...args, '--jobs', '1']);
    const two = rcupool([...args, '--jobs', '2'], EAGER);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(JSON.parse(one.stdout).results[0].perSeed).toHaveLength(2);
    expect(two.stdout).toBe(one.stdout);
  });

  it('every built-in on 1, 2 and 3 threads gives byte-identical --json, whatever order the runs go in', () => {
    const args = ['compare', ...QUICK, '--seeds', '2', '--json'];
    const one = rcupool([...args, '--jobs', '1']);
    expect(one.status, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).results.map((entry: { policy: string }) => entry.policy)).toEqual(builtinPolicies());
    for (const jobs of ['2', '3']) {
      const many = rcupool([...args, '--jobs', jobs], EAGER);
      expect(many.status, many.stderr).toBe(0);
      expect(many.stdout).toBe(one.stdout);
    }
  });

  it('the same seed gives the same table twice; another seed a different one', () => {
    const args = ['compare', '--policy', 'upstream', '--scenario', 'default', '--duration', '300ms', '--format', 'csv'];
    const first = rcupool([...args, '--seed', '3']);
    const again = rcupool([...args, '--seed', '3']);
    const other = rcupool([...args, '--seed', '4']);
    expect(first.status, first.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(other.stdout).not.toBe(first.stdout);
  });
});
