// `--out FILE`: the report goes to the file (written to a temp file, then renamed), stdout stays
// empty, no temp file is left behind, and an existing file is replaced whole.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, QUICK, rcupool, rcupoolOnTerminal, SCRIPT, SGR, stripAnsi } from './helpers/cli.js';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'rcupool-out-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('--out', { timeout: E2E_TIMEOUT_MS }, () => {
  it('writes the JSON report to the file and nothing to stdout; no temp file left', () => {
    const file = join(folder, 'report.json');
    const result = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--json', '--out', file]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(readdirSync(folder)).toEqual(['report.json']);
    const piped = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--json']);
    expect(readFileSync(file, 'utf8')).toBe(piped.stdout);
  });

  it('replaces an existing file whole', () => {
    const file = join(folder, 'table.txt');
    writeFileSync(file, 'old contents that are much longer than nothing\n'.repeat(1000));
    const result = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--out', file]);
    expect(result.status, result.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('┌')).toBe(true);
    expect(text).not.toContain('old contents');
    expect(text).not.toMatch(SGR);
    expect(readdirSync(folder).filter((name) => name.includes('tmp'))).toEqual([]);
  });

  it.skipIf(!SCRIPT)('has no colour in the file when stdout is a terminal', () => {
    const file = join(folder, 'from-terminal.txt');
    const result = rcupoolOnTerminal(['compare', '--policy', 'upstream,test/fixtures/policies/give-back.ts', ...QUICK, '--out', file]);
    expect(result.status, result.stdout).toBe(0);
    expect(stripAnsi(result.stdout)).not.toContain('┌');
    expect(readFileSync(file, 'utf8')).not.toMatch(SGR);
  });

  it('works for run --timeline too', () => {
    const file = join(folder, 'timeline.txt');
    const result = rcupool(['run', '--policy', 'upstream', ...QUICK, '--timeline', '--out', file]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/^free pages/m);
  });

  it('leaves nothing behind when the target cannot be written', () => {
    // A directory where the file should go: the temp file is written, the rename fails.
    const target = join(folder, 'is-a-directory');
    mkdirSync(target);
    const before = readdirSync(folder).sort();
    const result = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--out', target]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: --out .*is-a-directory: cannot write it/);
    expect(readdirSync(folder).sort()).toEqual(before);
  });
});
