// lockless-pcp — the RFC series "[RFC-PATCH 0/4] Rework kvfree_rcu() allocation" (Uladzislau
// Rezki, 18 Sep 2020, Message-Id 20200918194817.48921-1-urezki@gmail.com). Never merged.
//
// Patch 2/4, "mm: Add __rcu_alloc_page_lockless() func.": "Introduce a lock-free function that
// obtain a page from the per-cpu-lists on current CPU. It returns NULL rather than acquiring
// any non-raw spinlock." It never refills the PCP list from buddy (that needs zone->lock), so
// "it is super fast, but a higher rate of fails is also expected" — and it checks no watermark
// and wakes no kswapd (Michal Hocko and Mel Gorman's objection: it takes PCP pages below MIN).
//
// Patch 3/4 calls it when the per-CPU cache (rcu_min_cached_objs = 5, nothing preallocated) is
// empty, before "Switch to emergency path". It keeps patch 1/4's worker "because the lock-less
// page allocation uses a per-cpu-list cache that can be depleted": when the call still fails,
//
//     // TODO: schedule the work from the hrtimer.
//     if (!irq_disabled && !atomic_xchg(&krcp->work_in_progress, 1))
//             queue_work(system_highpri_wq, &krcp->page_cache_work);
//
// and fill_page_cache_func() refills the cache with GFP_NOWAIT|__GFP_NOWARN ("We would like to
// minimize a reclaiming process, that is why GFP_NOWAIT is here. It can wakeup a kswapd"),
// which also refills the PCP list from buddy. irq_disabled is irqs_disabled() taken in
// kvfree_call_rcu() before krcp->lock. Patch 4/4 ("Use schedule_delayed_work() instead of WQ_HIGHPRI queue")
// queues the same work from any context with schedule_delayed_work(&krcp->page_cache_work, 1):
// one jiffy, then a system_wq worker — workerQueue=normal.
import { definePolicy } from '../src/policy/api.js';

export default definePolicy({
  name: 'lockless-pcp',
  summary: '2020 RFC: cache of 5, then __rcu_alloc_page_lockless() (this CPU\'s PCP only, no watermarks, no kswapd), plus a GFP_NOWAIT refill worker.',
  source: '[RFC-PATCH 1/4..4/4] "Rework kvfree_rcu() allocation", Uladzislau Rezki, 2020-09-18 (20200918194817.48921-1-urezki@gmail.com)',
  params: [
    {
      name: 'cachePages',
      default: 5,
      unit: 'pages per CPU',
      description: 'rcu_min_cached_objs: the most empty pages kept per CPU, and what the worker refills to',
      range: { min: 0, max: 10000 },
      integer: true,
    },
    {
      name: 'workerQueue',
      default: 'highpri',
      unit: 'queue',
      description: 'highpri: patch 1/4, queue_work(system_highpri_wq) unless IRQs are off; normal: patch 4/4, schedule_delayed_work(..., 1) from any context',
      range: ['highpri', 'normal'],
    },
    {
      name: 'jiffyMs',
      default: 4,
      unit: 'ms',
      description: 'the one-jiffy delay of patch 4/4 (4 ms at HZ=250); unused with workerQueue=highpri',
      range: { min: 0, max: 1000 },
    },
  ],
  create(kernel, params) {
    const cachePages = params.cachePages as number;
    const delayedWork = params.workerQueue === 'normal';
    const jiffyUs = (params.jiffyMs as number) * 1000;
    const cache = kernel.reserve('bkvcache', { shared: false });
    const workInProgress = new Array<boolean>(kernel.cpus).fill(false);

    function fillPageCache(cpu: number): void {
      for (let attempt = 0; attempt < cachePages; attempt++) {
        const page = kernel.alloc(cpu, 'NOWAIT');
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

    function kickWorker(cpu: number, irqDisabled: boolean): void {
      if (workInProgress[cpu]) return;
      if (delayedWork) {
        workInProgress[cpu] = true;
        kernel.hrtimer(cpu, jiffyUs, () => kernel.queueWork(cpu, 'normal', () => fillPageCache(cpu)));
      } else if (!irqDisabled) {
        workInProgress[cpu] = true;
        kernel.queueWork(cpu, 'highpri', () => fillPageCache(cpu));
      }
    }

    return {
      needPage(request) {
        const page = cache.take(request.cpu) ?? kernel.grabPcpLockless(request.cpu);
        if (page) return page;
        kickWorker(request.cpu, request.irqsDisabled);
        return null;
      },
      pageEmptied(cpu, page) {
        if (cache.size(cpu) < cachePages) cache.put(cpu, page);
        else kernel.free(cpu, page);
      },
    };
  },
});
