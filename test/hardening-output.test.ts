// Issue 11, point 5: where results are written. `--out -` and /dev/stdout are stdout, a device
// or FIFO is written through and stays what it was, a symlink is followed and its target
// replaced atomically, a folder is refused, and the folder is checked before any simulation.
import { execFile, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutput, writeOutput } from '../src/cli/output.js';
import { UsageError } from '../src/cli/errors.js';
import { E2E_TIMEOUT_MS, rcupool } from './helpers/cli.js';

const folder = mkdtempSync(join(tmpdir(), 'rcupool-out-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('writeOutput', () => {
  it('follows a symlink and replaces its target, leaving the link a link', () => {
    const target = join(folder, 'target.json');
    const link = join(folder, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync('target.json', link);
    writeOutput(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('target.json');
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('creates the target of a dangling symlink', () => {
    const link = join(folder, 'dangling.json');
    symlinkSync('made-by-rcupool.json', link);
    writeOutput(link, 'text');
    expect(readFileSync(join(folder, 'made-by-rcupool.json'), 'utf8')).toBe('text');
  });

  it('writes through a device and leaves it a device', () => {
    writeOutput('/dev/null', 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('keeps the mode of the file it replaces', () => {
    const file = join(folder, 'mode.json');
    writeFileSync(file, 'old', { mode: 0o640 });
    writeOutput(file, 'new');
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('refuses a folder, a missing folder and a path through a file, before anything runs', () => {
    expect(() => checkOutput(folder)).toThrow(new UsageError(`--out ${folder}: cannot write it (EISDIR): it is a directory`));
    expect(() => checkOutput(join(folder, 'missing', 'x.json'))).toThrow(`--out ${join(folder, 'missing', 'x.json')}: cannot write it (ENOENT): its folder does not exist`);
    const file = join(folder, 'plain');
    writeFileSync(file, '');
    expect(() => checkOutput(join(file, 'x.json'))).toThrow(/cannot write it \(ENOTDIR\): a part of its path is not a folder/);
  });

  it('writes through a FIFO to whoever reads it', async () => {
    const fifo = join(folder, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = new Promise<string>((resolve) => execFile('cat', [fifo], { encoding: 'utf8' }, (_error, stdout) => resolve(stdout)));
    writeOutput(fifo, 'through the pipe\n');
    expect(await reader).toBe('through the pipe\n');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
});

describe('the CLI', () => {
  it('--out - and --out /dev/stdout write the report to stdout', () => {
    for (const out of ['-', '/dev/stdout']) {
      const result = rcupool(['compare', '--json', '--scenario', 'steady', '--duration', '5ms', '--policy', 'upstream', '--out', out]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).results[0].policy).toBe('upstream');
    }
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  }, E2E_TIMEOUT_MS);

  it('--out /dev/full: exit 2, one line saying the device is full', () => {
    const result = rcupool(['compare', '--scenario', 'steady', '--duration', '5ms', '--policy', 'upstream', '--out', '/dev/full']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('rcupool: --out /dev/full: cannot write it (ENOSPC): no space left on the device\n');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  }, E2E_TIMEOUT_MS);

  it('--out into a missing folder fails before the simulation (a 24 h run would not finish in the test\'s time)', () => {
    for (const command of ['compare', 'baseline']) {
      const result = rcupool([command, '--scenario', 'flood', '--duration', '24h', '--policy', 'upstream', '--out', 'no-such-folder/report.json'], { timeoutMs: 60_000 });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe('rcupool: --out no-such-folder/report.json: cannot write it (ENOENT): its folder does not exist\n');
    }
  }, E2E_TIMEOUT_MS);

  it('--scenario /dev/zero: exit 2 with a line saying the 16 MiB limit', () => {
    const result = rcupool(['compare', '--scenario', '/dev/zero', '--policy', 'upstream']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('rcupool: /dev/zero: larger than the 16 MiB input limit for a scenario file; is it the right file?\n');
  }, E2E_TIMEOUT_MS);

  it('check on a baseline whose per-seed values overflow: exit 2 naming the metric, never "unchanged"', () => {
    const baseline = join(folder, 'huge.json');
    expect(rcupool(['baseline', '--out', baseline, '--scenario', 'steady', '--duration', '5ms', '--seeds', '2', '--policy', 'upstream']).status).toBe(0);
    const data = JSON.parse(readFileSync(baseline, 'utf8'));
    for (const seed of data.result.results[0].perSeed) seed.latencyUs.max = 1e308;
    writeFileSync(baseline, JSON.stringify(data));
    const result = rcupool(['check', '--baseline', baseline]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: policy upstream could not be compared: latencyUs\.max: the baseline values give no finite mean/m);
    expect(result.stdout).not.toMatch(/\bOK\b/);
  }, E2E_TIMEOUT_MS);
});
