// Each claim preset shows its claim of docs/model.md §6 in the numbers: the direction, not a value.
// Runs are in-process, seed 1, on the preset as shipped or on a shortened run where the
// squeezed timeline keeps the story (durationMs rescales phases and events, never rates or the
// shape inside a burst). Numbers seen when these were written are in the comments.
import { describe, expect, it } from 'vitest';
import growAfterEmergency from '../policies/grow-after-emergency.js';
import inlineNowait from '../policies/inline-nowait.js';
import locklessPcp from '../policies/lockless-pcp.js';
import mempool from '../policies/mempool.js';
import nolockAlloc from '../policies/nolock-alloc.js';
import refillWorker from '../policies/refill-worker.js';
import upstream from '../policies/upstream.js';
import { watermarks } from '../src/scenario/machines.js';
import type { Metrics } from '../src/contract/metrics.js';
import { Simulation, type SimulationResult } from '../src/model/simulation.js';
import { definePolicy, type ParamValues, type PolicyModule } from '../src/policy/api.js';
import { resolveScenario } from '../src/scenario/load.js';
import { totalPhaseMs } from '../src/scenario/timeline.js';
import type { Scenario } from '../src/scenario/types.js';
import { defaultParams, nowaitPolicy } from './helpers/model-harness.js';

const BUILTINS = [growAfterEmergency, inlineNowait, locklessPcp, mempool, nolockAlloc, refillWorker, upstream];

/** Generous: a full 10 s phone run takes 1–3 s alone, more with other test files beside it. */
const SLOW = 120_000;

interface RunOptions {
  /** `--set` overrides. */
  sets?: string[];
  /** `--duration`: rescales the preset's timeline. */
  durationMs?: number;
  params?: ParamValues;
  /** Timeline samples; failures per sample give failures per window. */
  timelinePoints?: number;
  seed?: number;
}

interface Run extends SimulationResult {
  scenario: Scenario;
  m: Metrics;
}

function run(preset: string, policy: PolicyModule, options: RunOptions = {}): Run {
  const scenario = resolveScenario(preset, options.sets ?? [], options.durationMs);
  const params = { ...defaultParams(policy), ...options.params };
  const result = new Simulation(scenario, policy, params, { seed: options.seed ?? 1, timelinePoints: options.timelinePoints ?? 0 }).run();
  return { ...result, scenario, m: result.metrics };
}

/** Calls that took the fallback in the window (fromMs, toMs], from the timeline samples. */
function failuresIn(result: Run, fromMs: number, toMs: number): number {
  if (result.timeline.length === 0) throw new Error('run with timelinePoints to count failures per window');
  let failures = 0;
  for (const sample of result.timeline) if (sample.timeMs > fromMs && sample.timeMs <= toMs) failures += sample.failures;
  return failures;
}

/** Fallbacks per ms in the window (fromMs, toMs]. */
function failureRateIn(result: Run, fromMs: number, toMs: number): number {
  return failuresIn(result, fromMs, toMs) / (toMs - fromMs);
}

/** When the first phase of this kind starts. */
function phaseStartMs(s: Scenario, kind: Scenario['workload']['phases'][number]['kind']): number {
  const index = s.workload.phases.findIndex((phase) => phase.kind === kind);
  if (index < 0) throw new Error(`${s.name}: no ${kind} phase`);
  return totalPhaseMs(s.workload.phases.slice(0, index));
}

describe('claim 1 (steady): preallocation wastes memory "needlessly most of the time"', () => {
  it('a mempool reserve sits full and untouched while neither it nor upstream fails', () => {
    const pool = run('steady', mempool).m;
    const today = run('steady', upstream).m;
    // Seen: mempool 0 failures, its 200 pages in reserve all the time; upstream 12 failures in 1.6 M
    // calls (cold caches at the start), 28 pages cached on average.
    expect(pool.failures.rate).toBeLessThan(1e-4);
    expect(today.failures.rate).toBeLessThan(1e-4);
    expect(pool.reserve.avgPages).toBeGreaterThan(0.99 * pool.reserve.peakPages); // never dipped into
    expect(pool.reserve.avgPages).toBeGreaterThanOrEqual(100); // the 100–300 pages phones care about (Rezki)
    expect(pool.reserve.avgPages).toBeGreaterThan(5 * today.reserve.avgPages);
  }, SLOW);
});

