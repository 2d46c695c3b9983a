// upstream — what Linux does today (docs/model.md §7).
//
// Models kernel/rcu/tree.c (now mm/slab_common.c) as of v6.x: commit 56292e8609e3 "rcu/tree:
// Defer kvfree_rcu() allocation to a clean context" (v5.11), the v5.12 inline
// GFP_KERNEL|__GFP_NORETRY|__GFP_NOMEMALLOC|__GFP_NOWARN allocation for headless calls, and
// Zqiang's 2021 "kvfree_rcu: Release page cache under memory pressure" shrinker with its
// rcu_delay_page_cache_fill_msec backoff.
//
// No allocation ever happens under the krcp raw lock. Each CPU keeps a cache of up to
// rcu_min_cached_objs empty pages. A miss sends the call to its fallback and kicks a refill:
// a 0-delay hrtimer (safe from any context) queues page_cache_work on system_highpri_wq, which
// refills the cache from sleepable context. The shrinker: kfree_rcu_shrink_count() counts the
// objects not yet batched plus the cached pages over all CPUs, and sets backoff_page_cache_fill
// on every CPU on every count, even when nothing is then scanned; kfree_rcu_shrink_scan() goes
// CPU by CPU, drains each page cache and runs each monitor (which may put freed pages straight
// back into the cache). It stops when nr_to_scan reaches 0, but that counter is unsigned and
// overshoots, so a scan visits every CPU. A backed-off refill waits 5 s and fetches one page.
import { definePolicy, type Page } from '../src/policy/api.js';

export default definePolicy({
  name: 'upstream',
  summary: 'Cache of 5 per CPU, refilled by a highpri worker; headless calls allocate inline (NORETRY); shrinker with 5 s backoff.',
  source: 'commit 56292e8609e3 (v5.11) + v5.12 headless inline allocation + "kvfree_rcu: Release page cache under memory pressure" (2021)',
  params: [
    { name: 'cachePages', default: 5, unit: 'pages per CPU', description: 'rcu_min_cached_objs', range: { min: 0, max: 10000 }, integer: true },
    { name: 'backoffMs', default: 5000, unit: 'ms', description: 'rcu_delay_page_cache_fill_msec', range: { min: 0, max: 100000 } },
    { name: 'headlessInline', default: true, unit: 'on/off', description: 'v5.12 inline NORETRY allocation for headless calls' },
    { name: 'shrinker', default: true, unit: 'on/off', description: 'release the caches under memory pressure' },
  ],
  create(kernel, params) {
    const cachePages = params.cachePages as number;
    const backoffUs = (params.backoffMs as number) * 1000;
    const cache = kernel.reserve('page cache', { shared: false });
    const workInProgress = new Array<boolean>(kernel.cpus).fill(false);
    const backoff = new Array<boolean>(kernel.cpus).fill(false);

    // fill_page_cache_func(): after a shrink only one page, and clear the backoff.
    function fillPageCache(cpu: number): void {
      const target = backoff[cpu] ? 1 : cachePages;
      for (let size = cache.size(cpu); size < target; size++) {
        const page = kernel.alloc(cpu, 'KERNEL_NORETRY');
        if (!page) break;
        cache.put(cpu, page);
      }
      workInProgress[cpu] = false;
      backoff[cpu] = false;
    }

    // run_page_cache_worker(): one refill in flight per CPU.
    function runPageCacheWorker(cpu: number): void {
      if (workInProgress[cpu]) return;
      workInProgress[cpu] = true;
      if (backoff[cpu]) kernel.hrtimer(cpu, backoffUs, () => kernel.queueWork(cpu, 'normal', () => fillPageCache(cpu)));
      else kernel.hrtimer(cpu, 0, () => kernel.queueWork(cpu, 'highpri', () => fillPageCache(cpu)));
    }

    return {
      needPage(request) {
        const cached = cache.take(request.cpu);
        if (cached) return cached;
        // Headless callers may sleep: drop the lock and allocate one page right here.
        if (params.headlessInline && request.form === 'headless') {
          const page = kernel.alloc(request.cpu, 'KERNEL_NORETRY');
          if (page) return page;
        }
        runPageCacheWorker(request.cpu);
        return null;
      },
      pageEmptied(cpu: number, page: Page) {
        if (cache.size(cpu) < cachePages) cache.put(cpu, page);
        else kernel.free(cpu, page);
      },
      shrinkCount() {
        if (!params.shrinker) return 0;
        let count = 0;
        for (let cpu = 0; cpu < kernel.cpus; cpu++) {
          count += kernel.waitingObjects(cpu) + cache.size(cpu);
          backoff[cpu] = true;
        }
        return count;
      },
      shrinkScan() {
        let freed = 0;
        for (let cpu = 0; cpu < kernel.cpus; cpu++) {
          freed += kernel.waitingObjects(cpu);
          for (let page = cache.take(cpu); page; page = cache.take(cpu)) {
            kernel.free(cpu, page);
            freed++;
          }
          kernel.runMonitor(cpu);
        }
        return freed;
      },
    };
  },
});
