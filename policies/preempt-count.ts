// preempt-count — the "unconditional PREEMPT_COUNT approach" Paul McKenney names in the 2020
// thread (Re: [RFC-PATCH 2/4] mm: Add __rcu_alloc_page_lockless() func., 2020-09-23, quoted in
// Mel Gorman's reply 20200923232251.GK3179@techsingularity.net):
//
//   "Unfortunately, in current !PREEMPT kernels, this approach can deadlock on one of the
//    allocator locks via call_rcu(). This experience caused us to look at lockless allocator
//    access. It also inspired the unconditional PREEMPT_COUNT approach, but that has its own
//    detractors."
//
// With CONFIG_PREEMPT_COUNT, preemptible() is `(preempt_count() == 0 && !irqs_disabled())`
// (include/linux/preempt.h); without it preemptible() is 0 and a held spinlock cannot be seen.
// Making PREEMPT_COUNT unconditional would let kvfree_rcu() ask the allocator itself exactly
// when that cannot deadlock: a caller holding any spinlock (an allocator lock included) is not
// preemptible on !RT. Never merged; this policy is what it would have allowed.
//
// Today's kvfree_rcu() (the upstream policy, reused as is: cache of 5 per CPU refilled by a
// highpri worker, the v5.12 inline NORETRY allocation for headless calls, its shrinker) plus one
// step where upstream's answer is no page:
//   if (!bnode && preemptible()) bnode = __get_free_page(GFP_NOWAIT | __GFP_NOWARN);
// Upstream has then already kicked its refill worker (run_page_cache_worker()), so the cache
// refills for the next burst even when the inline page is had.
// GFP_NOWAIT, not GFP_KERNEL: preemptible() does not mean "may sleep" (an RCU reader under
// PREEMPT_RCU is preemptible), so it must not enter direct reclaim. On a kernel without
// PREEMPT_COUNT (kernel.preemptCount=false) preemptible is unknown and the policy is upstream.
// On PREEMPT_RT (which always has PREEMPT_COUNT) a preemptible caller may take the allocator's
// sleeping locks, so the same rule stays legal there.
//
// What it costs, as a stated assumption: with PREEMPT_COUNT every preempt_disable()/
// preempt_enable() pair (each spin_lock()/spin_unlock(), and rcu_read_lock() on !PREEMPT_RCU)
// becomes a per-CPU counter increment/decrement plus, on enable, a check for a pending
// reschedule — about 1 ns per pair on a current core (assumption), paid by the whole kernel,
// not by kvfree_rcu(): the thread's "detractors". The model charges it to no row, since every
// policy would pay it alike on such a kernel; compare rows on the same kernel.preemptCount.
import { definePolicy } from '../src/policy/api.js';
import upstream from './upstream.js';

export default definePolicy({
  name: 'preempt-count',
  summary: 'Upstream plus, where it has no page and preemptible() says so (needs PREEMPT_COUNT), an inline GFP_NOWAIT page.',
  source: 'Paul McKenney, "unconditional PREEMPT_COUNT approach", in Re: [RFC-PATCH 2/4] mm: Add __rcu_alloc_page_lockless() func., LKML 2020-09-23',
  params: upstream.params,
  create(kernel, params) {
    const base = upstream.create(kernel, params);
    return {
      ...base,
      needPage(request) {
        const page = base.needPage(request);
        if (page) return page;
        // The new step: only where kernel code can see that no lock is held and IRQs are on.
        return request.preemptible === true ? kernel.alloc(request.cpu, 'NOWAIT') : null;
      },
    };
  },
});