describe('claim 2 (flood): no fixed reserve bounds a close(open()) flood', () => {
  // 1 s instead of 10: the GP stretch at half time moves to 500 ms, still mid-flood.
  const durationMs = 1_000;

  it('the squeezed run keeps the GP stretch in the middle of the flood', () => {
    const s = resolveScenario('flood', [], durationMs);
    expect(s.events.filter((event) => event.kind === 'load').map((event) => event.atMs)).toEqual([durationMs / 2]);
  });

  it('pointer pages in flight pass 2,000 per CPU (≈ 500 MB on 64 CPUs), far beyond a mempool reserve; upstream falls back to rcu_head', () => {
    const today = run('flood', upstream, { durationMs });
    const pool = run('flood', mempool, { durationMs });
    const cpus = today.scenario.workload.activeCpus;
    expect(cpus).toBe(64);
    // Seen: ≈ 200,000 pages at peak (3,100 per CPU, 780 MB) for both; mempool's reserve 1,600.
    // (The full 10 s run peaks at ≈ 420,000: 6,500 per CPU.)
    expect(today.m.inflight.peakPages / cpus).toBeGreaterThan(2_000);
    expect(pool.m.inflight.peakPages / cpus).toBeGreaterThan(2_000);
    expect(pool.m.inflight.peakPages).toBeGreaterThan(100 * pool.m.reserve.peakPages);
    expect(today.m.failures.rcuHead).toBeGreaterThan(0); // ≈ 2.5 M
  }, SLOW);

  it('a fixed reserve of McKenney\'s 2,000 pages per CPU runs dry and the calls take the fallback', () => {
    const fixed = definePolicy({
      name: 'fixed-2000',
      summary: 'test: 2,000 preallocated pages per CPU and nothing else',
      source: 'test',
      params: [],
      create(kernel) {
        const pool = kernel.reserve('fixed', { shared: false });
        return {
          onStart() {
            for (let cpu = 0; cpu < kernel.cpus; cpu++) {
              for (let index = 0; index < 2_000; index++) {
                const page = kernel.alloc(cpu, 'KERNEL');
                if (!page) throw new Error('the server should have 128,000 pages to spare');
                pool.put(cpu, page);
              }
            }
          },
          needPage: (request) => pool.take(request.cpu),
          pageEmptied: (cpu, page) => pool.put(cpu, page),
        };
      },
    });
    // Per-CPU demand does not depend on how many CPUs call: 8 of the 64 keep the run short.
    const result = run('flood', fixed, { durationMs, sets: ['workload.activeCpus=8'] });
    // Seen: all 16,000 pages in flight at once; then each CPU's one close(open()) loop falls back:
    // two-argument calls through their rcu_head, and each headless call blocks the loop in
    // synchronize_rcu() for a stretched GP (≈ 9 s blocked in all, 16 stalls of up to ≈ 580 ms).
    expect(result.m.inflight.peakPages).toBeGreaterThan(0.9 * 2_000 * 8);
    expect(result.m.failures.rcuHead).toBeGreaterThan(0);
    expect(result.m.failures.syncInline).toBeGreaterThan(0);
    const afterStretchCpuMs = 8 * (durationMs / 2);
    expect(result.m.stalls.syncMs).toBeGreaterThan(0.5 * afterStretchCpuMs);
  }, SLOW);
});

