// docs/policies.md's example must type-check against the API and run clean, and run
// as is with `rcupool compare --policy ./my-policy.ts` from a folder outside the repo.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { describe, expect, it } from 'vitest';
import type { PolicyModule } from '../src/policy/api.js';
import { PolicyHarness, fullRun, shortScenario } from './helpers/policy-harness.js';

const repo = resolve(fileURLToPath(import.meta.url), '../..');

function exampleSource(): string {
  const markdown = readFileSync(join(repo, 'docs', 'policies.md'), 'utf8');
  const section = markdown.slice(markdown.indexOf('# Writing a policy'));
  const block = /```ts\n(\/\/ my-policy\.ts\n[\s\S]*?)```/.exec(section);
  if (!block) throw new Error('docs/policies.md: no ```ts block starting with "// my-policy.ts"');
  return block[1];
}

/** A folder outside the repo holding the example as my-policy.ts. */
function exampleFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'rcupool-docs-'));
  writeFileSync(join(folder, 'my-policy.ts'), exampleSource());
  return folder;
}

async function loadExample(): Promise<PolicyModule> {
  const file = join(exampleFolder(), 'my-policy.ts');
  const jiti = createJiti(import.meta.url, { alias: { rcupool: join(repo, 'src/index.ts') }, moduleCache: false, fsCache: false });
  return jiti.import<PolicyModule>(file, { default: true });
}

describe('the docs/policies.md example', () => {
  it('imports only rcupool', () => {
    const imports = [...exampleSource().matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports).toEqual(['rcupool']);
  });

  it('type-checks under strict NodeNext settings, with rcupool resolving to the API', () => {
    const folder = exampleFolder();
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
    const compilerOptions = {
      strict: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      noEmit: true,
      skipLibCheck: true,
      types: [],
      paths: { rcupool: [join(repo, 'src/index.ts')] },
    };
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['my-policy.ts'] }));
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    let errors = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', folder], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      errors = String((error as { stdout?: string }).stdout || error);
    }
    expect(errors).toBe('');
  }, 60_000);

  it('loads from a folder outside the repo and runs a full simulation clean', async () => {
    const policy = await loadExample();
    expect(policy.name).toBe('my-policy');
    const metrics = fullRun(policy, shortScenario()).metrics;
    expect(metrics.violations.count).toBe(0);
    expect(metrics.pagesAllocated).toBeGreaterThan(0);
    expect(metrics.reserve.peakPages).toBeLessThanOrEqual(8 * 8);
  });

  it('runs as is with `rcupool compare --policy ./my-policy.ts` from a folder outside the repo', () => {
    const folder = exampleFolder();
    const run = spawnSync(process.execPath, [join(repo, 'bin/rcupool'), 'compare', '--policy', './my-policy.ts,upstream', '--duration', '300ms', '--json', '--jobs', '1'], {
      cwd: folder,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { results: Array<{ policy: string; source: string; fileHash?: string; metrics?: { calls: number } }> };
    expect(result.results.map((entry) => entry.policy)).toEqual(['my-policy', 'upstream']);
    expect(result.results[0].source).toBe('./my-policy.ts');
    expect(result.results[0].fileHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.results[0].metrics?.calls).toBe(result.results[1].metrics?.calls);
  }, 60_000);

  it('gives back its cache to the shrinker, no more than asked', async () => {
    const bench = new PolicyHarness(await loadExample()).start();
    bench.needPage({ cpu: 0 });
    bench.needPage({ cpu: 1 });
    bench.advance(100_000);
    expect(bench.reservePages).toBe(16);
    expect(bench.shrinkCount()).toBe(16);
    expect(bench.shrinkScan(10)).toBe(10);
    expect(bench.reservePages).toBe(6);
  });
});
