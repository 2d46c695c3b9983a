// A sweep recorded with `baseline --vary` and gated with `check`: every point × metric judged
// as check judges a policy; a point that got worse fails the check (exit 1) and is named.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, rcupool } from './helpers/cli.js';

describe('baseline --vary and check', { timeout: E2E_TIMEOUT_MS }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'rcupool-sweep-check-'));
  const file = join(folder, 'sweep-baseline.json');

  it('records the sweep, and check reruns it: unchanged code passes with every point × metric compared', () => {
    const recorded = rcupool(['baseline', '--out', file, '--scenario', 'steady', '--duration', '100ms', '--policy', 'mempool,upstream', '--vary', 'mempool.reservePages=0,25', '--seeds', '2', '--jobs', '1']);
    expect(recorded.status, recorded.stderr).toBe(0);
    expect(recorded.stderr).toMatch(/wrote sweep baseline .*: 3 points on scenario steady/);
    const baseline = JSON.parse(readFileSync(file, 'utf8'));
    expect(baseline).toMatchObject({ baselineVersion: 1, kind: 'sweep' });
    const check = rcupool(['check', '--baseline', file, '--json', '--jobs', '1']);
    expect(check.status, check.stderr).toBe(0);
    const report = JSON.parse(check.stdout);
    expect(JSON.stringify(report)).toContain('mempool reservePages=25');
    expect(check.stdout).not.toMatch(/"verdict": "regressed"/);
  });

  it('check --update of an unchanged sweep rewrites the same bytes', () => {
    const before = readFileSync(file, 'utf8');
    const update = rcupool(['check', '--baseline', file, '--update', '--jobs', '1', '--quiet']);
    expect(update.status, update.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a point that is worse today than in the baseline is a regression naming the point (exit 1)', () => {
    const baseline = JSON.parse(readFileSync(file, 'utf8'));
    // Pretend mempool with 25 pages per CPU once held 150 reserve pages, not 200: today is 50 pages worse on both seeds.
    const point = baseline.points[1];
    for (const metrics of [point.metrics, ...point.perSeed]) metrics.reserve.avgPages -= 50;
    const edited = join(folder, 'edited.json');
    writeFileSync(edited, JSON.stringify(baseline, null, 2));
    const check = rcupool(['check', '--baseline', edited, '--jobs', '1']);
    expect(check.status, check.stderr).toBe(1);
    expect(check.stderr).toMatch(/^rcupool: regression: mempool reservePages=25 reserve\.avgPages /m);
    expect(check.stderr).not.toMatch(/reservePages=0 /);
  });
});