describe('claim 3 (pcp-drained): after a drain that failed reclaim forced, the lockless grab hits the emergency path', () => {
  /** 1 ms timeline samples: each sample's lowest free count says whether free memory dipped under MIN in that ms. */
  const points = 10_000;
  /** A run with the Simulation kept, to read its allocator's drain count. */
  function drainedRun(policy: PolicyModule, edit: (s: Scenario) => Scenario = (s) => s, seed = 1) {
    const scenario = edit(resolveScenario('pcp-drained', []));
    const simulation = new Simulation(scenario, policy, defaultParams(policy), { seed, timelinePoints: points });
    const allocator = simulation.allocator;
    const drainAtMs: number[] = [];
    const drain = allocator.drainAllPages.bind(allocator);
    allocator.drainAllPages = () => {
      drainAtMs.push(simulation.scheduler.now / 1000);
      drain();
    };
    const result = simulation.run();
    return { ...result, scenario, m: result.metrics, drains: allocator.drains, drainAtMs, minPages: allocator.minPages };
  }
  type DrainedRun = ReturnType<typeof drainedRun>;
  const runs = new Map<string, DrainedRun>();
  /** Each policy's run of the preset as shipped, once for all the tests below. */
  const shipped = (policy: PolicyModule): DrainedRun => {
    if (!runs.has(policy.name)) runs.set(policy.name, drainedRun(policy));
    return runs.get(policy.name)!;
  };
  const seedRuns = new Map<string, DrainedRun[]>();
  /** Seeds 1–4: whether a burst meets a drain differs from seed to seed, so the claim is read over four. */
  const fourSeeds = (policy: PolicyModule): DrainedRun[] => {
    if (!seedRuns.has(policy.name)) seedRuns.set(policy.name, [shipped(policy), ...[2, 3, 4].map((seed) => drainedRun(policy, (s) => s, seed))]);
    return seedRuns.get(policy.name)!;
  };
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const failuresOf = (runs: DrainedRun[]) => sum(runs.map((run) => run.m.failures.count));
  const noLaunches = (s: Scenario): Scenario => ({ ...s, others: { ...s.others, anonSteps: [] } });

  /** Where each burst of the preset starts, split into those under the app launches and those after. */
  function burstStarts(s: Scenario) {
    const burst = s.workload.phases.find((phase) => phase.kind === 'burst');
    if (burst?.kind !== 'burst') throw new Error('pcp-drained has no burst phase');
    const start = phaseStartMs(s, 'burst');
    const starts = [0, 1, 2, 3].map((index) => start + index * burst.periodMs);
    const launchesEndMs = Math.max(...s.others.anonSteps.map((step) => step.atMs + step.rampMs));
    return { burstMs: burst.burstMs, underPressure: starts.filter((at) => at + burst.burstMs <= launchesEndMs), calm: starts.filter((at) => at > launchesEndMs) };
  }

  it('no drain is scheduled: drain_all_pages() follows reclaim rounds that left free memory under MIN, and only under the launches', () => {
    const lockless = shipped(locklessPcp);
    expect(lockless.scenario.events.filter((event) => event.kind === 'drainAllPages')).toEqual([]);
    // Seen (seed 1): 95 drain_all_pages() calls after 2,079 direct-reclaim rounds; none without
    // the app launches.
    expect(lockless.drains).toBeGreaterThan(50);
    expect(lockless.m.harm.belowMinMs).toBeGreaterThan(0);
    const calm = drainedRun(locklessPcp, noLaunches);
    expect(calm.drains).toBe(0);
    expect(calm.m.harm.belowMinMs).toBe(0);
  }, SLOW);

  it('lockless-pcp falls back in the bursts under pressure, hardly in the calm one, and more than nolock-alloc, which refills an empty list from buddy under MIN', () => {
    const lockless = fourSeeds(locklessPcp);
    const nolock = fourSeeds(nolockAlloc);
    const { burstMs, underPressure, calm } = burstStarts(lockless[0].scenario);
    expect(underPressure.length).toBeGreaterThan(0);
    expect(calm.length).toBeGreaterThan(0);
    const inBursts = (starts: number[]) => sum(lockless.map((run) => sum(starts.map((at) => failuresIn(run, at, at + burstMs + 10)))));
    // Seen (seeds 1–4): lockless-pcp 8,589 of its 8,649 fallbacks in the bursts at 2, 4 and 6 s
    // (seed 1: 699 + 297 + 303), 11 in the one at 8 s (all at seed 4); nolock-alloc, with the same
    // cache of 5 per CPU, 2,696 (1,181, 0, 0, 1,515).
    expect(inBursts(underPressure)).toBeGreaterThan(1_000);
    expect(inBursts(calm)).toBeLessThan(0.01 * inBursts(underPressure));
    expect(failuresOf(lockless)).toBeGreaterThan(2 * failuresOf(nolock));
  }, SLOW);

  it('lockless-pcp\'s fallbacks follow the drains and the watermarks: most come in the ms after a drain, when free memory dipped under MIN; a mempool never falls back', () => {
    const lockless = fourSeeds(locklessPcp);
    /** Fallbacks in the 1 ms samples that pass the test, and how many such samples. */
    const where = (run: DrainedRun, keep: (sample: Run['timeline'][number]) => boolean) => {
      const samples = run.timeline.filter(keep);
      return { failures: samples.reduce((total, sample) => total + sample.failures, 0), ms: samples.length };
    };
    // Seen (seeds 1–4): 6,741 of lockless-pcp's 8,649 fallbacks (398, 1,822, 0 and 4,521) in the
    // 270–330 ms per run that end at most 2 ms after a drain, and 6,802 in the 220–240 ms in which
    // free memory dipped under MIN: there only GFP_ATOMIC and PF_MEMALLOC allocations may refill an
    // emptied list from buddy. The rest come where a burst emptied a list by itself (seed 3's 521
    // all do). docs/model.md says so.
    const afterDrain = lockless.map((run) => where(run, (sample) => run.drainAtMs.some((at) => at <= sample.timeMs && at > sample.timeMs - 3)));
    const underMin = lockless.map((run) => where(run, (sample) => sample.lowestFreePages < run.minPages));
    for (const window of [...afterDrain, ...underMin]) expect(window.ms).toBeLessThan(0.05 * points);
    expect(sum(afterDrain.map((window) => window.failures))).toBeGreaterThan(0.6 * failuresOf(lockless));
    expect(sum(underMin.map((window) => window.failures))).toBeGreaterThan(0.6 * failuresOf(lockless));
    // Gorman: "pretty much anything that needs guaranteed access to pages has to maintain a
    // mempool of some sort": its 25 pages per CPU cover every burst (seen: 0 fallbacks).
    expect(shipped(mempool).m.failures.count).toBe(0);
  }, SLOW);

  it('upstream\'s fallbacks come from its own cache, not the watermarks: few under MIN, some in the calm burst too', () => {
    // Why lockless-pcp does not fall back more than upstream here (docs/model.md, "What
    // pcp-drained shows"): upstream's two-argument calls wait for its worker whenever its cache
    // of 5 is empty, and every reclaim step's kfree_rcu_shrink_count() backs the worker off for
    // 5 s. Seen (seed 1): 20,427 fallbacks, 3,420 of them (17 %) in the ms under MIN, 1,190 in
    // the burst at 8 s, 2 s after the launches; lockless-pcp: 1,313.
    const today = shipped(upstream);
    const { burstMs, calm } = burstStarts(today.scenario);
    const dips = today.timeline.filter((sample) => sample.lowestFreePages < today.minPages);
    expect(dips.reduce((sum, sample) => sum + sample.failures, 0)).toBeLessThan(0.25 * today.m.failures.count);
    expect(calm.reduce((sum, at) => sum + failuresIn(today, at, at + burstMs + 10), 0)).toBeGreaterThan(0);
  }, SLOW);
});

