// refill-worker — kvfree_rcu() as released in v5.11 (kernel/rcu/tree.c).
//
// Models commit 56292e8609e3 ("rcu/tree: Defer kvfree_rcu() allocation to a clean context"),
// the merged form of Uladzislau Rezki's "rcu/tree: Add a work to allocate pages from regular
// context": "Move out a page allocation from contexts which trigger kvfree_rcu() function to
// the separate worker. When a k[v]free_rcu() per-cpu page cache is empty a fallback mechanism
// is used and a special job is scheduled to refill the per-cpu cache."
//
// No allocation ever happens under the krcp raw lock, and nothing is preallocated at boot any
// more: the cache of rcu_min_cached_objs = 5 pages per CPU starts empty. When
// kvfree_call_rcu_add_ptr_to_bulk() finds the cache empty the call takes its fallback (rcu_head
// chaining, or synchronize_rcu() inline for a headless call — the inline headless allocation
// only came in v5.12) and run_page_cache_worker() starts a 0-delay hrtimer, safe from any
// context, whose handler queues fill_page_cache_func() on system_highpri_wq:
//
//     for (i = 0; i < rcu_min_cached_objs; i++) {
//             bnode = __get_free_page(GFP_KERNEL | __GFP_NOWARN);
//             if (bnode) {
//                     pushed = put_cached_bnode(krcp, bnode);
//                     if (!pushed) { free_page(bnode); break; }
//             }
//     }
//
// Plain GFP_KERNEL may reclaim hard and, when that fails, call the OOM killer; __GFP_NORETRY
// and __GFP_NOMEMALLOC were added later. A failed allocation does not end the loop. There is
// no page-cache shrinker yet (that is Zqiang's 2021 patch, see the upstream policy).
import { definePolicy } from '../src/policy/api.js';

export default definePolicy({
  name: 'refill-worker',
  summary: 'v5.11: cache of 5 per CPU; a miss takes the fallback and kicks an hrtimer -> highpri worker refilling with GFP_KERNEL.',
  source: 'commit 56292e8609e3 "rcu/tree: Defer kvfree_rcu() allocation to a clean context" (v5.11)',
  params: [
    {
      name: 'cachePages',
      default: 5,
      unit: 'pages per CPU',
      description: 'rcu_min_cached_objs: the most empty pages kept per CPU, and what the worker refills to',
      range: { min: 0, max: 10000 },
      integer: true,
    },
  ],
  create(kernel, params) {
    const cachePages = params.cachePages as number;
    const cache = kernel.reserve('bkvcache', { shared: false });
    // krcp->work_in_progress: at most one refill queued or running per CPU.
    const workInProgress = new Array<boolean>(kernel.cpus).fill(false);

    function fillPageCache(cpu: number): void {
      for (let attempt = 0; attempt < cachePages; attempt++) {
        const page = kernel.alloc(cpu, 'KERNEL');
        if (!page) continue;
        if (cache.size(cpu) < cachePages) {
          cache.put(cpu, page);
        } else {
          kernel.free(cpu, page);
          break;
        }
      }
      workInProgress[cpu] = false;
    }

    function runPageCacheWorker(cpu: number): void {
      if (workInProgress[cpu]) return;
      workInProgress[cpu] = true;
      kernel.hrtimer(cpu, 0, () => kernel.queueWork(cpu, 'highpri', () => fillPageCache(cpu)));
    }

    return {
      needPage(request) {
        const cached = cache.take(request.cpu);
        if (cached) return cached;
        runPageCacheWorker(request.cpu);
        return null;
      },
      pageEmptied(cpu, page) {
        if (cache.size(cpu) < cachePages) cache.put(cpu, page);
        else kernel.free(cpu, page);
      },
    };
  },
});
