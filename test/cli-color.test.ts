// Colour rules (docs/cli.md and docs/json.md): on for a terminal, off for NO_COLOR (any
// non-empty value), TERM=dumb, --no-color and a pipe; FORCE_COLOR wins, except over --no-color. Progress only when
// both streams are terminals. The terminal is a real pseudo-terminal from util-linux `script`.
import { describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, rcupool, rcupoolOnTerminal, SCRIPT, SGR, stripAnsi, twoPolicies } from './helpers/cli.js';

// Two policies so each column has a best (green) and a worst (red) cell to mark; a short run.
const ARGS = ['compare', '--policy', twoPolicies(), '--scenario', 'steady', '--duration', '100ms', '--jobs', '1'];
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';

describe.skipIf(!SCRIPT)('on a terminal', { timeout: E2E_TIMEOUT_MS }, () => {
  it('colours best (green) and worst (red) cells, shows progress on stderr', () => {
    const result = rcupoolOnTerminal(ARGS);
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toContain(GREEN);
    expect(result.stdout).toContain(RED);
    expect(result.stdout).toMatch(/running \d+\/\d+ runs/);
  });

  it('has no colour with NO_COLOR=1, TERM=dumb or --no-color', () => {
    for (const [env, flags] of [
      [{ NO_COLOR: '1' }, []],
      [{ NO_COLOR: 'yes please' }, []],
      [{ TERM: 'dumb' }, []],
      [{}, ['--no-color']],
    ] as const) {
      const result = rcupoolOnTerminal([...ARGS, ...flags], { env });
      expect(result.status, result.stdout).toBe(0);
      expect(result.stdout, JSON.stringify({ env, flags })).not.toMatch(SGR);
      expect(result.stdout).toContain('│ upstream');
    }
  });

  it('treats an empty NO_COLOR as unset', () => {
    const result = rcupoolOnTerminal(ARGS, { env: { NO_COLOR: '' } });
    expect(result.stdout).toMatch(SGR);
  });

  it('FORCE_COLOR=1 wins over NO_COLOR', () => {
    const result = rcupoolOnTerminal(ARGS, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(result.stdout).toContain(GREEN);
  });

  it('shows the same table text with and without colour', () => {
    const coloured = rcupoolOnTerminal(ARGS);
    const plain = rcupoolOnTerminal(ARGS, { env: { NO_COLOR: '1' } });
    const table = (text: string) => stripAnsi(text).slice(stripAnsi(text).indexOf('┌'));
    expect(table(coloured.stdout)).toBe(table(plain.stdout));
  });
});

describe('in a pipe', { timeout: E2E_TIMEOUT_MS }, () => {
  it('has no colour and no progress', () => {
    const result = rcupool(ARGS);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(SGR);
    expect(result.stderr).toBe('');
  });

  it('has colour with FORCE_COLOR=1 (and still no progress)', () => {
    const result = rcupool(ARGS, { env: { FORCE_COLOR: '1' } });
    expect(result.stdout).toContain(GREEN);
    expect(result.stdout).toContain(RED);
    expect(result.stderr).toBe('');
  });

  it('has no colour codes at all, bold included, with FORCE_COLOR=1 --no-color', () => {
    expect(rcupool([...ARGS, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(SGR);
  });

  it('has no colour with FORCE_COLOR=0', () => {
    expect(rcupool(ARGS, { env: { FORCE_COLOR: '0' } }).stdout).not.toMatch(SGR);
  });

  it('never colours --json, markdown or csv, even when forced', () => {
    for (const format of ['json', 'markdown', 'csv']) {
      const result = rcupool([...ARGS, '--format', format], { env: { FORCE_COLOR: '1' } });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout, format).not.toMatch(SGR);
    }
  });
});