describe('claim 4 (pcp-monopoly): the lockless grab harms the other users of the PCP lists', () => {
  const runs = new Map<string, Run>();
  const shipped = (policy: PolicyModule): Run => {
    if (!runs.has(policy.name)) runs.set(policy.name, run('pcp-monopoly', policy));
    return runs.get(policy.name)!;
  };

  it('others refill their PCP lists more often and free memory stays under MIN longer than with upstream', () => {
    const lockless = shipped(locklessPcp).m;
    const today = shipped(upstream).m;
    // Seen: PCP refills by others 1,586 vs 1,576; time under MIN 13.2 ms vs 5.5 ms (seeds 2 and
    // 3: 14.5 vs 5.5 and 14.7 vs 4.3 ms).
    expect(lockless.harm.pcpRefills).toBeGreaterThan(today.harm.pcpRefills);
    expect(lockless.harm.belowMinMs).toBeGreaterThan(today.harm.belowMinMs);
  }, SLOW);

  it('no kill follows from the grab: lockless-pcp holds no more pages than upstream, and a launch that outgrows memory kills as often with either', () => {
    // A kill needs memory to run out; the grab changes where pointer pages come from, not how
    // many the calls hold: one per 507 calls for a grace period, with either policy. Seen:
    // 285.8 vs 286.2 pages in flight on average, 6.4 vs 13.2 cached; no kill with either.
    const lockless = shipped(locklessPcp).m;
    const today = shipped(upstream).m;
    expect(lockless.inflight.avgPages + lockless.reserve.avgPages).toBeLessThan(1.02 * (today.inflight.avgPages + today.reserve.avgPages));
    for (const m of [lockless, today]) expect(m.harm.oomKills + m.harm.lmkKills).toBe(0);
    // The launch grown to 940,000 pages of the 950,000: memory runs out with either policy.
    // Seen (seeds 1 and 2): one OOM kill with each; lockless-pcp under MIN 64.1 vs 27.9 ms.
    const outgrow = ['others.anonSteps=[{"atMs":0,"targetPages":640000,"rampMs":3000},{"atMs":4000,"targetPages":940000,"rampMs":4000}]'];
    const locklessOut = run('pcp-monopoly', locklessPcp, { sets: outgrow }).m;
    const todayOut = run('pcp-monopoly', upstream, { sets: outgrow }).m;
    expect(todayOut.harm.oomKills).toBeGreaterThan(0);
    expect(locklessOut.harm.oomKills).toBe(todayOut.harm.oomKills);
    expect(locklessOut.harm.lmkKills).toBe(todayOut.harm.lmkKills);
    expect(locklessOut.harm.belowMinMs).toBeGreaterThan(todayOut.harm.belowMinMs);
  }, SLOW);
});

