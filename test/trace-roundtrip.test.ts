// The round trip: a simulated run written as ftrace text (run --trace-out), read back. `trace
// stats` must give that run's own metrics where the two overlap, and `trace fit` must recover
// the scenario's call rates and grace-period median within 10 %; the fitted file must load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/scenario/load.js';
import { presetScenario } from '../src/scenario/presets.js';
import type { RatePhase, Scenario } from '../src/scenario/types.js';
import { readCapture } from '../src/trace/capture.js';
import { fitScenario, fitYaml } from '../src/trace/fit.js';
import { traceRun } from '../src/trace/record.js';
import { nullPolicy, quietScenario, simulate, upstream, defaultParams } from './helpers/model-harness.js';

const folder = mkdtempSync(join(tmpdir(), 'rcupool-trace-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Four phone CPUs: 1 s at 20,000 calls/s per CPU, then 1 s at 6,000. */
function twoRates(): Scenario {
  const s = presetScenario('steady');
  s.durationMs = 2_000;
  s.workload.activeCpus = 4;
  s.workload.phases = [
    { kind: 'constant', durationMs: 1_000, callsPerSecPerCpu: 20_000 },
    { kind: 'constant', durationMs: 1_000, callsPerSecPerCpu: 6_000 },
  ];
  return s;
}

/** The fitted phases' mean rate over [fromMs, toMs). */
function meanRate(phases: readonly RatePhase[], fromMs: number, toMs: number): number {
  let start = 0;
  let calls = 0;
  for (const phase of phases) {
    if (phase.kind !== 'constant') throw new Error('fit writes constant phases');
    const overlap = Math.max(0, Math.min(toMs, start + phase.durationMs) - Math.max(fromMs, start));
    calls += phase.callsPerSecPerCpu * overlap;
    start += phase.durationMs;
  }
  return calls / (toMs - fromMs);
}

async function roundTrip(scenario: Scenario, policy = upstream, everyCall = false) {
  const traced = traceRun({ scenario, policy, params: defaultParams(policy), seed: 1, everyCall });
  const file = join(folder, `${scenario.name}-${policy.name}-${everyCall}.txt`);
  traced.writer.writeFile(file, traced.header);
  const capture = await readCapture(file);
  return { traced, capture, file };
}

describe('trace stats on a simulated run equals the run\'s metrics', () => {
  it('calls, pointer pages, rcu_head fallbacks and GPs (upstream, two rates)', async () => {
    const { traced, capture } = await roundTrip(twoRates());
    const metrics = traced.result.metrics;
    expect(capture.read.skipped).toBe(0);
    expect(capture.stats.metrics.calls).toBe(metrics.calls);
    expect(capture.stats.metrics.pagesAllocated).toBe(metrics.pagesAllocated);
    expect(capture.stats.metrics.failures.rcuHead).toBe(metrics.failures.rcuHead);
    expect(capture.stats.metrics.failures.syncInline).toBe(metrics.failures.syncInline);
    const { simulation } = simulate(twoRates(), upstream);
    expect(capture.stats.metrics.gp.count).toBe(simulation.gracePeriods.count);
  });

  it('headless calls that synchronize_rcu() inline show as kfree() from kvfree_call_rcu (a policy with no pages)', async () => {
    const scenario = quietScenario();
    const { traced, capture } = await roundTrip(scenario, nullPolicy);
    const metrics = traced.result.metrics;
    expect(metrics.failures.syncInline).toBeGreaterThan(0);
    expect(capture.stats.metrics.failures).toEqual({ rcuHead: metrics.failures.rcuHead, syncInline: metrics.failures.syncInline });
    expect(capture.stats.metrics.calls).toBe(metrics.calls);
    expect(capture.stats.metrics.pagesAllocated).toBe(0);
  });

  it('the traced run is the run the table shows: the sink changes nothing', () => {
    const plain = simulate(twoRates(), upstream).result.metrics;
    const traced = traceRun({ scenario: twoRates(), policy: upstream, params: defaultParams(upstream), seed: 1, everyCall: true }).result.metrics;
    expect(traced).toEqual(plain);
  }, 60_000);
});

describe('trace fit on a simulated run recovers the scenario', () => {
  for (const everyCall of [false, true]) {
    it(`call rates per phase and the GP median within 10 % (${everyCall ? 'every call traced' : 'rates from objects freed'})`, async () => {
      const scenario = twoRates();
      const { capture } = await roundTrip(scenario, upstream, everyCall);
      const fit = fitScenario(capture, presetScenario('default'), 'default');
      const fitted = fit.scenario;
      expect(fitted.workload.activeCpus).toBe(4);
      expect(fitted.machine.cpus).toBe(scenario.machine.cpus);
      expect(meanRate(fitted.workload.phases, 0, 1_000) / 20_000).toBeGreaterThan(0.9);
      expect(meanRate(fitted.workload.phases, 0, 1_000) / 20_000).toBeLessThan(1.1);
      expect(meanRate(fitted.workload.phases, 1_000, 2_000) / 6_000).toBeGreaterThan(0.9);
      expect(meanRate(fitted.workload.phases, 1_000, 2_000) / 6_000).toBeLessThan(1.1);
      expect(Math.abs(fitted.durationMs - 2_000)).toBeLessThanOrEqual(200);
      expect(fitted.timing.gp.medianMs / scenario.timing.gp.medianMs).toBeGreaterThan(0.9);
      expect(fitted.timing.gp.medianMs / scenario.timing.gp.medianMs).toBeLessThan(1.1);
      expect(fit.evidence.get('workload.phases')).toMatch(everyCall ? /rcu_kvfree_callback calls/ : /objects freed/);
    }, 60_000);
  }

  it('writes a YAML that loads with --scenario to the fitted scenario, evidence as comments, the rest kept', async () => {
    const { capture } = await roundTrip(twoRates());
    const fit = fitScenario(capture, presetScenario('default'), 'default');
    const yaml = fitYaml(fit, 'default');
    const file = join(folder, 'fitted.yaml');
    writeFileSync(file, yaml);
    expect(loadScenarioFile(file)).toEqual(fit.scenario);
    expect(yaml).toMatch(/medianMs: [\d.]+ # from \d+ rcu_grace_period start\/end pairs/);
    expect(yaml).toMatch(/cpus: 8 # from the header \(#P:8\)/);
    expect(fit.kept).toContain('killers');
    expect(fit.kept).toContain('workload.headlessShare');
    expect(fit.kept).not.toContain('timing.gp.medianMs');
  });
});
