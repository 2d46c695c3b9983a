// The output depends on the seeds, never on how many worker threads ran them.
import { describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, QUICK, rcupool } from './helpers/cli.js';

describe('--jobs', { timeout: E2E_TIMEOUT_MS }, () => {
  it('--jobs 1 and --jobs 2 give byte-identical --json with --seeds 2', () => {
    const args = ['compare', '--policy', 'upstream,test/fixtures/policies/give-back.ts', ...QUICK, '--seeds', '2', '--json'];
    const one = rcupool([...args, '--jobs', '1']);
    const two = rcupool([...args, '--jobs', '2']);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(JSON.parse(one.stdout).results[0].perSeed).toHaveLength(2);
    expect(two.stdout).toBe(one.stdout);
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