describe('claim 5 (sched-latency): late refill workers fail where a reserve does not', () => {
  // 3 s instead of 10: the worker slow-down moves to 600 ms, just before the first of three bursts.
  const durationMs = 3_000;
  const calm = ['events=[]']; // the same run without the slow-down of the workers

  it('the squeezed run keeps the slow-down before the bursts', () => {
    const s = resolveScenario('sched-latency', [], durationMs);
    expect(s.events.map((event) => event.atMs)).toEqual([phaseStartMs(s, 'burst')]);
  });

  it('workers running later make worker-fed pools fail more; mempool, which needs no worker, barely fails', () => {
    const worker = run('sched-latency', refillWorker, { durationMs }).m;
    const workerCalm = run('sched-latency', refillWorker, { durationMs, sets: calm }).m;
    const grow = run('sched-latency', growAfterEmergency, { durationMs }).m;
    const growCalm = run('sched-latency', growAfterEmergency, { durationMs, sets: calm }).m;
    const today = run('sched-latency', upstream, { durationMs }).m;
    const pool = run('sched-latency', mempool, { durationMs }).m;
    // Seen: refill-worker 76 % (32 % without the slow-down), grow-after-emergency 43 % (6 %),
    // upstream 1.6 %, mempool 0.005 %.
    expect(worker.failures.rate).toBeGreaterThan(1.5 * workerCalm.failures.rate);
    expect(grow.failures.rate).toBeGreaterThan(1.5 * growCalm.failures.rate);
    expect(pool.failures.rate).toBeLessThan(1e-3);
    for (const [name, late] of [['refill-worker', worker], ['grow-after-emergency', grow], ['upstream', today]] as const) {
      expect(late.failures.rate, name).toBeGreaterThan(10 * pool.failures.rate);
    }
  }, SLOW);
});

