// A policy as a run sees it, wrapped so that (1) the run's thread always says which hook is
// running at which simulated time (RunProgress, read by the supervisor when the run overruns
// or its thread dies), (2) whatever a hook throws reaches the model as a plain, short Error
// (a thrown Proxy or a 100 kB message cannot break the report), and (3) the work a policy queues
// is bounded: a work item that queues two more is a runaway producer and fails the run.
import { PolicyError } from '../model/page-ledger.js';
import type { Kernel, PolicyHooks, PolicyModule } from '../policy/api.js';
import { safeError } from '../policy/thrown.js';

/** What RunProgress.hook can name; index 0: no hook running (the model itself). */
export const HOOKS = ['the model', 'loading the module', 'create', 'onStart', 'needPage', 'pageEmptied', 'onFallback', 'shrinkCount', 'shrinkScan', 'a work item', 'an hrtimer'] as const;
export type HookName = (typeof HOOKS)[number];
const hookIndex = (name: HookName) => HOOKS.indexOf(name);

/**
 * Work items and hrtimers a policy may have queued and not yet run, at once. Built-ins keep at
 * most a few per CPU; past this the queue only grows (and one event can never queue more).
 */
export const MAX_PENDING_WORK = 100_000;

/** [simulated µs, hook index] in memory the run's supervisor can read while the run is busy. */
export class RunProgress {
  readonly cells: Float64Array;

  constructor(shared?: SharedArrayBuffer) {
    this.cells = new Float64Array(shared ?? new ArrayBuffer(16));
  }

  static shared(): SharedArrayBuffer {
    return new SharedArrayBuffer(16);
  }

  get nowUs(): number {
    return this.cells[0]!;
  }

  get hook(): HookName {
    return HOOKS[this.cells[1]!] ?? 'the model';
  }

  enter(hook: HookName, nowUs: number): void {
    this.cells[0] = nowUs;
    this.cells[1] = hookIndex(hook);
  }

  /** "in needPage (simulated t = 1.234 s)". */
  where(): string {
    return `in ${this.hook} (simulated t = ${(this.nowUs / 1e6).toFixed(3)} s)`;
  }
}

function isModelError(error: unknown): boolean {
  try {
    return error instanceof PolicyError;
  } catch {
    return false;
  }
}

/** Runs `body` as `hook`, then puts back the hook it interrupted (a shrinker can run inside needPage). */
function guarded<T>(progress: RunProgress, hook: number, nowUs: number, body: () => T): T {
  const cells = progress.cells;
  const outer = cells[1]!;
  cells[0] = nowUs;
  cells[1] = hook;
  try {
    return body();
  } catch (error) {
    throw isModelError(error) ? error : safeError(error);
  } finally {
    cells[1] = outer;
  }
}

const NEED_PAGE = hookIndex('needPage');
const PAGE_EMPTIED = hookIndex('pageEmptied');

function watchHooks(hooks: PolicyHooks, progress: RunProgress, clock: () => number): PolicyHooks {
  // Without both hooks the model says what create() must return; a wrapper would hide that.
  if (typeof hooks.needPage !== 'function' || typeof hooks.pageEmptied !== 'function') return hooks;
  const cells = progress.cells;
  const watched: PolicyHooks = {
    // The hot path, written out: one store of the time and the hook per call.
    needPage(request) {
      const outer = cells[1]!;
      cells[0] = clock();
      cells[1] = NEED_PAGE;
      try {
        return hooks.needPage(request);
      } catch (error) {
        throw isModelError(error) ? error : safeError(error);
      } finally {
        cells[1] = outer;
      }
    },
    pageEmptied(cpu, page) {
      const outer = cells[1]!;
      cells[0] = clock();
      cells[1] = PAGE_EMPTIED;
      try {
        hooks.pageEmptied(cpu, page);
      } catch (error) {
        throw isModelError(error) ? error : safeError(error);
      } finally {
        cells[1] = outer;
      }
    },
  };
  // Every optional hook is a property, undefined when the policy has none: one object shape for
  // every policy, so the model's code the JIT optimised for one policy's hooks stays valid for
  // the next run's (the eight runs of a `compare` share a thread).
  watched.onFallback = typeof hooks.onFallback === 'function' ? (request) => guarded(progress, hookIndex('onFallback'), clock(), () => hooks.onFallback!(request)) : undefined;
  watched.shrinkCount = typeof hooks.shrinkCount === 'function' ? () => guarded(progress, hookIndex('shrinkCount'), clock(), () => hooks.shrinkCount!()) : undefined;
  watched.shrinkScan = typeof hooks.shrinkScan === 'function' ? (nrToScan) => guarded(progress, hookIndex('shrinkScan'), clock(), () => hooks.shrinkScan!(nrToScan)) : undefined;
  watched.onStart = typeof hooks.onStart === 'function' ? () => guarded(progress, hookIndex('onStart'), clock(), () => hooks.onStart!()) : undefined;
  return watched;
}

/** The kernel handle with queueWork and hrtimer counted against MAX_PENDING_WORK. */
function watchKernel(kernel: Kernel, progress: RunProgress, clock: () => number): Kernel {
  let pending = 0;
  const admit = (what: string, fn: unknown) => {
    if (typeof fn !== 'function') throw new PolicyError(`${what}: the callback must be a function`);
    if (pending >= MAX_PENDING_WORK) {
      throw new PolicyError(`${what}: more than ${MAX_PENDING_WORK.toLocaleString('en-US')} work items and hrtimers pending at once (work that queues more work without bound?)`);
    }
    pending++;
  };
  const settle = (hook: number, fn: () => void) => () => {
    pending--;
    guarded(progress, hook, clock(), fn);
  };
  return {
    ...kernel,
    queueWork(cpu, queue, fn) {
      admit('queueWork', fn);
      try {
        kernel.queueWork(cpu, queue, settle(hookIndex('a work item'), fn));
      } catch (error) {
        pending--;
        throw error;
      }
    },
    hrtimer(cpu, delayUs, fn) {
      admit('hrtimer', fn);
      try {
        kernel.hrtimer(cpu, delayUs, settle(hookIndex('an hrtimer'), fn));
      } catch (error) {
        pending--;
        throw error;
      }
    },
  };
}

/** `policy` as one run sees it; `clock` reads the run's simulated time in µs without touching the model. */
export function watchPolicy(policy: PolicyModule, progress: RunProgress, clock: () => number): PolicyModule {
  return {
    ...policy,
    create(kernel, params) {
      const hooks = guarded(progress, hookIndex('create'), clock(), () => policy.create(watchKernel(kernel, progress, clock), params));
      // Anything but an object goes to the model as it is, which says what create() must return.
      if (typeof hooks !== 'object' || hooks === null) return hooks;
      return guarded(progress, hookIndex('create'), clock(), () => watchHooks(hooks, progress, clock));
    },
  };
}
