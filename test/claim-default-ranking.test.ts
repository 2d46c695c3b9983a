// The `default` story must not hang on one knob (point 8 of the fidelity issue): the ranking of
// the policies whose page supply does not depend on the call form holds for headlessShare 0, 0.1
// and 0.5, and the share moves only the policies that allocate inline for headless callers (the
// v5.12 NORETRY page), as their mechanism says. The README ("What the model assumes") names the
// knobs that decide the ranking.
import { describe, expect, it } from 'vitest';
import growAfterEmergency from '../policies/grow-after-emergency.js';
import inlineNowait from '../policies/inline-nowait.js';
import locklessPcp from '../policies/lockless-pcp.js';
import mempool from '../policies/mempool.js';
import nolockAlloc from '../policies/nolock-alloc.js';
import refillWorker from '../policies/refill-worker.js';
import type { PolicyModule } from '../src/policy/api.js';
import { Simulation } from '../src/model/simulation.js';
import { resolveScenario } from '../src/scenario/load.js';
import { defaultParams } from './helpers/model-harness.js';

const SHARES = [0, 0.1, 0.5];

function failureRate(policy: PolicyModule, headlessShare: number): number {
  const scenario = resolveScenario('default', [`workload.headlessShare=${headlessShare}`]);
  return new Simulation(scenario, policy, defaultParams(policy), { seed: 1 }).run().metrics.failures.rate;
}

describe('default: the ranking is the policies\', not the headless share\'s', () => {
  const rates = new Map(
    [mempool, locklessPcp, inlineNowait, refillWorker, nolockAlloc, growAfterEmergency].map((policy) => [policy.name, SHARES.map((share) => failureRate(policy, share))]),
  );
  const at = (name: string, index: number) => rates.get(name)![index];

  // lockless-pcp and inline-nowait stay close and trade places (seen: 0.86 % and 0.88 % at share
  // 0, 1.02 % and 0.88 % at 0.1, 0.66 % and 0.88 % at 0.5), so their mutual order is not part of
  // the claim; nor is grow-after-emergency against lockless-pcp: with no headless calls the rescue
  // pool waits for its worker while lockless-pcp grabs from the PCP list for every call form
  // (1.2 % vs 0.86 %), with some it takes the v5.12 inline page and falls back far less (0.09 %
  // vs 1.02 % at 0.1).
  it.each(SHARES.map((share, index) => [share, index]))(
    'headlessShare %s: mempool < nolock-alloc < inline-nowait < refill-worker, and grow-after-emergency, lockless-pcp < refill-worker',
    (_share, index) => {
      expect(at('mempool', index)).toBeLessThan(at('nolock-alloc', index));
      expect(at('nolock-alloc', index)).toBeLessThan(at('inline-nowait', index));
      expect(at('inline-nowait', index)).toBeLessThan(at('refill-worker', index));
      expect(at('grow-after-emergency', index)).toBeLessThan(at('refill-worker', index));
      expect(at('lockless-pcp', index)).toBeLessThan(at('refill-worker', index));
    },
  );

  it('policies that treat both call forms alike fall back about as often whatever the share', () => {
    for (const name of ['inline-nowait', 'refill-worker']) {
      const [none, some, half] = rates.get(name)!;
      for (const rate of [some, half]) expect(rate / none, name).toBeGreaterThan(0.8);
      for (const rate of [some, half]) expect(rate / none, name).toBeLessThan(1.25);
    }
  });

  it.each(['nolock-alloc', 'grow-after-emergency'])('%s, with the v5.12 inline page for headless callers, falls back less the more calls are headless', (name) => {
    const [none, some, half] = rates.get(name)!;
    expect(some).toBeLessThan(none);
    expect(half).toBeLessThan(some);
  });
}, 180_000);
