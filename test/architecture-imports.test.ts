// Each layer imports only what is below it: cli → runner (and trace) → model → engine, with the
// contract (metrics, result objects), the scenario format and the policy API underneath, reports
// seeing only result objects, and built-in policies seeing only the policy API. Every relative
// import of every src/**/*.ts and policies/*.ts (types included: a type import is a dependency
// too) is checked against the table below; a new folder must be given a layer here first.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

/** A file's layer: its folder under src/, except the files that are a layer of their own. */
function layerOf(file: string): string {
  if (file === 'src/policy/api.ts' || file === 'src/policy/module-schema.ts') return 'policy-api';
  if (file === 'src/index.ts') return 'package-entry';
  if (file === 'src/version.ts') return 'version';
  if (file.startsWith('policies/')) return 'policies';
  const [top, folder] = file.split('/');
  return top === 'src' && folder !== undefined ? folder : `(unplaced: ${file})`;
}

/** What each layer may import besides itself. Lower layers first. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  shared: [], // helpers with no domain knowledge (did-you-mean)
  version: [],
  engine: ['shared'], // event queue, seeded random streams, histograms: knows nothing of kernels
  'policy-api': [], // the types a policy is written against
  scenario: ['shared'], // the scenario format, presets and machine data
  contract: ['policy-api', 'shared'], // metric registry and result objects (+ scenario/types.ts, below)
  model: ['engine', 'contract', 'scenario', 'policy-api', 'shared'],
  policy: ['policy-api', 'shared'], // loading, validating and supervising policy modules
  runner: ['model', 'engine', 'contract', 'scenario', 'policy', 'policy-api', 'shared', 'version'],
  trace: ['model', 'engine', 'contract', 'scenario', 'policy', 'policy-api', 'shared', 'version'],
  report: ['contract', 'shared'], // only result objects (+ scenario/types.ts, below)
  cli: ['runner', 'trace', 'report', 'contract', 'scenario', 'policy', 'policy-api', 'shared', 'version'],
  'package-entry': ['policy-api'],
  policies: ['policy-api'],
};

/** Single files a layer may reach beyond its table, each with the reason. */
const ALSO_ALLOWED: ReadonlyArray<{ from: string; to: string; why: string }> = [
  { from: 'contract', to: 'src/scenario/types.ts', why: 'a result carries the resolved scenario it ran (types only)' },
  { from: 'report', to: 'src/scenario/types.ts', why: 'reports show the scenario a result carries (types only)' },
  { from: 'src/contract/write-schemas.ts', to: 'src/scenario/json-schema.ts', why: 'the `npm run schema` script writes every contract\'s schema file, the scenario format\'s too; nothing imports the script' },
  { from: 'policies', to: 'policies/upstream.ts', why: 'a built-in may build on the upstream policy, which itself sees only the policy API' },
];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `import … from`, `export … from`, side-effect `import '…'` and `import('…')`, relative ones only. */
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|[\s;])import\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const spec = (match[1] ?? match[2] ?? match[3])!;
    return relative(ROOT, normalize(join(ROOT, dirname(file), spec))).replace(/\.js$/, '.ts');
  });
}

function allowed(from: string, to: string): boolean {
  const source = layerOf(from);
  const target = layerOf(to);
  if (source === target || (MAY_IMPORT[source] ?? []).includes(target)) return true;
  return ALSO_ALLOWED.some((entry) => (entry.from === from || entry.from === source) && entry.to === to);
}

const FILES = [...sourceFiles('src'), ...sourceFiles('policies')];

describe('import directions', () => {
  it('finds the imports it checks (the pattern reads real files)', () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(importsOf('src/cli/check.ts')).toContain('src/runner/regression.ts');
    expect(importsOf('src/report/check-table.ts')).toContain('src/contract/check-result.ts');
  });

  it('every file is in a known layer', () => {
    expect(FILES.map(layerOf).filter((layer) => !(layer in MAY_IMPORT))).toEqual([]);
  });

  it('every import goes down the layers (or is in the allow-list)', () => {
    const wrong = FILES.flatMap((file) => importsOf(file).filter((target) => !allowed(file, target)).map((target) => `${file} → ${target}`));
    expect(wrong).toEqual([]);
  });

  it('the allow-list has no stale entries', () => {
    const used = ALSO_ALLOWED.filter((entry) => FILES.some((file) => (entry.from === file || entry.from === layerOf(file)) && importsOf(file).includes(entry.to)));
    expect(used).toEqual(ALSO_ALLOWED);
  });

  it('a wrong direction is caught', () => {
    expect(allowed('src/report/table.ts', 'src/runner/compare.ts')).toBe(false);
    expect(allowed('src/engine/scheduler.ts', 'src/model/simulation.ts')).toBe(false);
    expect(allowed('src/model/simulation.ts', 'src/runner/task.ts')).toBe(false);
    expect(allowed('policies/mempool.ts', 'src/model/page-ledger.ts')).toBe(false);
    expect(allowed('src/cli/run.ts', 'src/model/allocator.ts')).toBe(false);
    expect(allowed('src/scenario/base.ts', 'src/model/allocator.ts')).toBe(false);
    expect(allowed('src/policy/loader.ts', 'src/scenario/load.ts')).toBe(false);
  });
});
