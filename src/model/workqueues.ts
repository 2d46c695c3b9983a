// Workqueue wake-up latency (docs/model.md §4) and hrtimer expiry. Each user of the queues draws
// from its own stream, so the policy's extra work items never shift the model's own.
import { lognormalFromMedianP99, type Lognormal, type Stream } from '../engine/random.js';
import type { WorkQueue } from '../policy/api.js';
import type { TimingSpec } from '../scenario/types.js';

export class WakeLatency {
  private dists!: Record<WorkQueue, Lognormal>;

  constructor(workqueues: TimingSpec['workqueues']) {
    this.setTiming(workqueues);
  }

  setTiming(workqueues: TimingSpec['workqueues']): void {
    const make = (spec: TimingSpec['workqueues']['highpri']) => lognormalFromMedianP99(spec.medianUs, spec.p99Us, spec.maxUs);
    this.dists = { highpri: make(workqueues.highpri), normal: make(workqueues.normal), reclaim: make(workqueues.reclaim) };
  }

  sample(queue: WorkQueue, stream: Stream): number {
    return stream.lognormal(this.dists[queue]);
  }
}
