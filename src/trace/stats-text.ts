// `rcupool trace stats` as text: what the capture holds, in the simulator's terms and units.
import { USED_EVENTS } from './events.js';
import type { Quantiles, TraceStats } from './analysis.js';

function n(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function num(value: number, digits = 3): string {
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  return Math.abs(rounded) >= 1000 ? n(rounded) : String(rounded);
}

/** Numbers right-aligned; the first column (and the last, when it is words) left-aligned. */
function columns(rows: string[][], wordsLast = false): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const last = rows[0]!.length - 1;
  return rows.map((row) => row.map((cell, column) => (column === 0 || (wordsLast && column === last) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd());
}

function quantileRow(label: string, q: Quantiles): string[] {
  return [label, n(q.count), num(q.p50), num(q.p99), num(q.max), num(q.mean)];
}

/** A short name for an event in the per-CPU table header. */
const SHORT: Record<string, string> = {
  rcu_grace_period: 'gp',
  rcu_kvfree_callback: 'kvfree_cb',
  rcu_invoke_kvfree_callback: 'invoke_kvfree',
  rcu_invoke_kfree_bulk_callback: 'bulk',
  workqueue_queue_work: 'wq_queue',
  workqueue_activate_work: 'wq_activate',
  workqueue_execute_start: 'wq_start',
  workqueue_execute_end: 'wq_end',
  mm_page_alloc: 'page_alloc',
  mm_page_free: 'page_free',
  kfree: 'kfree',
  kmem_cache_free: 'cache_free',
};

export function statsText(stats: TraceStats): string {
  const lines: string[] = [];
  const style = stats.format.style === 'trace-cmd' ? 'trace-cmd report' : stats.format.style === 'ftrace' ? 'kernel trace file' : 'no header';
  const cpus = stats.cpus.declared !== null ? `${stats.cpus.declared} CPUs (header), events on ${stats.cpus.seen}` : `events on ${stats.cpus.seen} CPUs`;
  lines.push(`Capture ${stats.file}: ${style}${stats.format.irqFlags ? ' with irq flags' : ''}; ${cpus}; ${num(stats.spanMs / 1000, 4)} s of events`);
  lines.push(
    `  ${n(stats.lines.total)} lines: ${n(stats.lines.usedEvents)} events used, ${n(stats.lines.otherEvents)} other events, ${n(stats.lines.header)} header, ${n(stats.lines.skipped)} skipped` +
      (stats.lines.late > 0 ? `; ${n(stats.lines.late)} events more than the reorder window out of time order` : ''),
  );
  lines.push('');

  const m = stats.metrics;
  lines.push('Simulator metrics this capture shows');
  lines.push(
    ...columns([
      ['  metric', 'value', 'from'],
      ['  calls', n(m.calls), stats.kvfreeRcu.callsTraced >= stats.kvfreeRcu.objectsFreed && stats.kvfreeRcu.callsTraced > 0 ? 'rcu_kvfree_callback' : 'objects freed (bulk records + rcu_head + inline)'],
      ['  pagesAllocated', n(m.pagesAllocated), 'order-0 mm_page_alloc with __GFP_NORETRY|__GFP_NOMEMALLOC'],
      ['  failures.rcuHead', n(m.failures.rcuHead), 'rcu_invoke_kvfree_callback'],
      ['  failures.syncInline', n(m.failures.syncInline), 'kfree from kvfree_call_rcu'],
      ['  gp.count', n(m.gp.count), 'rcu_grace_period start/end pairs'],
    ], true),
  );
  lines.push('');

  const fill = stats.pageFill;
  lines.push(`Records per freed pointer page (rcu_invoke_kfree_bulk_callback nr_records): ${n(fill.pages)} pages`);
  if (fill.pages > 0) {
    lines.push(`  mean ${num(fill.mean, 4)}, min ${n(fill.min)}, p10 ${n(fill.p10)}, median ${n(fill.p50)}, p90 ${n(fill.p90)}, max ${n(fill.max)}`);
    const widest = Math.max(...fill.buckets.map((bucket) => bucket.pages));
    lines.push(
      ...columns([
        ['  records', 'pages', ''],
        ...fill.buckets.map((bucket) => [`  ${bucket.from}–${bucket.to}`, n(bucket.pages), '#'.repeat(widest > 0 ? Math.round((bucket.pages / widest) * 40) : 0)]),
      ], true),
    );
  }
  lines.push('');

  const gp = stats.gracePeriodsMs;
  lines.push(
    ...columns([
      ['Latencies', 'count', 'median', 'p99', 'max', 'mean'],
      quantileRow('  grace period (ms)', gp),
      ...Object.entries(stats.wakeUpUs).map(([queue, q]) => quantileRow(`  wake-up on ${queue} (µs)`, q)),
      quantileRow('  other users\' page lifetime (ms)', stats.pages.otherLifetimeMs),
    ]),
  );
  lines.push(`  GPs over ${stats.gracePeriodsMs.stallOverMs} ms: ${n(gp.stalls)}; ends without a start: ${n(gp.unpaired)}; work started without a traced queue_work: ${n(stats.wakeUnpaired)}`);
  lines.push(
    `  pages: ${n(stats.pages.pointerPages)} pointer pages allocated, ${n(stats.pages.pointerPageFrees)} pages freed without a traced allocation; ` +
      `${n(stats.pages.otherAllocs)} other order-0 allocations (${n(stats.pages.otherAtomicAllocs)} GFP_ATOMIC), ${n(stats.pages.otherFrees)} of them freed`,
  );
  lines.push('');

  const present = USED_EVENTS.filter((name) => stats.perCpu.some((row) => row.events[name] !== undefined));
  lines.push('Events per CPU');
  lines.push(...columns([['  cpu', ...present.map((name) => SHORT[name] ?? name)], ...stats.perCpu.map((row) => [`  ${row.cpu}`, ...present.map((name) => n(row.events[name] ?? 0))])]));
  return lines.join('\n') + '\n';
}
