// The true context of a kvfree_rcu() caller, which the model keeps and judges allocator calls
// by, and the part of it kernel code can test (what a PageRequest shows a policy).
//
// What kernel code can know (include/linux/preempt.h): in_nmi(), in_hardirq() and
// in_serving_softirq() read preempt_count()'s NMI/HARDIRQ/SOFTIRQ bits, which are kept on every
// config; irqs_disabled() reads the CPU flag. preemptible() is
// `(preempt_count() == 0 && !irqs_disabled())` only under CONFIG_PREEMPT_COUNT; without it
// preempt_disable() is a barrier() that counts nothing and preemptible() is defined as 0, so a
// held spinlock or preempt_disable() cannot be seen. An allocator lock the caller holds is
// visible on no config. kvfree_rcu() is not called from NMI (it takes the krcp raw spinlock), so
// no caller here is in NMI context.
import type { CallForm, PageRequest } from '../policy/api.js';
import type { WorkloadSpec } from '../scenario/types.js';

/**
 * task: a sleepable task; preemptOff: spin_lock()/preempt_disable() with IRQs on; irqsOff:
 * local_irq_save()/spin_lock_irqsave(); softirq: a softirq handler; hardirq: an interrupt
 * handler; rawLock: under a raw_spin_lock_irqsave() (what matters on PREEMPT_RT).
 */
export type CallerKind = 'task' | 'preemptOff' | 'irqsOff' | 'softirq' | 'hardirq' | 'rawLock';

export const CALLER_KINDS: readonly CallerKind[] = ['task', 'preemptOff', 'irqsOff', 'softirq', 'hardirq', 'rawLock'];
const [TASK, PREEMPT_OFF, IRQS_OFF, SOFTIRQ, HARDIRQ, RAW_LOCK] = [0, 1, 2, 3, 4, 5];

export interface TrueContext {
  kind: CallerKind;
  /** The caller already holds a zone/PCP lock (kvfree_rcu() from inside the allocator). */
  holdsAllocatorLock: boolean;
}

/** May block (direct reclaim, GFP_KERNEL). */
export function isSleepable(kind: CallerKind): boolean {
  return kind === 'task';
}

/**
 * preempt_count() == 0 and IRQs on. On PREEMPT_RT softirqs run in task context with only
 * local_bh_disable()'s per-CPU lock held (kernel/softirq.c), so a softirq caller is preemptible
 * there: the allocator's sleeping locks may be taken, though it still must not block in reclaim.
 */
export function isPreemptible(kind: CallerKind, preemptRt: boolean): boolean {
  return kind === 'task' || (preemptRt && kind === 'softirq');
}

export function irqsDisabled(kind: CallerKind): boolean {
  return kind === 'irqsOff' || kind === 'hardirq' || kind === 'rawLock';
}

/**
 * The kind (index in CALLER_KINDS) of a two-argument call from its context draw
 * (`workload.context`) and, for an atomic one, a second draw over `workload.atomicKinds`. A
 * caller holding the zone lock has IRQs off (spin_lock_irqsave(&zone->lock)), whatever its draw
 * said. Indices, not names: this runs for every call answered ahead.
 */
export function twoArgKindIndex(workload: WorkloadSpec, contextU: number, atomicU: number, holdsLock: boolean): number {
  const shares = workload.context;
  if (contextU < shares.sleepable) return holdsLock ? IRQS_OFF : TASK;
  if (contextU >= shares.sleepable + shares.atomic) return RAW_LOCK;
  const kinds = workload.atomicKinds;
  if (atomicU < kinds.preemptOff) return holdsLock ? IRQS_OFF : PREEMPT_OFF;
  if (atomicU < kinds.preemptOff + kinds.irqsOff) return IRQS_OFF;
  if (atomicU < kinds.preemptOff + kinds.irqsOff + kinds.softirq) return holdsLock ? IRQS_OFF : SOFTIRQ;
  return HARDIRQ;
}

/** The PageRequest kernel code could build for a caller: what it can test, no more. */
export function visibleRequest(cpu: number, form: CallForm, kind: CallerKind, kernel: { preemptRt: boolean; preemptCount: boolean }): PageRequest {
  return {
    cpu,
    form,
    irqsDisabled: irqsDisabled(kind),
    inHardirq: kind === 'hardirq',
    inServingSoftirq: kind === 'softirq',
    preemptible: kernel.preemptCount ? isPreemptible(kind, kernel.preemptRt) : undefined,
  };
}
