// inline-nowait — kvfree_rcu() as released in v5.9 and v5.10 (kernel/rcu/tree.c).
//
// Models kvfree_call_rcu_add_ptr_to_bulk() of v5.9/v5.10: commit 53c72b590b3a ("rcu/tree: cache
// specified number of objects") keeps a per-CPU cache of rcu_min_cached_objs = 2 empty pages,
// filled at boot by kfree_rcu_batch_init() with GFP_NOWAIT|__GFP_NOWARN, and commit
// 4d2919411867 ("rcu/tree: Skip entry into the page allocator for PREEMPT_RT") guards the inline
// allocation:
//
//     bnode = get_cached_bnode(krcp);
//     if (!bnode) {
//             if (IS_ENABLED(CONFIG_PREEMPT_RT))
//                     return false;
//             bnode = (struct kvfree_rcu_bulk_data *)
//                     __get_free_page(GFP_NOWAIT | __GFP_NOWARN);
//     }
//     /* Switch to emergency path. */
//     if (unlikely(!bnode))
//             return false;
//
// The allocation runs under the krcp raw spinlock, whatever the caller's context: it obeys the
// watermarks (fails below MIN even when this CPU's PCP list holds pages) and wakes kswapd. On
// PREEMPT_RT the zone lock is a sleeping lock, so the allocator is skipped altogether. On
// !PREEMPT a caller that already holds an allocator lock re-takes it — the deadlock Paul
// McKenney reported "via call_rcu()"; the model counts it as a lockRecursion violation. There
// is no worker: after the GP, kfree_rcu_work() puts each emptied page back in the cache if it
// has room (put_cached_bnode()) and free_page()s the rest.
import { definePolicy } from '../src/policy/api.js';

export default definePolicy({
  name: 'inline-nowait',
  summary: 'v5.9/v5.10: 2 preallocated pages per CPU, then GFP_NOWAIT under the raw lock (skipped on PREEMPT_RT); no worker.',
  source: 'kernel/rcu/tree.c of v5.9/v5.10: commits 53c72b590b3a (2-page cache) and 4d2919411867 (skip the allocator on PREEMPT_RT)',
  params: [
    {
      name: 'cachePages',
      default: 2,
      unit: 'pages per CPU',
      description: 'rcu_min_cached_objs: empty pages kept per CPU, preallocated at boot with GFP_NOWAIT',
      range: { min: 0, max: 10000 },
      integer: true,
    },
  ],
  create(kernel, params) {
    const cachePages = params.cachePages as number;
    const cache = kernel.reserve('bkvcache', { shared: false });

    return {
      // kfree_rcu_batch_init(): a failed boot-time page is only a pr_err(), not fatal.
      onStart() {
        for (let cpu = 0; cpu < kernel.cpus; cpu++) {
          for (let index = 0; index < cachePages; index++) {
            const page = kernel.alloc(cpu, 'NOWAIT');
            if (!page) break;
            cache.put(cpu, page);
          }
        }
      },
      needPage(request) {
        const cached = cache.take(request.cpu);
        if (cached) return cached;
        if (kernel.preemptRt) return null;
        return kernel.alloc(request.cpu, 'NOWAIT');
      },
      pageEmptied(cpu, page) {
        if (cache.size(cpu) < cachePages) cache.put(cpu, page);
        else kernel.free(cpu, page);
      },
    };
  },
});
