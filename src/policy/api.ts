// The policy API: what a page-supply policy for kvfree_rcu() may see and do.
// A policy module default-exports a PolicyModule (a plain object). The Kernel handle offers
// only what real kernel code could do, at the model's costs and under its context rules.
// The module's data shape (name, summary, source, params, create) is declared once, with
// TypeBox, in module-schema.ts: ParamSpec, ParamValues and PolicyModule are Static<> of it and
// the loader checks a user's module against the same declaration (validate.ts words the
// errors). Only types come from there, so a built-in policy loads without TypeBox.
import type { ParamSpec, ParamValues, PolicyModule } from './module-schema.js';

export type { ParamSpec, ParamValues, PolicyModule };

/** A page handed out by the simulated allocator. Opaque: only the model mints them. */
export type Page = number & { readonly __rcupoolPage: true };

/** GFP classes (docs/model.md §3). KERNEL_NORETRY = GFP_KERNEL|__GFP_NORETRY|__GFP_NOMEMALLOC|__GFP_NOWARN. */
export type Gfp = 'NOWAIT' | 'ATOMIC' | 'KERNEL_NORETRY' | 'KERNEL';

export type CallForm = 'two-arg' | 'headless';

export type WorkQueue = 'highpri' | 'normal' | 'reclaim';

/**
 * A kvfree_rcu() call that found no room in its CPU's current pointer page, as kernel code sees
 * it: only what it can test (include/linux/preempt.h). The caller's true context (a held
 * spinlock, preempt_disable(), a held allocator lock) stays inside the model, which judges the
 * policy's allocator calls by it. needPage runs as if it had dropped krcp->lock, as the v5.12
 * headless path of add_ptr_to_bulk_krc_lock() does, without being charged for retaking it.
 */
export interface PageRequest {
  readonly cpu: number;
  /** two-arg: kvfree_rcu(ptr, rhf), any context; headless: kvfree_rcu_mightsleep(ptr), may sleep. */
  readonly form: CallForm;
  /** irqs_disabled() in the caller (before krcp->lock was taken). */
  readonly irqsDisabled: boolean;
  /** in_hardirq(). */
  readonly inHardirq: boolean;
  /** in_serving_softirq(). */
  readonly inServingSoftirq: boolean;
  /**
   * preemptible(): true when neither preemption nor IRQs are off. Only a kernel with
   * CONFIG_PREEMPT_COUNT can tell (kernel.preemptCount); without it this is undefined.
   */
  readonly preemptible: boolean | undefined;
}

/** A page holder owned by the policy. Pages resting in it are counted as reserve. */
export interface Reserve {
  readonly name: string;
  readonly shared: boolean;
  /**
   * Pages in this CPU's part (or in the shared pool), counting those a work item has put that
   * land only when the work finishes (its allocations take time); take() skips those.
   */
  size(cpu: number): number;
  /** Pages in all parts. */
  total(): number;
  put(cpu: number, page: Page): void;
  /** A page from this CPU's part (or the shared pool), or null when empty. */
  take(cpu: number): Page | null;
}

export interface MemoryView {
  /** Buddy free pages (NR_FREE_PAGES); PCP pages are not in it. */
  readonly freePages: number;
  readonly minPages: number;
  readonly lowPages: number;
  readonly highPages: number;
  pcpCount(cpu: number): number;
}

export interface Kernel {
  readonly cpus: number;
  readonly preemptRt: boolean;
  /** CONFIG_PREEMPT_COUNT: preempt_count() counts preempt_disable(), so PageRequest.preemptible is known. */
  readonly preemptCount: boolean;
  /** Simulated time in µs. */
  now(): number;
  readonly memory: MemoryView;
  /**
   * Page allocator, order 0, with the watermark floors, PCP behaviour, kswapd wake-ups and
   * reclaim of the GFP class. Called in the current context (the request's in needPage,
   * sleepable in a work item, atomic in an hrtimer); a call the context forbids is refused,
   * counted as a violation, and returns null.
   */
  alloc(cpu: number, gfp: Gfp): Page | null;
  /** free_page(): to this CPU's PCP list (spills batch pages to buddy at `high`). */
  free(cpu: number, page: Page): void;
  /** The 2020 RFC's __rcu_alloc_page_lockless(): first page of this CPU's PCP; no zone lock, no watermarks, no kswapd. */
  grabPcpLockless(cpu: number): Page | null;
  /** alloc_pages_nolock() (v6.15): trylocks only, watermarks obeyed, never sleeps, safe in any context. */
  allocNolock(cpu: number): Page | null;
  /** Create a reserve (call from create() or onStart()). */
  reserve(name: string, options: { shared: boolean }): Reserve;
  /**
   * Run fn in sleepable context after the queue's wake-up latency. The work takes as long as its
   * allocations cost (direct reclaim included): a page it puts into a reserve lands there when
   * the work has finished (start + its allocator cost), not when fn returns.
   */
  queueWork(cpu: number, queue: WorkQueue, fn: () => void): void;
  /** Run fn in atomic (hardirq) context after delayUs plus timer expiry latency. */
  hrtimer(cpu: number, delayUs: number, fn: () => void): void;

  // ---- for a shrinker's count and scan hooks ----
  /** krcp->count: objects queued on this CPU and not yet handed to a grace period. */
  waitingObjects(cpu: number): number;
  /** Runs this CPU's kvfree_rcu monitor now (kfree_rcu_monitor(), as kfree_rcu_shrink_scan() does). */
  runMonitor(cpu: number): void;
}

export interface PolicyHooks {
  /**
   * A CPU needs an empty pointer page. Return a page the policy holds (taken from a reserve or
   * just allocated) or null for the fallback path. After a null the model may answer later
   * identical requests on that CPU with null, without asking, until that CPU's reserve part or
   * a shared reserve gains a page, a hook of yours runs for that CPU, or (if you looked at
   * memory) free memory grows. A null that read none of the request's context fields and made
   * no allocator call stands for every two-argument caller on that CPU. An answer that read
   * kernel.now(), kernel.waitingObjects(), another CPU's reserve part or PCP count, a per-CPU
   * reserve's total(), broke a context rule or went through direct reclaim is never reused. So the answer
   * should rest on the request and the state the kernel handle shows, not on call counters.
   */
  needPage(request: PageRequest): Page | null;
  /** A pointer page was emptied after its grace period: put it in a reserve or free it. */
  pageEmptied(cpu: number, page: Page): void;
  /** A call took the fallback path after needPage said null (not for the nulls the model reused). */
  onFallback?(request: PageRequest): void;
  /**
   * The shrinker, called as do_shrink_slab() (mm/shrinker.c) calls one: shrinkCount() on every
   * reclaim step (kswapd pass, each priority of a direct-reclaim round), then, if the scan target
   * (count >> priority) × 4 / 2 reaches 128 or the count, shrinkScan(n) in steps of up to 128.
   * A small cache is only scanned once reclaim is struggling (priority near 0).
   */
  /** count_objects(): how many objects the cache could free now (0 = nothing to do). */
  shrinkCount?(): number;
  /** scan_objects(): free up to nrToScan objects; return how many were freed (0 stops the scan). */
  shrinkScan?(nrToScan: number): number;
  onStart?(): void;
}

/** Longest text a policy may declare, per field: these end up in table rows, JSON and baselines. */
export const TEXT_LIMITS = { name: 64, summary: 300, source: 300, unit: 32, description: 500, stringValue: 200 } as const;

/** Identity helper so a user's file gets type checking: `export default definePolicy({...})`. */
export function definePolicy(policy: PolicyModule): PolicyModule {
  return policy;
}
