// `rcupool run --policy X --timeline`: one policy over time as terminal charts with a time axis;
// `--json` carries the samples; without --timeline it is that policy's row of the table.
import { beforeAll, describe, expect, it } from 'vitest';
import { resample, timeAxis } from '../src/cli/run.js';
import { E2E_TIMEOUT_MS, QUICK, rcupool, SGR, type CliResult } from './helpers/cli.js';

let chart: CliResult;
let json: Record<string, any>;

beforeAll(() => {
  chart = rcupool(['run', '--policy', 'upstream', ...QUICK, '--timeline']);
  json = JSON.parse(rcupool(['run', '--policy', 'upstream', ...QUICK, '--json']).stdout);
}, E2E_TIMEOUT_MS);

describe('rcupool run --timeline', { timeout: E2E_TIMEOUT_MS }, () => {
  it('draws free pages, reserve pages, pages in flight and failures, in that order', () => {
    expect(chart.status, chart.stderr).toBe(0);
    expect(chart.stderr).toBe('');
    const titles = ['free pages', 'reserve pages', 'pages in flight', 'failures per'].map((title) => chart.stdout.search(new RegExp(`^${title}`, 'm')));
    expect(titles.every((index) => index >= 0), JSON.stringify(titles)).toBe(true);
    expect([...titles].sort((a, b) => a - b)).toEqual(titles);
    expect(chart.stdout).toMatch(/^upstream on steady, seed 1: 300 ms of arrivals, sampled every 3 ms$/m);
  });

  it('labels the time axis in ms for a short run, from 0 to the end', () => {
    const axes = chart.stdout.split('\n').filter((line) => /^ +└─/.test(line));
    expect(axes).toHaveLength(4);
    const labels = chart.stdout.split('\n').filter((line) => /^ +0 +\d+ ms/.test(line));
    expect(labels).toHaveLength(4);
    expect(labels[0]).toMatch(/300 ms$/);
    // Each tick on the axis has its label right under it.
    const axis = axes[0]!;
    const label = labels[0]!;
    const ticks = [...axis].flatMap((char, column) => (char === '┬' ? [column] : []));
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const column of ticks) expect(label.slice(column - 3, column + 3)).toMatch(/\d/);
  });

  it('labels the axis in seconds for a run of 2 s or more', () => {
    const result = rcupool(['run', '--policy', 'upstream', '--scenario', 'steady', '--duration', '2s', '--timeline', '--timeline-points', '20']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ +0 +.*1 s +.*2 s$/m);
  });

  it('says in words when the failures happened and how low free memory went', () => {
    expect(chart.stdout).toMatch(/^(No failures: every call found a pointer page\.|Failures: [\d,]+ in the arrival window; the first between .* and .*; the most .*)$/m);
    expect(chart.stdout).toMatch(/^Free pages: lowest [\d,]+ (at [\d.]+ ms|between [\d.]+ ms and [\d.]+ ms) \((under MIN|under LOW|under HIGH|above HIGH)\)/m);
    expect(chart.stdout).toMatch(/^Reserve: /m);
  });

  it('ends with the policy table and its sentence, uncoloured in a pipe', () => {
    expect(chart.stdout).toContain('│ upstream');
    expect(chart.stdout.replace(/\n  /g, ' ')).toMatch(/^upstream: .* calls with .*\.$/m);
    expect(chart.stdout).not.toMatch(SGR);
  });

  it('draws the watermarks as dotted lines when free memory comes near them', () => {
    const result = rcupool(['run', '--policy', 'upstream', '--scenario', 'default', '--duration', '500ms', '--timeline', '--timeline-points', '50']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/·+ MIN 1,9\d\d/);
    expect(result.stdout).toMatch(/LOW 2,[89]\d\d/);
  });
});

