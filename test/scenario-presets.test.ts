import { describe, expect, it } from 'vitest';
import { watermarks } from '../src/scenario/machines.js';
import { listPresets, PRESET_NAMES, presetScenario } from '../src/scenario/presets.js';
import { schemaRows } from '../src/scenario/schema.js';
import { totalPhaseMs } from '../src/scenario/timeline.js';
import type { RatePhase, Scenario } from '../src/scenario/types.js';
import { checkScenario } from '../src/scenario/validate.js';
import { canonicalScenario } from '../src/scenario/yaml-order.js';

/** Calls one active CPU makes over the phases (bursts assumed to start each period). */
function callsPerCpu(phases: readonly RatePhase[]): number {
  return phases.reduce((sum, phase) => {
    const seconds = phase.durationMs / 1_000;
    if (phase.kind === 'constant') return sum + phase.callsPerSecPerCpu * seconds;
    if (phase.kind === 'ramp') return sum + ((phase.fromCallsPerSecPerCpu + phase.toCallsPerSecPerCpu) / 2) * seconds;
    const burstShare = phase.burstMs / phase.periodMs;
    return sum + (phase.burstCallsPerSecPerCpu * burstShare + phase.baseCallsPerSecPerCpu * (1 - burstShare)) * seconds;
  }, 0);
}

function freeAtStart(s: Scenario): number {
  return s.machine.managedPages - s.others.anonInitialPages - s.others.pageCachePages;
}