describe('claim 6 (ramp): the emergency ramps up faster than a pool grows', () => {
  it('failures bunch up right after the ramp, and grow-after-emergency grows only after them', () => {
    const points = 10_000; // 1 ms samples
    const grow = run('ramp', growAfterEmergency, { timelinePoints: points });
    const capPages = defaultParams(growAfterEmergency).capPages as number;
    const grownBefore = run('ramp', growAfterEmergency, { timelinePoints: points, params: { rescuePages: capPages } });
    const lockless = run('ramp', locklessPcp, { timelinePoints: points });
    const at = phaseStartMs(grow.scenario, 'ramp');
    const highEnd = at + 2_000;
    expect(at).toBe(3_000);
    for (const result of [grow, grownBefore, lockless]) expect(failuresIn(result, 1_000, at)).toBe(0);

    // Seen (fallbacks per ms): grow-after-emergency 2,140 in the first 10 ms, 440 over the rest of
    // the high rate; lockless-pcp 785 in the first 50 ms, 69 over the rest.
    expect(failureRateIn(grow, at, at + 10)).toBeGreaterThan(3 * failureRateIn(grow, at + 50, highEnd));
    expect(failureRateIn(lockless, at, at + 50)).toBeGreaterThan(3 * failureRateIn(lockless, at + 50, highEnd));

    // Too late: the same pool, grown before the ramp, does not fail in those first 10 ms (seen: 0
    // against 21,000), and the growing pool reaches its size only after the first failures.
    const firstFailures = failuresIn(grow, at, at + 10);
    expect(firstFailures).toBeGreaterThan(0);
    expect(failuresIn(grownBefore, at, at + 10)).toBeLessThan(firstFailures / 10);
    const reserveAt = (result: Run, timeMs: number) => result.timeline.find((sample) => sample.timeMs >= timeMs)!.reservePages;
    const later = grow.timeline.filter((sample) => sample.timeMs > at + 50 && sample.timeMs <= highEnd);
    const laterReserve = later.reduce((sum, sample) => sum + sample.reservePages, 0) / later.length;
    expect(reserveAt(grow, at)).toBeLessThan(laterReserve / 2); // seen: 122 pages, then ≈ 600
  }, SLOW);
});

describe('claim 7 (pool-abuse): a shared emergency pool can be emptied for everyone', () => {
  it('a shared mempool raided by another subsystem fails where per-CPU pools of the same size do not', () => {
    const points = 2_000;
    const shared = run('pool-abuse', mempool, { params: { pool: 'shared', reservePages: 200 }, timelinePoints: points });
    const unraided = run('pool-abuse', mempool, { params: { pool: 'shared', reservePages: 200 }, sets: ['events=[]'] }).m;
    const perCpu = run('pool-abuse', mempool, { params: { pool: 'perCpu', reservePages: 25 } }).m;
    // Seen: 2,337 fallbacks with the shared pool (1,050 after the first raid, 1,287 after the second),
    // none without the raids, none with per-CPU pools.
    expect(shared.m.failures.count).toBeGreaterThan(0);
    expect(shared.m.failures.count).toBeGreaterThan(10 * perCpu.failures.count);
    expect(shared.m.failures.count).toBeGreaterThan(10 * unraided.failures.count);
    const raids = shared.scenario.events.flatMap((event) => (event.kind === 'stealSharedReserve' ? [event] : []));
    expect(raids).toHaveLength(2);
    const duringRaids = raids.reduce((sum, raid) => sum + failuresIn(shared, raid.atMs, raid.atMs + raid.holdMs), 0);
    expect(duringRaids).toBe(shared.m.failures.count);
  }, SLOW);
});

