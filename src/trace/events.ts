// The tracepoints rcupool reads and writes, with their TP_printk formats as the kernel defines
// them. Each parser takes the text after "event_name: " and returns its fields, or null when
// the text does not have the event's shape (the line then counts as malformed).
//
// include/trace/events/rcu.h (torvalds/linux):
//   rcu_grace_period               "%s %lu %s"                     rcuname, gp_seq, gpevent ("start", "end", ...)
//   rcu_kvfree_callback            "%s rhp=%p func=%ld %ld"        rcuname, rhp, offset, qlen
//   rcu_invoke_kvfree_callback     "%s rhp=%p func=%ld"            rcuname, rhp, offset
//   rcu_invoke_kfree_bulk_callback "%s bulk=0x%p nr_records=%lu"   rcuname, records array, nr_records
// include/trace/events/workqueue.h:
//   workqueue_queue_work    "work struct=%p function=%ps workqueue=%s req_cpu=%d cpu=%d"
//                           (before v5.x: "workqueue=%p ... req_cpu=%u cpu=%u")
//   workqueue_activate_work "work struct %p"
//   workqueue_execute_start "work struct %p: function %ps"
//   workqueue_execute_end   "work struct %p: function %ps"
// include/trace/events/kmem.h:
//   mm_page_alloc   "page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s"  (older: pfn=%lu)
//   mm_page_free    "page=%p pfn=0x%lx order=%d"
//   kfree           "call_site=%pS ptr=%p"
//   kmem_cache_free "call_site=%pS ptr=%p name=%s"   (older kernels print more fields; only these are read)

export const EVENTS = {
  gracePeriod: 'rcu_grace_period',
  kvfreeCallback: 'rcu_kvfree_callback',
  invokeKvfree: 'rcu_invoke_kvfree_callback',
  invokeBulk: 'rcu_invoke_kfree_bulk_callback',
  queueWork: 'workqueue_queue_work',
  activateWork: 'workqueue_activate_work',
  executeStart: 'workqueue_execute_start',
  executeEnd: 'workqueue_execute_end',
  pageAlloc: 'mm_page_alloc',
  pageFree: 'mm_page_free',
  kfree: 'kfree',
  kmemCacheFree: 'kmem_cache_free',
} as const;

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];

/** Every event name read, in the order error messages list them. */
export const USED_EVENTS: readonly EventName[] = Object.values(EVENTS);

/** Used event names by length: most lines are told apart without a comparison. */
const BY_LENGTH: EventName[][] = [];
for (const name of USED_EVENTS) (BY_LENGTH[name.length] ??= []).push(name);

/** The used event named by text[start, end), without cutting it out; undefined for other events. */
export function usedEventAt(text: string, start: number, end: number): EventName | undefined {
  const candidates = BY_LENGTH[end - start];
  if (candidates === undefined) return undefined;
  for (const name of candidates) if (text.startsWith(name, start)) return name;
  return undefined;
}

/**
 * The GFP flags kvfree_rcu() asks for its pointer pages since v5.12 (fill_page_cache_func()
 * and the headless path in kernel/rcu/tree.c): GFP_KERNEL | __GFP_NORETRY | __GFP_NOMEMALLOC |
 * __GFP_NOWARN. An order-0 mm_page_alloc with __GFP_NORETRY and __GFP_NOMEMALLOC both set is
 * counted as a pointer page; every other one as another user's allocation.
 */
export function isPointerPageGfp(flags: string): boolean {
  return flags.includes('__GFP_NORETRY') && flags.includes('__GFP_NOMEMALLOC');
}

/** The headless kvfree_rcu() path frees its object itself after synchronize_rcu(): kvfree() from kvfree_call_rcu(). */
export function isInlineSyncFree(callSite: string): boolean {
  return callSite.startsWith('kvfree_call_rcu');
}

export interface GracePeriodArgs {
  flavor: string;
  seq: number;
  what: string;
}

export function parseGracePeriod(args: string): GracePeriodArgs | null {
  const first = args.indexOf(' ');
  const second = first < 0 ? -1 : args.indexOf(' ', first + 1);
  if (second < 0 || args.indexOf(' ', second + 1) >= 0) return null;
  const seq = digitsAt(args, first + 1, second);
  if (Number.isNaN(seq) || second === args.length - 1) return null;
  return { flavor: args.slice(0, first), seq, what: args.slice(second + 1) };
}