describe('presets', () => {
  it('have the contract names, in order', () => {
    expect(PRESET_NAMES).toEqual(['default', 'steady', 'flood', 'pcp-drained', 'pcp-monopoly', 'sched-latency', 'ramp', 'pool-abuse', 'rt', 'embedded', 'rcuscale']);
  });

  it.each(PRESET_NAMES)('%s is valid, named after itself, and its phases fill its duration', (name) => {
    const s = presetScenario(name);
    expect(() => checkScenario(s, { where: () => `preset ${name}` })).not.toThrow();
    expect(s.name).toBe(name);
    expect(totalPhaseMs(s.workload.phases)).toBe(s.durationMs);
  });

  // A bare `--scenario NAME` uses the preset as built, without the checks and reordering
  // (src/cli/run-options.ts): it must give the bytes a file or an override would.
  it.each(PRESET_NAMES)('%s is built with its keys in schema order', (name) => {
    const s = presetScenario(name);
    expect(JSON.stringify(s)).toBe(JSON.stringify(canonicalScenario(s)));
  });

  it('are fresh copies each time', () => {
    const first = presetScenario('default');
    first.workload.phases.length = 0;
    expect(presetScenario('default').workload.phases.length).toBeGreaterThan(0);
  });

  it('list name, description, claim, machine and duration', () => {
    const list = listPresets();
    expect(list.map((entry) => entry.name)).toEqual([...PRESET_NAMES]);
    for (const entry of list) {
      expect(entry.description.length, entry.name).toBeGreaterThan(20);
      expect(entry.claim.length, entry.name).toBeGreaterThan(20);
    }
    const claimOf = Object.fromEntries(list.map((entry) => [entry.name, entry.claim]));
    const expectedClaims: Record<string, string> = {
      steady: 'Claim 1',
      flood: 'Claim 2',
      'pcp-drained': 'Claim 3',
      'pcp-monopoly': 'Claim 4',
      'sched-latency': 'Claim 5',
      ramp: 'Claim 6',
      'pool-abuse': 'Claim 7',
      rt: 'Claim 8',
      embedded: 'Claim 1',
    };
    for (const [name, claim] of Object.entries(expectedClaims)) expect(claimOf[name]).toMatch(new RegExp(`^${claim}\\b`));
    expect(list.find((entry) => entry.name === 'flood')).toMatchObject({ machine: 'server', cpus: 64, activeCpus: 64, durationMs: 10_000 });
    expect(list.find((entry) => entry.name === 'embedded')).toMatchObject({ machine: 'embedded', cpus: 2 });
  });

  it('default: a phone whose free memory starts well above LOW and whose apps then want more than is free', () => {
    const s = presetScenario('default');
    const { lowPages } = watermarks(s.machine);
    expect(s.machine.preset).toBe('phone');
    expect(s.durationMs).toBe(10_000);
    expect(freeAtStart(s)).toBeGreaterThan(lowPages);
    const anonGrowth = Math.max(...s.others.anonSteps.map((step) => step.targetPages)) - s.others.anonInitialPages;
    expect(anonGrowth).toBeGreaterThan(freeAtStart(s)); // kswapd has to work
    expect(s.workload.phases.some((phase) => phase.kind === 'burst')).toBe(true);
  });

  it('flood: every CPU of the 64-CPU server at a few million calls/s for about 10 s', () => {
    const s = presetScenario('flood');
    expect(s.workload.activeCpus).toBe(64);
    for (const phase of s.workload.phases) expect(phase).toMatchObject({ kind: 'constant' });
    const rate = callsPerCpu(s.workload.phases) / (s.durationMs / 1_000);
    expect(rate).toBeGreaterThanOrEqual(1e6);
    expect(rate).toBeLessThan(1e7);
    // Background users stay modest on 64 CPUs: their cost scales with CPUs × ticks.
    expect((s.machine.cpus * s.durationMs) / s.others.tickMs).toBeLessThanOrEqual(200_000);
  });

  it('rcuscale: 16 closed-loop threads on 64 CPUs, 10,000 loops × 8,000 calls each, grace periods from the published batch rate', () => {
    const s = presetScenario('rcuscale');
    expect(s.machine.cpus).toBe(64);
    expect(s.workload.activeCpus).toBe(16);
    expect(s.workload.callers).toMatchObject({ mode: 'closed', threadsPerCpu: 1, callsPerThread: 80_000_000 });
    expect(s.workload.objectBytes).toBe(32);
    // 8.3–8.6 s / 1,724–1,790 batches ≈ 4.8 ms per grace period.
    expect(s.timing.gp.medianMs).toBeGreaterThan(4);
    expect(s.timing.gp.medianMs).toBeLessThan(5);
  });

  it('pcp-drained: no drain is scheduled, and the app launches outrun kswapd while the bursts come', () => {
    const s = presetScenario('pcp-drained');
    expect(s.events.filter((event) => event.kind === 'drainAllPages')).toEqual([]);
    const launch = s.others.anonSteps[s.others.anonSteps.length - 1];
    const before = s.others.anonSteps[s.others.anonSteps.length - 2];
    const launchPagesPerSec = (launch.targetPages - before.targetPages) / (launch.rampMs / 1000);
    expect(launchPagesPerSec).toBeGreaterThan(s.timing.kswapd.reclaimPagesPerSec);
    const burst = s.workload.phases.find((phase) => phase.kind === 'burst');
    if (burst?.kind !== 'burst') return expect.unreachable('pcp-drained has no burst phase');
    expect(launch.atMs + launch.rampMs).toBeGreaterThan(2 * burst.periodMs);
  });

  it('ramp: the rate rises more than 100-fold within 10 ms', () => {
    const ramp = presetScenario('ramp').workload.phases.find((phase) => phase.kind === 'ramp');
    expect(ramp).toBeDefined();
    if (ramp?.kind !== 'ramp') return;
    expect(ramp.durationMs).toBeLessThanOrEqual(10);
    expect(ramp.toCallsPerSecPerCpu / ramp.fromCallsPerSecPerCpu).toBeGreaterThan(100);
  });

  it('sched-latency: workers wake tens of ms late with a tail of hundreds', () => {
    const load = presetScenario('sched-latency').events.find((event) => event.kind === 'load');
    if (load?.kind !== 'load') return expect.unreachable('no load event');
    expect(load.change.workqueues!.highpri.medianUs).toBeGreaterThanOrEqual(10_000);
    expect(load.change.workqueues!.normal.p99Us).toBeGreaterThanOrEqual(100_000);
  });

  it('pool-abuse steals shared reserves; rt runs PREEMPT_RT with raw-lock callers', () => {
    expect(presetScenario('pool-abuse').events.some((event) => event.kind === 'stealSharedReserve')).toBe(true);
    const rt = presetScenario('rt');
    expect(rt.kernel.preemptRt).toBe(true);
    expect(rt.workload.context.atomicRaw).toBeGreaterThan(0);
  });
});

describe('schema rows for explain', () => {
  it('cover every field, shorthands and variant fields included', () => {
    const paths = schemaRows().map((row) => row.path);
    expect(paths).toContain('workload.phases[][kind=burst].burstMs');
    expect(paths).toContain('events[][kind=load].change.gp.medianMs');
    expect(schemaRows().find((row) => row.path === 'machine.memory')).toMatchObject({ inputOnly: true, unit: 'pages' });
    expect(schemaRows().find((row) => row.path === 'durationMs')).toMatchObject({ unit: 'ms', range: '> 0 ms', inputOnly: false });
  });
});
