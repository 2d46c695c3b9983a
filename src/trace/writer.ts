// A simulated run as ftrace text, line for line in the kernel's formats (events.ts), with the
// header /sys/kernel/tracing/trace prints (print_func_help_header_irq() in kernel/trace/trace.c),
// which Perfetto's UI and trace processor open as a systrace/ftrace text file and which
// `rcupool trace stats|fit` read back. The model reports moments out of time order (calls are
// accounted in bulk after the fact), so lines are kept and sorted before writing.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CallTimes, TraceCallForm, TraceGfp, TraceSink, TraceWorkQueue } from '../model/trace-sink.js';

/** How show_gfp_flags() (include/trace/events/mmflags.h) prints each request rcupool models. */
const GFP_TEXT: Record<TraceGfp, string> = {
  KERNEL_NORETRY: 'GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC',
  KERNEL: 'GFP_KERNEL|__GFP_NOWARN',
  NOWAIT: 'GFP_NOWAIT|__GFP_NOWARN',
  ATOMIC: 'GFP_ATOMIC|__GFP_NOWARN',
  // alloc_pages_nolock() (v6.15, mm/page_alloc.c) asks __GFP_NOWARN | __GFP_ZERO | __GFP_NOMEMALLOC.
  nolock: '__GFP_NOWARN|__GFP_ZERO|__GFP_NOMEMALLOC',
  // The 2020 RFC's lockless grab takes no gfp mask; printed as the atomic request it stands for.
  'lockless-pcp': 'GFP_NOWAIT|__GFP_NOWARN',
};

/** system_highpri_wq, system_wq and a WQ_MEM_RECLAIM queue, by the names workqueue_queue_work prints. */
const WORKQUEUE_NAME: Record<TraceWorkQueue, string> = { highpri: 'events_highpri', normal: 'events', reclaim: 'mm_percpu_wq' };

const RCU_NAME = 'rcu_preempt';
/** Synthetic, stable addresses: hashed %p values are 16 hex digits. */
const RECORDS_BASE = 0x0000_0000_1000_0000;
const OBJECT_BASE = 0x0000_0000_8000_0000;
const WORK_BASE = 0x0000_0000_4000_0000;
const PAGE_BASE = 0xffff_ea00_0000_0000n;
const PFN_BASE = 0x10_0000;

function pointer(value: number): string {
  return value.toString(16).padStart(16, '0');
}

interface PendingWork {
  cpu: number;
  fn: string;
  queue: TraceWorkQueue;
}

export interface TraceWriterOptions {
  /** One rcu_kvfree_callback line per kvfree_rcu() call, not only per call the model visits one by one. */
  everyCall?: boolean;
}

export interface TraceHeader {
  cpus: number;
  /** Lines of "# rcupool ..." saying what was simulated. */
  notes: string[];
}

export class TraceWriter implements TraceSink {
  private times: number[] = [];
  private lines: string[] = [];
  private works = new Map<number, PendingWork>();
  private nextWork = 1;
  private nextObject = 1;
  private nextRecords = 1;
  /** Headless fallbacks waiting for GP seq: their CPUs, freed (kvfree from kvfree_call_rcu) when it ends. */
  private syncWaiters = new Map<number, number[]>();
  /** Objects each CPU has handed to kvfree_rcu() and not yet freed: rcu_kvfree_callback's qlen. */
  private outstanding: number[] = [];
  /** The work item that started last: a page allocated on its CPU at that moment is its doing. */
  private running: { cpu: number; queue: TraceWorkQueue; timeUs: number } | null = null;
  readonly bulkCalls?: (cpu: number, first: number, count: number, times: CallTimes) => void;

  constructor(options: TraceWriterOptions = {}) {
    if (options.everyCall) {
      this.bulkCalls = (cpu, first, count, times) => {
        for (let call = first; call < first + count; call++) this.call(cpu, times.timeOf(call));
      };
    }
  }

  get lineCount(): number {
    return this.lines.length;
  }

  reset(): void {
    this.times = [];
    this.lines = [];
    this.works = new Map();
    this.nextWork = this.nextObject = this.nextRecords = 1;
    this.syncWaiters = new Map();
    this.outstanding = [];
    this.running = null;
  }