describe('rcupool run --json and other formats', { timeout: E2E_TIMEOUT_MS }, () => {
  it('gives the compare document with the timeline samples', () => {
    expect(json.schemaVersion).toBe(2);
    expect(json.results).toHaveLength(1);
    const timeline = json.results[0].timeline as Record<string, number>[];
    expect(timeline).toHaveLength(101);
    expect(timeline[0]).toEqual({
      timeMs: 0,
      freePages: expect.any(Number),
      reservePages: expect.any(Number),
      inflightPages: expect.any(Number),
      failures: 0,
      lowestFreePages: expect.any(Number),
      belowMinMs: 0,
      peakInflightPages: expect.any(Number),
    });
    expect(timeline.at(-1)!.timeMs).toBe(300);
    const failures = timeline.reduce((sum, point) => sum + point.failures, 0);
    expect(failures).toBeLessThanOrEqual(json.results[0].metrics.failures.count);
  });

  it('changes nothing in the metrics: the same numbers as compare', () => {
    const compared = JSON.parse(rcupool(['compare', '--policy', 'upstream', ...QUICK, '--json']).stdout) as Record<string, any>;
    expect(json.results[0].metrics).toEqual(compared.results[0].metrics);
  });

  it('without --timeline prints that policy\'s table', () => {
    const result = rcupool(['run', '--policy', 'upstream', ...QUICK]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.startsWith('┌')).toBe(true);
    expect(result.stdout).not.toContain('free pages');
    expect(result.stdout).toMatch(/^upstream: /m);
  });

  it('--format csv --timeline gives the samples as CSV', () => {
    const result = rcupool(['run', '--policy', 'upstream', ...QUICK, '--timeline', '--timeline-points', '10', '--format', 'csv']);
    expect(result.status, result.stderr).toBe(0);
    const records = result.stdout.slice(0, -2).split('\r\n');
    expect(records[0]).toBe('timeMs,freePages,reservePages,inflightPages,failures,lowestFreePages,belowMinMs,peakInflightPages');
    expect(records).toHaveLength(12);
    expect(records[11]!.startsWith('300,')).toBe(true);
  });

  it('--format markdown --timeline fences the charts before the table', () => {
    const result = rcupool(['run', '--policy', 'upstream', ...QUICK, '--timeline', '--timeline-points', '10', '--format', 'markdown']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.startsWith('```text\n')).toBe(true);
    expect(result.stdout).toMatch(/\n```\n\n\| policy \|/);
  });
});

describe('chart helpers', () => {
  it('resample keeps the samples when they fit, and otherwise keeps dips, peaks and totals', () => {
    expect(resample([1, 2, 3], 5, 'min')).toEqual([1, 2, 3]);
    const values = Array.from({ length: 101 }, (_, index) => (index === 37 ? 1000 : index % 7));
    const width = 40;
    for (const aggregate of ['min', 'max', 'sum'] as const) expect(resample(values, width, aggregate)).toHaveLength(width);
    expect(resample(values, width, 'sum').reduce((a, b) => a + b, 0)).toBe(values.reduce((a, b) => a + b, 0));
    expect(Math.max(...resample(values, width, 'max'))).toBe(1000);
    expect(Math.min(...resample(values, width, 'min'))).toBe(0);
    // The peak at sample 37 of 100 lands near 37 % of the width.
    expect(resample(values, width, 'max').indexOf(1000)).toBe(Math.round((37 / 100) * (width - 1)));
  });

  it('timeAxis puts 0 under the axis corner and the end time under the last column', () => {
    const [axis, labels] = timeAxis(11, 51, 10_000);
    expect(axis!.indexOf('└')).toBe(11);
    expect(axis!.length).toBe(11 + 51);
    expect(axis!.endsWith('┬')).toBe(true);
    expect(labels!.indexOf('0')).toBe(11);
    expect(labels!.trimEnd().endsWith('10 s')).toBe(true);
    expect(timeAxis(11, 31, 300)[1]).toMatch(/ms$/);
  });
});
