// A small bench for one policy: a Simulation built on a (tweaked) base scenario but not run,
// the policy's hooks created against its kernel handle, and helpers to set allocator state,
// ask for pages in a chosen context, hand pages back, and advance the clock. Only the events
// the policy itself schedules (hrtimers, work items) and those the allocator schedules
// (kswapd) run: no kvfree_rcu() workload, no other users.
import type { CallForm, Page, ParamValues, PolicyHooks, PolicyModule } from '../../src/policy/api.js';
import { visibleRequest, type CallerKind } from '../../src/model/caller-context.js';
import { Simulation } from '../../src/model/simulation.js';
import { PageState } from '../../src/model/page-ledger.js';
import { baseScenario } from '../../src/scenario/base.js';
import type { LatencySpec, Scenario } from '../../src/scenario/types.js';

/** The policy's declared defaults, with overrides. */
export function paramsOf(policy: PolicyModule, overrides: ParamValues = {}): ParamValues {
  const values: ParamValues = {};
  for (const spec of policy.params) values[spec.name] = spec.default;
  for (const [name, value] of Object.entries(overrides)) {
    if (!policy.params.some((spec) => spec.name === name)) throw new Error(`${policy.name} has no param "${name}"`);
    values[name] = value;
  }
  return values;
}

/** A latency with median = p99 = max, so every sample is exactly `us`. */
export function exactly(us: number): LatencySpec {
  return { medianUs: us, p99Us: us, maxUs: us };
}

/** The base scenario (phone, idle timing) with a tweak applied. */
export function scenarioWith(tweak: (scenario: Scenario) => void = () => {}): Scenario {
  const scenario = baseScenario();
  tweak(scenario);
  return scenario;
}

/** A short full-run scenario: 300 ms of 50k calls/s per CPU on the phone. */
export function shortScenario(tweak: (scenario: Scenario) => void = () => {}): Scenario {
  return scenarioWith((scenario) => {
    scenario.durationMs = 300;
    scenario.workload.phases = [{ kind: 'constant', durationMs: 300, callsPerSecPerCpu: 50_000 }];
    tweak(scenario);
  });
}

export interface PageAsk {
  cpu?: number;
  form?: CallForm;
  /** The caller's true context (the policy sees only what kernel code can test of it). */
  kind?: CallerKind;
  /** Shorthand for kind: sleepable = task, atomic = preemptOff, atomic-raw = rawLock. */
  context?: 'sleepable' | 'atomic' | 'atomic-raw';
  holdsAllocatorLock?: boolean;
}

export class PolicyHarness {
  readonly sim: Simulation;
  readonly hooks: PolicyHooks;

  constructor(policy: PolicyModule, options: { params?: ParamValues; scenario?: Scenario; seed?: number } = {}) {
    this.sim = new Simulation(options.scenario ?? scenarioWith(), policy, paramsOf(policy, options.params), { seed: options.seed ?? 1 });
    const host = this.sim.host;
    this.hooks = host.call('create', 'task', false, () => policy.create(host.kernel, this.sim.params)).value;
    host.hooks = this.hooks;
  }

  get allocator() {
    return this.sim.allocator;
  }

  get kernel() {
    return this.sim.host.kernel;
  }

  get now(): number {
    return this.sim.scheduler.now;
  }

  get violations() {
    return this.sim.host.violations;
  }

  /** Pages resting in the policy's reserves. */
  get reservePages(): number {
    return this.sim.host.reservePages();
  }

  /** Pages the model has handed to the policy so far. */
  get pagesAllocated(): number {
    return this.sim.host.pagesAllocated;
  }

  /** Runs onStart() in sleepable context, as the model does before the first call. */
  start(): this {
    this.sim.host.start();
    return this;
  }

  /** Sets NR_FREE_PAGES; the difference comes from (or goes to) other users' anonymous memory. */
  setFreePages(pages: number): void {
    const delta = pages - this.allocator.freePages;
    this.allocator.anonPages -= delta;
    this.allocator.freePages = pages;
    this.allocator.noteFree();
  }

  /** Sets a CPU's PCP count, moving the pages from or to buddy. */
  setPcp(cpu: number, pages: number): void {
    const delta = pages - this.allocator.pcp[cpu];
    this.allocator.freePages -= delta;
    this.allocator.pcp[cpu] = pages;
    this.allocator.noteFree();
  }

  /** Empties every PCP list into buddy (drain_all_pages()). */
  drainPcp(): void {
    this.allocator.drainAllPages();
  }

  /**
   * One call that needs a pointer page, in the given context, exactly as the model asks:
   * needPage in the call's context, then onFallback when it got nothing. A page it gets is
   * moved to in-flight, as if it now held pointers.
   */
  needPage(ask: PageAsk = {}): Page | null {
    const form = ask.form ?? 'two-arg';
    const byContext = { sleepable: 'task', atomic: 'preemptOff', 'atomic-raw': 'rawLock' } as const;
    const kind = ask.kind ?? (ask.context ? byContext[ask.context] : form === 'headless' ? 'task' : 'preemptOff');
    const lock = ask.holdsAllocatorLock ?? false;
    const request = visibleRequest(ask.cpu ?? 0, form, kind, this.sim.scenario.kernel);
    const host = this.sim.host;
    const page = host.call('needPage', kind, lock, () => this.hooks.needPage(request)).value;
    if (page === null || page === undefined) {
      if (this.hooks.onFallback) host.call('onFallback', kind, lock, () => this.hooks.onFallback!(request));
      return null;
    }
    host.ledger.move(page, PageState.Held, PageState.InFlight, 'needPage returned a page');
    return page;
  }

  /** Hands an in-flight page back after its grace period (pageEmptied in sleepable context). */
  empty(cpu: number, page: Page): void {
    this.sim.host.pageEmptied(cpu, page);
  }

  /** One do_shrink_slab() call at a reclaim priority (12: least pressure, 0: most); returns what was freed. */
  shrinkAt(priority: number): number {
    return this.sim.host.shrink(priority);
  }

  /** The policy's count_objects() hook, called directly in sleepable context. */
  shrinkCount(): number {
    return this.sim.host.call('shrinkCount', 'task', false, () => this.hooks.shrinkCount?.() ?? 0).value;
  }

  /** The policy's scan_objects() hook, called directly with nrToScan. */
  shrinkScan(nrToScan: number): number {
    return this.sim.host.call('shrinkScan', 'task', false, () => this.hooks.shrinkScan?.(nrToScan) ?? 0).value;
  }

  /** Runs every scheduled event up to and including `us` (absolute simulated time), then sets the clock there. */
  runUntil(us: number): void {
    this.sim.scheduler.run(us);
    if (this.sim.scheduler.now < us) this.sim.scheduler.now = us;
  }

  /** Runs `us` more microseconds. */
  advance(us: number): void {
    this.runUntil(this.now + us);
  }
}

/** One full run with invariant checks after every event. */
export function fullRun(policy: PolicyModule, scenario: Scenario, params: ParamValues = {}) {
  return new Simulation(scenario, policy, paramsOf(policy, params), { seed: 1, checkInvariants: true }).run();
}
