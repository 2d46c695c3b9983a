// mempool — kvfree_rcu() backed by a mempool (mm/mempool.c), as Mel Gorman suggested in the
// 2020 thread: "But it's very similar to what mempools are for." ... "pretty much anything that
// needs guaranteed access to pages has to maintain a mempool of some sort."
// (Re: [RFC-PATCH 2/4] mm: Add __rcu_alloc_page_lockless() func., 2020-09-23,
// Message-ID 20200923232251.GK3179@techsingularity.net.) Never proposed as a patch.
//
// mempool_create() fills min_nr elements with GFP_KERNEL up front (onStart). mempool_alloc():
//   1. tries the allocator first, with __GFP_NOMEMALLOC|__GFP_NORETRY|__GFP_NOWARN added and
//      direct reclaim stripped for this first round: a GFP_NOWAIT-class attempt (kswapd woken);
//   2. then takes an element from the pool;
//   3. with the pool empty, a caller that may sleep retries with its full mask (GFP_KERNEL|
//      __GFP_NORETRY|__GFP_NOMEMALLOC|__GFP_NOWARN: one direct-reclaim round, never OOM), and
//      would then wait for an element; kvfree_rcu() cannot wait, so it takes its fallback.
// mempool_free() puts an element back into the pool while the pool is below min_nr and only
// then gives it to the allocator. There is no shrinker and no worker: a mempool keeps its
// reserve whatever the memory pressure.
//
// The context decides the mask, as kvfree_rcu() sees it: a headless kvfree_rcu_mightsleep()
// call may sleep (GFP_KERNEL; it drops the krcp lock as upstream v5.12 does); a two-argument
// call cannot know its caller's context and has no might_sleep(), so it asks with GFP_NOWAIT.
// What kvfree_rcu() can test decides whether the allocator may be asked at all: on PREEMPT_RT
// its zone/PCP locks sleep, so only a preemptible() caller may call it (RT always has
// PREEMPT_COUNT); everywhere else GFP_NOWAIT is asked from any context. A caller that already
// holds an allocator lock cannot be told apart, so such a call re-takes it (counted as a
// lockRecursion violation): the deadlock McKenney reported "via call_rcu()". For the pool alone
// under a raw lock the shared pool's own lock must be a raw_spinlock_t (mempool's is a
// spinlock_t); the per-CPU pools need none beyond krcp->lock.
//
// Defaults: Uladzislau Rezki put the preallocation phones care about at 100, 200 or 300 pages
// in all (docs/model.md §6 claim 1); we take the middle, 200 pages on the 8-CPU phone preset: a
// per-CPU pool of 25 pages (0.8 MiB; 50 pages on the 2-CPU embedded preset, 1,600 on the
// 64-CPU server). With pool=shared, reservePages is the size of the one pool: give it 200 for
// the same memory. pool=shared is also Gorman's "common pool for emergency use", which "would be
// subject to abuse because all it would take is one driver or subsystem deciding that it was
// special enough to deplete it" (claim 7, the pool-abuse preset).
import { definePolicy, type PageRequest } from '../src/policy/api.js';

export default definePolicy({
  name: 'mempool',
  summary: 'mm/mempool.c semantics: allocator first (NOWAIT, or NORETRY when it may sleep), then a preallocated pool; emptied pages refill the pool first.',
  source: 'mm/mempool.c; Mel Gorman, "Re: [RFC-PATCH 2/4] mm: Add __rcu_alloc_page_lockless() func." (2020-09-23)',
  params: [
    {
      name: 'reservePages',
      default: 25,
      unit: 'pages',
      description: 'min_nr: pages per CPU (pool=perCpu) or in the one pool (pool=shared), filled at start with GFP_KERNEL',
      range: { min: 0, max: 1_000_000 },
      integer: true,
    },
    {
      name: 'pool',
      default: 'perCpu',
      unit: 'layout',
      description: 'perCpu: one pool per CPU beside krcp; shared: one pool for all CPUs',
      range: ['perCpu', 'shared'],
    },
  ],
  create(kernel, params) {
    const reservePages = params.reservePages as number;
    const shared = params.pool === 'shared';
    const pool = kernel.reserve('mempool', { shared });

    // mempool_create(): min_nr elements up front; a shared pool spreads them over every CPU's PCP list.
    function fill(part: number): void {
      for (let index = 0; pool.size(part) < reservePages; index++) {
        const cpu = shared ? index % kernel.cpus : part;
        const page = kernel.alloc(cpu, 'KERNEL');
        if (!page) return; // mempool_create() would fail; the model goes on with a smaller pool
        pool.put(cpu, page);
      }
    }

    function allocatorMayBeCalled(request: PageRequest): boolean {
      return !kernel.preemptRt || request.preemptible === true;
    }

    return {
      onStart() {
        for (let part = 0; part < (shared ? 1 : kernel.cpus); part++) fill(part);
      },
      needPage(request) {
        const cpu = request.cpu;
        if (!allocatorMayBeCalled(request)) return pool.take(cpu);
        const fresh = kernel.alloc(cpu, 'NOWAIT');
        if (fresh) return fresh;
        const reserved = pool.take(cpu);
        if (reserved) return reserved;
        if (request.form === 'headless') return kernel.alloc(cpu, 'KERNEL_NORETRY');
        return null;
      },
      pageEmptied(cpu, page) {
        if (pool.size(cpu) < reservePages) pool.put(cpu, page);
        else kernel.free(cpu, page);
      },
    };
  },
});