  // ---- the sink -----------------------------------------------------------------------

  // rcu_gp_init() and rcu_gp_cleanup() trace rcu_state.gp_seq, whose low two bits are the GP
  // state (RCU_SEQ_CTR_SHIFT, kernel/rcu/rcu.h): GP n prints as n·4 + 1 at both ends.
  gpStart(seq: number, timeUs: number): void {
    this.emit(timeUs, 'rcu_preempt', 16, 0, 'd..1.', 'rcu_grace_period', `${RCU_NAME} ${seq * 4 + 1} start`);
  }

  gpEnd(seq: number, timeUs: number): void {
    this.emit(timeUs, 'rcu_preempt', 16, 0, 'd..1.', 'rcu_grace_period', `${RCU_NAME} ${seq * 4 + 1} end`);
    const waiters = this.syncWaiters.get(seq);
    if (!waiters) return;
    this.syncWaiters.delete(seq);
    // kvfree_call_rcu(): synchronize_rcu(); kvfree(ptr) — the caller frees its object itself.
    for (const cpu of waiters) {
      this.freedOne(cpu);
      this.emit(timeUs, ...caller(cpu), '.....', 'kfree', `call_site=kvfree_call_rcu+0x1f4/0x3c0 ptr=${pointer(OBJECT_BASE + this.nextObject++ * 32)}`);
    }
  }

  call(cpu: number, timeUs: number): void {
    this.outstanding[cpu] = (this.outstanding[cpu] ?? 0) + 1;
    this.emit(timeUs, ...caller(cpu), '.....', 'rcu_kvfree_callback', `${RCU_NAME} rhp=${pointer(OBJECT_BASE + this.nextObject++ * 32)} func=0 ${this.outstanding[cpu]}`);
  }

  fallback(cpu: number, timeUs: number, form: TraceCallForm, gpSeq: number): void {
    this.call(cpu, timeUs);
    if (form === 'two-arg') return; // freed by kfree_rcu_work() with its batch: see reclaim()
    let waiters = this.syncWaiters.get(gpSeq);
    if (!waiters) this.syncWaiters.set(gpSeq, (waiters = []));
    waiters.push(cpu);
  }

  // kfree_rcu_work() → kvfree_rcu_bulk(): trace_rcu_invoke_kfree_bulk_callback() per pointer
  // page, then kvfree_rcu_list(): trace_rcu_invoke_kvfree_callback() per rcu_head object.
  reclaim(cpu: number, timeUs: number, recordsPerPage: readonly number[], headObjects: number): void {
    const worker = kworker(cpu, 'normal');
    for (const records of recordsPerPage) {
      this.freedOne(cpu, records);
      this.emit(timeUs, ...worker, '.....', 'rcu_invoke_kfree_bulk_callback', `${RCU_NAME} bulk=0x${pointer(RECORDS_BASE + this.nextRecords++ * 4096)} nr_records=${records}`);
    }
    for (let object = 0; object < headObjects; object++) {
      this.freedOne(cpu);
      this.emit(timeUs, ...worker, '.....', 'rcu_invoke_kvfree_callback', `${RCU_NAME} rhp=${pointer(OBJECT_BASE + this.nextObject++ * 32)} func=0`);
    }
  }

  workQueued(cpu: number, fn: string, queue: TraceWorkQueue, timeUs: number): number {
    const id = this.nextWork++;
    const name = fn.replace(/\s+/g, '_');
    this.works.set(id, { cpu, fn: name, queue });
    const work = pointer(WORK_BASE + id * 64);
    this.emit(timeUs, ...caller(cpu), '.....', 'workqueue_queue_work', `work struct=${work} function=${name} workqueue=${WORKQUEUE_NAME[queue]} req_cpu=${cpu} cpu=${cpu}`);
    this.emit(timeUs, ...caller(cpu), '.....', 'workqueue_activate_work', `work struct ${work}`);
    return id;
  }

