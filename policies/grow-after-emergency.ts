// grow-after-emergency — Mel Gorman's proposal in "Re: [RFC-PATCH 2/4] mm: Add
// __rcu_alloc_page_lockless() func." (2020-09-23, Message-ID
// 20200923232251.GK3179@techsingularity.net). Never written as a patch.
//
//   "As the emergency path and synchronising can be hit no matter what, why not increase the
//    pool temporarily after the emergency path is hit and shrink it again later if necessary?"
//
// and, answering Paul McKenney's worry that "scheduler delays can prevent these pool-increase
// actions until the point at which there is no memory":
//
//   "You would have to keep an emergency "rescue" pool that is enough to make slow progress
//    even if no other memory is available until the worker takes action. The worker that
//    allocates pages from regular context would be to increase the pool size enough so the
//    emergency reserve does not have to be used again in the near future."
//
// Each CPU keeps a pool whose floor is the rescue pool (filled at start, never given back) and
// whose target starts there. An emergency is a call that found the pool empty (fallback) or had
// to take one of the rescue pages. It kicks the worker — 0-delay hrtimer, safe from any context,
// then a work item — which multiplies the target by growthFactor (up to capPages) and fills the
// pool with GFP_KERNEL|__GFP_NORETRY|__GFP_NOMEMALLOC|__GFP_NOWARN: regular context, but growing
// a cache is not worth an OOM kill. Emptied pages refill the pool up to its target. After
// quietMs without an emergency the target is divided by growthFactor again (down to the rescue
// pool) and the excess freed, one step per quiet period: that is the "shrink it again later".
// The pool also registers a shrinker like any kernel cache (count: pages above the rescue pool;
// scan: free them and lower the target to what is left); do_shrink_slab() only scans it once
// reclaim is struggling. A headless call that finds the pool empty may sleep, so it allocates
// one page inline with GFP_KERNEL|__GFP_NORETRY, as upstream's v5.12 headless path does.
//
// Defaults (Mel gave no numbers): rescue 4 pages per CPU, about 2,000 pointers, which covers a
// p99 loaded highpri wake-up (20 ms) at 100k calls/s per CPU; growth ×4 up to 128 pages per CPU
// (4 MiB on the 8-CPU phone at the peak, only while emergencies keep coming); quiet period 1 s.
import { definePolicy } from '../src/policy/api.js';