/** The decimal number in [start, end), or NaN. */
function digitsAt(text: string, start: number, end: number): number {
  if (end <= start) return NaN;
  let value = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return NaN;
    value = value * 10 + code - 48;
  }
  return value;
}

/** Digits after `key` in `args` (decimal, or hex with 0x), or NaN. */
function numberField(args: string, key: string): number {
  const at = args.indexOf(key);
  if (at < 0) return NaN;
  const start = at + key.length;
  let end = args.indexOf(' ', start);
  if (end < 0) end = args.length;
  if (args.startsWith('0x', start)) {
    const hex = args.slice(start + 2, end);
    return /^[0-9a-f]+$/i.test(hex) ? parseInt(hex, 16) : NaN;
  }
  return digitsAt(args, start, end);
}

/** The text after `key` up to the next space. */
function textField(args: string, key: string): string | null {
  const at = args.indexOf(key);
  if (at < 0) return null;
  const start = at + key.length;
  const end = args.indexOf(' ', start);
  const text = end < 0 ? args.slice(start) : args.slice(start, end);
  return text === '' ? null : text;
}

/** rcu_invoke_kfree_bulk_callback: the records freed from one pointer page. */
export function parseBulk(args: string): number | null {
  if (args.indexOf(' bulk=') < 0) return null;
  const records = numberField(args, 'nr_records=');
  return Number.isNaN(records) ? null : records;
}

/** rcu_kvfree_callback: the queue length (the last field). */
export function parseKvfreeCallback(args: string): number | null {
  const last = args.lastIndexOf(' ');
  const func = args.indexOf(' func=');
  if (last < 0 || func < 0 || func >= last || args.indexOf(' rhp=') < 0) return null;
  const negative = args.charCodeAt(last + 1) === 45;
  const queued = digitsAt(args, last + (negative ? 2 : 1), args.length);
  return Number.isNaN(queued) ? null : negative ? -queued : queued;
}

/** rcu_invoke_kvfree_callback: just a check of the shape. */
export function parseInvokeKvfree(args: string): boolean {
  const func = args.indexOf(' func=');
  return func > 0 && args.indexOf(' rhp=') > 0 && args.indexOf(' ', func + 1) < 0;
}

export interface QueueWorkArgs {
  work: string;
  fn: string;
  workqueue: string;
}

export function parseQueueWork(args: string): QueueWorkArgs | null {
  const work = textField(args, 'work struct=');
  const fn = textField(args, 'function=');
  const workqueue = textField(args, 'workqueue=');
  return work && fn && workqueue && args.includes(' cpu=') ? { work, fn, workqueue } : null;
}

/** workqueue_execute_start / _end / activate_work: the work struct pointer. */
export function parseWorkPointer(args: string): string | null {
  if (!args.startsWith('work struct ')) return null;
  let end = args.indexOf(' ', 12);
  if (end < 0) end = args.length;
  if (args.charCodeAt(end - 1) === 58 /* : */) end--;
  return end > 12 ? args.slice(12, end) : null;
}

export interface PageAllocArgs {
  pfn: number;
  order: number;
  gfp: string;
}

export function parsePageAlloc(args: string): PageAllocArgs | null {
  const pfn = numberField(args, 'pfn=');
  const order = numberField(args, 'order=');
  const gfp = textField(args, 'gfp_flags=');
  return Number.isFinite(pfn) && Number.isInteger(order) && gfp ? { pfn, order, gfp } : null;
}

export function parsePageFree(args: string): { pfn: number; order: number } | null {
  const pfn = numberField(args, 'pfn=');
  const order = numberField(args, 'order=');
  return Number.isFinite(pfn) && Number.isInteger(order) ? { pfn, order } : null;
}

/** kfree / kmem_cache_free: the call site symbol. */
export function parseCallSite(args: string): string | null {
  const site = textField(args, 'call_site=');
  return site && args.includes(' ptr=') ? site : null;
}