  workStarted(id: number, timeUs: number): void {
    const work = this.works.get(id);
    if (!work) return;
    this.works.delete(id);
    this.running = { cpu: work.cpu, queue: work.queue, timeUs };
    this.emit(timeUs, ...kworker(work.cpu, work.queue), '.....', 'workqueue_execute_start', `work struct ${pointer(WORK_BASE + id * 64)}: function ${work.fn}`);
  }

  pageAllocated(cpu: number, page: number, gfp: TraceGfp, timeUs: number): void {
    const running = this.running;
    const task = running && running.cpu === cpu && running.timeUs === timeUs ? kworker(cpu, running.queue) : caller(cpu);
    this.emit(timeUs, ...task, '.....', 'mm_page_alloc', `page=${pagePointer(page)} pfn=0x${(PFN_BASE + page).toString(16)} order=0 migratetype=0 gfp_flags=${GFP_TEXT[gfp]}`);
  }

  pageFreed(cpu: number, page: number, timeUs: number): void {
    this.emit(timeUs, ...kworker(cpu, 'normal'), '.....', 'mm_page_free', `page=${pagePointer(page)} pfn=0x${(PFN_BASE + page).toString(16)} order=0`);
  }

  // ---- output -------------------------------------------------------------------------

  /** Writes the header and every line in time order (ties in the order they happened). */
  writeFile(file: string, header: TraceHeader): void {
    const order = this.sortedOrder();
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, headerText(header, order.length));
      let chunk = '';
      for (const index of order) {
        chunk += this.lines[index]! + '\n';
        if (chunk.length > 1 << 20) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      if (chunk !== '') writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
  }

  /** The whole trace as one string (tests and small runs). */
  text(header: TraceHeader): string {
    const order = this.sortedOrder();
    return headerText(header, order.length) + order.map((index) => this.lines[index]! + '\n').join('');
  }

  private sortedOrder(): number[] {
    const times = this.times;
    return Array.from({ length: times.length }, (_, index) => index).sort((a, b) => times[a]! - times[b]! || a - b);
  }

  private freedOne(cpu: number, objects = 1): void {
    this.outstanding[cpu] = (this.outstanding[cpu] ?? 0) - objects;
  }

  /** One line as print_trace_fmt() prints it: "%16s-%-7d [%03d] flags %5lu.%06lu: event: args". */
  private emit(timeUs: number, task: string, pid: number, cpu: number, flags: string, event: string, args: string): void {
    const micros = Math.round(timeUs);
    const seconds = Math.floor(micros / 1e6);
    const fraction = String(micros - seconds * 1e6).padStart(6, '0');
    this.times.push(micros);
    this.lines.push(`${task.padStart(16)}-${String(pid).padEnd(7)} [${String(cpu).padStart(3, '0')}] ${flags} ${String(seconds).padStart(5)}.${fraction}: ${event}: ${args}`);
  }
}

/** The task making kvfree_rcu() calls on a CPU (and allocating its pages): one per CPU. */
function caller(cpu: number): [string, number, number] {
  return [`kvfree-caller/${cpu}`, 1_000 + cpu, cpu];
}

/** The per-CPU kworker of a queue: "kworker/3:1", "kworker/3:1H" for the high-priority pool. */
function kworker(cpu: number, queue: TraceWorkQueue): [string, number, number] {
  return queue === 'highpri' ? [`kworker/${cpu}:1H`, 201 + cpu * 2, cpu] : [`kworker/${cpu}:1`, 200 + cpu * 2, cpu];
}

function pagePointer(page: number): string {
  return (PAGE_BASE + BigInt(page) * 64n).toString(16);
}

function headerText(header: TraceHeader, entries: number): string {
  return [
    '# tracer: nop',
    '#',
    ...header.notes.map((note) => `# ${note}`),
    ...(header.notes.length > 0 ? ['#'] : []),
    `# entries-in-buffer/entries-written: ${entries}/${entries}   #P:${header.cpus}`,
    '#',
    '#                                _-----=> irqs-off/BH-disabled',
    '#                               / _----=> need-resched',
    '#                              | / _---=> hardirq/softirq',
    '#                              || / _--=> preempt-depth',
    '#                              ||| / _-=> migrate-disable',
    '#                              |||| /     delay',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
    '',
  ].join('\n');
}
