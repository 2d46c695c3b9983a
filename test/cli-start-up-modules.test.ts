// `rcupool --version` and `rcupool list` load only what they print: no YAML parser, no model, no
// runner, no report code. Checked by the modules a real start loads (a node --import hook logs
// each one), not by timing: start-up time follows from what is loaded.
import { spawnSync } from 'node:child_process';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, E2E_TIMEOUT_MS, ROOT } from './helpers/cli.js';

const LOGGER = join(ROOT, 'test', 'fixtures', 'module-log', 'register.mjs');

/** What `rcupool <args>` printed and every module it loaded, as paths under the package (node: built-ins as they are). */
function loadedBy(args: string[]): { status: number | null; stdout: string; modules: string[] } {
  const result = spawnSync(process.execPath, ['--import', LOGGER, BIN, ...args], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  const root = pathToFileURL(join(ROOT, '/')).href;
  const modules = [...result.stderr.matchAll(/^module-log: (.*)$/gm)].map((match) => match[1]!.replace(root, ''));
  return { status: result.status, stdout: result.stdout, modules };
}

/** Modules neither command may load: the YAML parser, table packages, and every layer below the CLI but the policy loader and the presets. */
const HEAVY = [
  /^node_modules\/yaml\//,
  /^node_modules\/(cli-table3|chalk|vega|vega-lite|jiti|@sinclair\/typebox)\//,
  /^dist\/src\/(model|engine|runner|report|trace|contract)\//,
  /^dist\/src\/scenario\/(load|file|overrides|yaml-order|validate|schema)\.js$/,
  /^dist\/src\/policy\/(validate|module-schema)\.js$/, // the module check is for users' files (a built-in is checked by a test)
  /^dist\/src\/policy\/supervise\.js$/, // threads are for users' files, which `list` only loads when given
  /^node:(crypto|worker_threads)$/,
];

const heavyIn = (modules: string[]) => modules.filter((module) => HEAVY.some((pattern) => pattern.test(module)));

describe.skipIf(typeof nodeModule.register !== 'function')('what a light command loads', { timeout: E2E_TIMEOUT_MS }, () => {
  it('`rcupool list` loads the policies and presets it lists, and nothing heavy', () => {
    const { status, stdout, modules } = loadedBy(['list']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Policies \(\d+\)/);
    // The log itself works: it sees the command and what it lists.
    expect(modules).toContain('dist/src/cli/list.js');
    expect(modules).toContain('dist/policies/upstream.js');
    expect(modules).toContain('dist/src/scenario/presets.js');
    expect(heavyIn(modules)).toEqual([]);
  });

  it('`rcupool list --json` and `list scenarios` stay as light', () => {
    for (const args of [['list', '--json'], ['list', 'scenarios']]) {
      const { status, modules } = loadedBy(args);
      expect(status).toBe(0);
      expect(heavyIn(modules)).toEqual([]);
    }
  });

  it('`rcupool --version` loads the CLI entry, the version and commander only', () => {
    const { status, stdout, modules } = loadedBy(['--version']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
    const ours = modules.filter((module) => module.startsWith('dist/'));
    expect(ours.sort()).toEqual(['dist/src/cli/main.js', 'dist/src/cli/usage-error.js', 'dist/src/version.js']);
  });

  it('`rcupool compare` on a preset as it is loads neither the YAML parser nor the schema library, and its run thread no policy guards', () => {
    const { status, stdout, modules } = loadedBy(['compare', '--policy', 'upstream,mempool', '--seeds', '1']);
    expect(status).toBe(0);
    expect(stdout).toContain('mempool');
    // The log sees the run's thread too: the model ran there.
    expect(modules).toContain('dist/src/model/simulation.js');
    const schemaOrYaml = modules.filter((module) => /^node_modules\/(yaml|@sinclair\/typebox)\//.test(module) || /^dist\/src\/policy\/guards\.js$/.test(module));
    expect(schemaOrYaml).toEqual([]);
  });

  it('a failing command still explains itself in one line (the error module loads when needed)', () => {
    const result = spawnSync(process.execPath, [BIN, 'compare', '--scenario', 'flod'], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: --scenario: expected a preset .*"flod"; did you mean "flood"\?\n$/);
  });
});
