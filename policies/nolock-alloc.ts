// nolock-alloc — what alloc_pages_nolock() would give kvfree_rcu(). Hypothetical: no kernel
// patch does this.
//
// alloc_pages_nolock() (first merged as try_alloc_pages(), commit 97769a53f117 "mm, bpf:
// Introduce try_alloc_pages() for opportunistic page allocation", Alexei Starovoitov, v6.15) is
// the allocator's late answer to the 2020 request: "safe to call from any context (from atomic,
// NMI, and also reentrant allocator -> tracepoint -> try_alloc_pages_noprof)". It only
// *trylocks* the PCP and zone locks, checks the MIN watermark (ALLOC_WMARK_MIN), and neither
// sleeps nor wakes kswapd ("wake up of kswapd is not safe in arbitrary context"). Unlike the
// RFC's __rcu_alloc_page_lockless() it can refill an empty PCP list from buddy and it keeps
// off the reserves below MIN; unlike GFP_NOWAIT it may run inside a raw_spin_lock_irqsave()
// region on PREEMPT_RT. A trylock that fails (the caller holds the lock) just returns NULL.
//
// The policy is today's kvfree_rcu() (the upstream policy: commit 56292e8609e3, the v5.12
// headless GFP_KERNEL|__GFP_NORETRY allocation, the 2021 shrinker) with one line added to
// add_ptr_to_bulk_krc_lock():
//
//     bnode = get_cached_bnode(*krcp);
//     if (!bnode)
//             bnode = page_address(alloc_pages_nolock(...));   /* the new line */
//     if (!bnode && can_alloc) { ... __get_free_page(GFP_KERNEL | __GFP_NORETRY ...) ... }
//
// A call that still finds no page takes the fallback and kicks the same refill as upstream:
// 0-delay hrtimer -> system_highpri_wq -> fill the cache to 5 with GFP_KERNEL|__GFP_NORETRY|
// __GFP_NOMEMALLOC|__GFP_NOWARN; after the shrinker ran, one page after 5 s.
import { definePolicy } from '../src/policy/api.js';

export default definePolicy({
  name: 'nolock-alloc',
  summary: 'Upstream plus alloc_pages_nolock() inline from any context (trylock, MIN watermark, no kswapd) when the cache of 5 is empty.',
  source: 'alloc_pages_nolock(), first try_alloc_pages() (commit 97769a53f117, v6.15), applied to today\'s kvfree_rcu(); hypothetical',
  params: [
    { name: 'cachePages', default: 5, unit: 'pages per CPU', description: 'rcu_min_cached_objs', range: { min: 0, max: 10000 }, integer: true },
    { name: 'backoffMs', default: 5000, unit: 'ms', description: 'rcu_delay_page_cache_fill_msec', range: { min: 0, max: 100000 } },
    { name: 'headlessInline', default: true, unit: 'on/off', description: 'v5.12 inline NORETRY allocation for headless calls, after the nolock attempt' },
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

    function runPageCacheWorker(cpu: number): void {
      if (workInProgress[cpu]) return;
      workInProgress[cpu] = true;
      if (backoff[cpu]) kernel.hrtimer(cpu, backoffUs, () => kernel.queueWork(cpu, 'normal', () => fillPageCache(cpu)));
      else kernel.hrtimer(cpu, 0, () => kernel.queueWork(cpu, 'highpri', () => fillPageCache(cpu)));
    }

    return {
      needPage(request) {
        const page = cache.take(request.cpu) ?? kernel.allocNolock(request.cpu);
        if (page) return page;
        // Headless callers may sleep: drop the lock and allocate one page right here.
        if (params.headlessInline && request.form === 'headless') {
          const slept = kernel.alloc(request.cpu, 'KERNEL_NORETRY');
          if (slept) return slept;
        }
        runPageCacheWorker(request.cpu);
        return null;
      },
      pageEmptied(cpu, page) {
        if (cache.size(cpu) < cachePages) cache.put(cpu, page);
        else kernel.free(cpu, page);
      },
      // upstream's kfree_rcu_shrink_count()/kfree_rcu_shrink_scan(), unchanged.
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
