// Property-based tests (fast-check), in-process: random valid scenarios (small machine, a few
// ms of calls) × every built-in policy hold every invariant (checked after each event), give
// finite metrics and the same bytes for the same seed; random invalid documents are refused
// with one line naming the file. A failure prints the scenario layer that reproduces it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Simulation } from '../src/model/simulation.js';
import type { PolicyModule } from '../src/policy/api.js';
import { nonFiniteMetric } from '../src/runner/task.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { presetScenario } from '../src/scenario/presets.js';
import { applyLayer, ScenarioError } from '../src/scenario/validate.js';
import { isUserError } from '../src/cli/errors.js';
import { builtinPolicies, invalidDocument, PROPERTY_RUNS, PROPERTY_SEED, validLayer } from './helpers/property-cases.js';

const policies: PolicyModule[] = await builtinPolicies();
/** A bound, not a speed test: 1,000 cases take seconds; it only stops a hung generator. */
const PROPERTY_TIMEOUT_MS = 60 * PROPERTY_RUNS;
const folder = mkdtempSync(join(tmpdir(), 'rcupool-property-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function defaults(policy: PolicyModule): Record<string, number | string | boolean> {
  return Object.fromEntries(policy.params.map((param) => [param.name, param.default]));
}

describe('random valid scenarios × every built-in policy', () => {
  it(`hold every invariant, give finite metrics and the same bytes for the same seed (${PROPERTY_RUNS} cases)`, () => {
    expect(policies.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(validLayer, fc.integer({ min: 0, max: 1_000_000 }), fc.nat(policies.length - 1), (layer, seed, policyIndex) => {
        const scenario = applyLayer(presetScenario('steady'), { input: layer, where: () => 'property case' });
        // Every built-in on every case would be 7× the cost; the case picks one, and the
        // generator's shrinking keeps the failing one, so each is covered many times over.
        const policy = policies[policyIndex]!;
        const run = () => new Simulation(scenario, policy, defaults(policy), { seed, checkInvariants: true }).run();
        let first;
        try {
          first = run();
        } catch (error) {
          throw new Error(`${policy.name}, seed ${seed}: ${(error as Error).message}\nscenario layer: ${JSON.stringify(layer)}`);
        }
        const bad = nonFiniteMetric(first.metrics);
        if (bad !== undefined) throw new Error(`${policy.name}, seed ${seed}: metric ${bad} is not finite\nscenario layer: ${JSON.stringify(layer)}`);
        const { failures, latencyUs, reserve, inflight } = first.metrics;
        expect(failures.count).toBeLessThanOrEqual(first.metrics.calls);
        expect(failures.rcuHead + failures.syncInline).toBe(failures.count);
        expect(reserve.avgPages).toBeLessThanOrEqual(reserve.peakPages + 1e-9);
        expect(inflight.avgPages).toBeLessThanOrEqual(inflight.peakPages + 1e-9);
        expect(latencyUs.p50).toBeLessThanOrEqual(latencyUs.p99);
        expect(latencyUs.p99).toBeLessThanOrEqual(latencyUs.max);
        expect(JSON.stringify(run().metrics)).toBe(JSON.stringify(first.metrics));
      }),
      { numRuns: PROPERTY_RUNS, seed: PROPERTY_SEED },
    );
  }, PROPERTY_TIMEOUT_MS);
});

describe('random invalid scenario documents', () => {
  it(`are refused with a user error of one line naming the file, never a crash (${PROPERTY_RUNS} cases)`, () => {
    let count = 0;
    fc.assert(
      fc.property(invalidDocument, ({ json, text }) => {
        const file = join(folder, `case-${count++}.${json ? 'json' : 'yaml'}`);
        writeFileSync(file, text);
        let thrown: unknown;
        try {
          loadScenarioFile(file);
        } catch (error) {
          thrown = error;
        }
        if (!(thrown instanceof ScenarioError)) throw new Error(`expected a ScenarioError for ${JSON.stringify(text)}, got ${thrown === undefined ? 'a scenario' : String(thrown)}`);
        expect(isUserError(thrown)).toBe(true);
        expect(thrown.message).not.toContain('\n');
        expect(thrown.message.startsWith(file)).toBe(true);
      }),
      { numRuns: PROPERTY_RUNS, seed: PROPERTY_SEED },
    );
  }, PROPERTY_TIMEOUT_MS);
});