describe('claim 8 (rt): no allocator under the raw lock on PREEMPT_RT, no GFP_NOWAIT from it on !PREEMPT', () => {
  // 2 s instead of 10: 400 ms at the base rate, then two bursts.
  const durationMs = 2_000;

  it('no built-in breaks a context rule on PREEMPT_RT; inline-nowait skips the allocator and pays in fallbacks', () => {
    const results = new Map(BUILTINS.map((policy) => [policy.name, run('rt', policy, { durationMs }).m]));
    for (const [name, m] of results) expect(m.violations, name).toEqual({ count: 0, sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: 0 });
    const inline = results.get('inline-nowait')!;
    const s = resolveScenario('rt', [], durationMs);
    // Seen: 16 pages (its boot-time cache of 2 per CPU), 72 % of calls falling back; upstream 0.1 %.
    expect(inline.pagesAllocated).toBeLessThanOrEqual((defaultParams(inlineNowait).cachePages as number) * s.machine.cpus);
    expect(inline.failures.rate).toBeGreaterThan(10 * results.get('upstream')!.failures.rate);
  }, SLOW);

  it('a policy that allocates with GFP_NOWAIT under the raw lock is counted, and refused, on PREEMPT_RT', () => {
    const m = run('rt', nowaitPolicy, { durationMs }).m;
    expect(m.violations.zoneLockUnderRawLock).toBeGreaterThan(0);
  }, SLOW);

  it('on !PREEMPT inline-nowait and mempool re-take an allocator lock their caller holds (the call_rcu() deadlock); upstream never does', () => {
    // The whole 10 s: only 0.1 % of calls hold an allocator lock, and inline-nowait allocates only
    // when its cache of 2 is empty, so a 2 s run sees 0–2 such calls depending on the seed.
    // mempool asks GFP_NOWAIT first: kernel code cannot see a held allocator lock, so it cannot avoid it.
    const notRt = ['kernel.preemptRt=false', 'workload.allocatorLockShare=0.001'];
    const inline = run('rt', inlineNowait, { sets: notRt }).m;
    expect(inline.violations.lockRecursion).toBeGreaterThan(0);
    expect(inline.violations.zoneLockUnderRawLock).toBe(0); // a spinlock_t, legal under a raw lock on !RT
    expect(run('rt', mempool, { sets: notRt }).m.violations.lockRecursion).toBeGreaterThan(0);
    expect(run('rt', upstream, { sets: notRt }).m.violations.count).toBe(0);
  }, SLOW);
});

describe('embedded: the small board runs sane', () => {
  it('every built-in: same calls, failures add up, no violations, levels in order', () => {
    const results = BUILTINS.map((policy) => ({ name: policy.name, m: run('embedded', policy).m }));
    const calls = results[0].m.calls;
    expect(calls).toBeGreaterThan(0);
    for (const { name, m } of results) {
      expect(m.calls, name).toBe(calls); // arrivals do not depend on the policy
      expect(m.failures.count, name).toBe(m.failures.rcuHead + m.failures.syncInline);
      expect(m.failures.rate, name).toBeGreaterThanOrEqual(0);
      expect(m.failures.rate, name).toBeLessThan(0.5);
      expect(m.violations.count, name).toBe(0);
      expect(m.reserve.avgPages, name).toBeLessThanOrEqual(m.reserve.peakPages);
      expect(m.inflight.peakPages, name).toBeGreaterThan(0);
      expect(m.inflight.avgPages, name).toBeLessThanOrEqual(m.inflight.peakPages);
      expect(m.latencyUs.p50, name).toBeLessThanOrEqual(m.latencyUs.p99);
      expect(m.latencyUs.p99, name).toBeLessThanOrEqual(m.latencyUs.max);
      expect(m.harm.oomKills, name).toBe(0);
    }
  }, SLOW);
});

describe('default: the rows are worth reading', () => {
  it('the seven built-ins give at least three clearly different failure rates', () => {
    const rates = BUILTINS.map((policy) => run('default', policy).m.failures.rate);
    // Seen: 0.007 % (mempool) to 14 % (refill-worker), seven different values.
    const distinct = new Set(rates.map((rate) => rate.toPrecision(2)));
    expect(distinct.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...rates)).toBeGreaterThan(10 * Math.min(...rates));
  }, SLOW);
});