export default definePolicy({
  name: 'grow-after-emergency',
  summary: 'Mel Gorman 2020: a small per-CPU rescue pool; each emergency makes a worker grow the pool, which shrinks back after a quiet period.',
  source: 'Mel Gorman, "Re: [RFC-PATCH 2/4] mm: Add __rcu_alloc_page_lockless() func.", LKML 2020-09-23',
  params: [
    { name: 'rescuePages', default: 4, unit: 'pages per CPU', description: 'the rescue pool: always kept, filled at start', range: { min: 0, max: 10000 }, integer: true },
    { name: 'growthFactor', default: 4, unit: '×', description: 'the pool target is multiplied by this after an emergency (at least +1 page)', range: { min: 1, max: 64 } },
    { name: 'capPages', default: 128, unit: 'pages per CPU', description: 'largest pool target', range: { min: 0, max: 100000 }, integer: true },
    { name: 'quietMs', default: 1000, unit: 'ms', description: 'time without an emergency before the target shrinks one step', range: { min: 1, max: 600000 } },
    { name: 'workerQueue', default: 'highpri', unit: 'queue', description: 'workqueue of the grow worker', range: ['highpri', 'normal', 'reclaim'] },
    { name: 'shrinker', default: true, unit: 'on/off', description: 'a shrinker giving back pages above the rescue pool when reclaim asks' },
    { name: 'headlessInline', default: true, unit: 'on/off', description: 'headless calls that find the pool empty allocate one page inline (NORETRY)' },
  ],
  create(kernel, params) {
    const rescuePages = params.rescuePages as number;
    const growthFactor = params.growthFactor as number;
    const capPages = Math.max(rescuePages, params.capPages as number);
    const quietUs = (params.quietMs as number) * 1000;
    const workerQueue = params.workerQueue as 'highpri' | 'normal' | 'reclaim';
    const pool = kernel.reserve('rescue pool', { shared: false });
    const target = new Array<number>(kernel.cpus).fill(rescuePages);
    const lastEmergencyUs = new Array<number>(kernel.cpus).fill(-Infinity);
    const growInFlight = new Array<boolean>(kernel.cpus).fill(false);
    const shrinkArmed = new Array<boolean>(kernel.cpus).fill(false);

    function fillTo(cpu: number, gfp: 'KERNEL' | 'KERNEL_NORETRY'): void {
      // Re-read the target each time: direct reclaim inside alloc() may run our shrinker.
      while (pool.size(cpu) < target[cpu]) {
        const page = kernel.alloc(cpu, gfp);
        if (!page) return;
        pool.put(cpu, page);
      }
    }

    // Pages a grow work is still putting (size() counts them) cannot be taken yet.
    function trimTo(cpu: number, pages: number): number {
      let freed = 0;
      for (let page = pool.size(cpu) > pages ? pool.take(cpu) : null; page; page = pool.size(cpu) > pages ? pool.take(cpu) : null) {
        kernel.free(cpu, page);
        freed++;
      }
      return freed;
    }

    function grow(cpu: number): void {
      target[cpu] = Math.min(capPages, Math.max(target[cpu] + 1, Math.ceil(target[cpu] * growthFactor)));
      fillTo(cpu, 'KERNEL_NORETRY');
      growInFlight[cpu] = false;
      armShrink(cpu, quietUs);
    }

    function emergency(cpu: number): void {
      lastEmergencyUs[cpu] = kernel.now();
      if (growInFlight[cpu]) return;
      growInFlight[cpu] = true;
      kernel.hrtimer(cpu, 0, () => kernel.queueWork(cpu, workerQueue, () => grow(cpu)));
    }

    // A delayed work: after a quiet period, one step back down towards the rescue pool.
    function armShrink(cpu: number, delayUs: number): void {
      if (shrinkArmed[cpu] || target[cpu] <= rescuePages) return;
      shrinkArmed[cpu] = true;
      kernel.hrtimer(cpu, delayUs, () => kernel.queueWork(cpu, 'normal', () => quietCheck(cpu)));
    }

    function quietCheck(cpu: number): void {
      shrinkArmed[cpu] = false;
      const quietForUs = kernel.now() - lastEmergencyUs[cpu];
      if (quietForUs >= quietUs) {
        target[cpu] = Math.max(rescuePages, Math.floor(target[cpu] / growthFactor));
        trimTo(cpu, target[cpu]);
        armShrink(cpu, quietUs);
      } else {
        armShrink(cpu, quietUs - quietForUs);
      }
    }

    return {
      onStart() {
        for (let cpu = 0; cpu < kernel.cpus; cpu++) fillTo(cpu, 'KERNEL');
      },
      needPage(request) {
        const page = pool.take(request.cpu);
        if (!page || pool.size(request.cpu) < rescuePages) emergency(request.cpu);
        if (!page && params.headlessInline && request.form === 'headless') return kernel.alloc(request.cpu, 'KERNEL_NORETRY');
        return page;
      },
      pageEmptied(cpu, page) {
        if (pool.size(cpu) < target[cpu]) pool.put(cpu, page);
        else kernel.free(cpu, page);
      },
      shrinkCount() {
        let count = 0;
        if (params.shrinker) for (let cpu = 0; cpu < kernel.cpus; cpu++) count += Math.max(0, pool.size(cpu) - rescuePages);
        return count;
      },
      shrinkScan(nrToScan) {
        let freed = 0;
        for (let cpu = 0; cpu < kernel.cpus && freed < nrToScan; cpu++) {
          freed += trimTo(cpu, Math.max(rescuePages, pool.size(cpu) - (nrToScan - freed)));
          target[cpu] = Math.max(rescuePages, Math.min(target[cpu], pool.size(cpu)));
        }
        return freed;
      },
    };
  },
});
