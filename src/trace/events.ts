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
import { CODE_COLON, CODE_SPACE, RepeatedText, decimalAt, hexAt, indexOfByte, indexOfText, lastIndexOfByte, latin1, startsWithText } from './bytes.js';

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

/** The used event named by bytes[start, end), without cutting it out; undefined for other events. */
export function usedEventAt(bytes: Uint8Array, start: number, end: number): EventName | undefined {
  const candidates = BY_LENGTH[end - start];
  if (candidates === undefined) return undefined;
  for (const name of candidates) if (startsWithText(bytes, start, end, name)) return name;
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

/** The fields of one used event, as read.ts keeps them (TraceEvent). */
export interface EventFields {
  /** GP seq, nr_records, qlen, pfn. */
  value: number;
  /** Page order. */
  order: number;
  /** GP event ("start"/"end"), work struct pointer, gfp flags, call site. */
  text: string;
  /** RCU flavor (rcu_grace_period), workqueue name (queue_work). */
  detail: string;
}

/**
 * The TP_printk text of each used event, in bytes[start, end) (trimmed), read into `out`; false
 * when the text does not have the event's shape (the line then counts as malformed). Field
 * strings that repeat (flavors, workqueues, GFP flags, call sites) are cut once per run of them.
 */
export class EventArgsParser {
  private readonly flavor = new RepeatedText();
  private readonly gpEvent = new RepeatedText();
  private readonly workqueue = new RepeatedText();
  private readonly gfp = new RepeatedText();
  private readonly callSite = new RepeatedText();

  constructor(private readonly out: EventFields) {}

  parse(name: EventName, bytes: Buffer, start: number, end: number): boolean {
    const out = this.out;
    out.value = 0;
    out.order = 0;
    out.text = '';
    out.detail = '';
    switch (name) {
      case EVENTS.gracePeriod:
        return this.gracePeriod(bytes, start, end);
      case EVENTS.invokeBulk:
        return indexOfText(bytes, ' bulk=', start, end) >= 0 && this.number(bytes, start, end, 'nr_records=');
      case EVENTS.kvfreeCallback:
        return this.kvfreeCallback(bytes, start, end);
      case EVENTS.invokeKvfree: {
        // A check of the shape only.
        const func = indexOfText(bytes, ' func=', start, end);
        out.value = 1;
        return func > start && indexOfText(bytes, ' rhp=', start, end) > start && indexOfByte(bytes, CODE_SPACE, func + 1, end) < 0;
      }
      case EVENTS.queueWork:
        return this.queueWork(bytes, start, end);
      case EVENTS.activateWork:
      case EVENTS.executeStart:
      case EVENTS.executeEnd:
        return this.workPointer(bytes, start, end);
      case EVENTS.pageAlloc:
        return this.page(bytes, start, end) && (out.text = textField(bytes, start, end, 'gfp_flags=', this.gfp)) !== '';
      case EVENTS.pageFree:
        return this.page(bytes, start, end);
      case EVENTS.kfree:
      case EVENTS.kmemCacheFree:
        // The call site symbol.
        return (out.text = textField(bytes, start, end, 'call_site=', this.callSite)) !== '' && indexOfText(bytes, ' ptr=', start, end) >= 0;
    }
  }

  /** "%s %lu %s": flavor, gp_seq, what. */
  private gracePeriod(bytes: Buffer, start: number, end: number): boolean {
    const first = indexOfByte(bytes, CODE_SPACE, start, end);
    const second = first < 0 ? -1 : indexOfByte(bytes, CODE_SPACE, first + 1, end);
    if (second < 0 || indexOfByte(bytes, CODE_SPACE, second + 1, end) >= 0) return false;
    const seq = decimalAt(bytes, first + 1, second);
    if (Number.isNaN(seq) || second === end - 1) return false;
    this.out.value = seq;
    this.out.detail = this.flavor.of(bytes, start, first);
    this.out.text = this.gpEvent.of(bytes, second + 1, end);
    return true;
  }

  /** rcu_kvfree_callback: the queue length (the last field). */
  private kvfreeCallback(bytes: Buffer, start: number, end: number): boolean {
    const last = lastIndexOfByte(bytes, CODE_SPACE, start, end);
    const func = indexOfText(bytes, ' func=', start, end);
    if (last < 0 || func < 0 || func >= last || indexOfText(bytes, ' rhp=', start, end) < 0) return false;
    const negative = bytes[last + 1] === 45; /* - */
    const queued = decimalAt(bytes, last + (negative ? 2 : 1), end);
    if (Number.isNaN(queued)) return false;
    this.out.value = negative ? -queued : queued;
    return true;
  }

  private queueWork(bytes: Buffer, start: number, end: number): boolean {
    const work = fieldAt(bytes, start, end, 'work struct=');
    if (work < 0 || fieldAt(bytes, start, end, 'function=') < 0) return false;
    const workqueue = fieldAt(bytes, start, end, 'workqueue=');
    if (workqueue < 0 || indexOfText(bytes, ' cpu=', start, end) < 0) return false;
    this.out.text = latin1(bytes, work, fieldEnd(bytes, work, end));
    this.out.detail = this.workqueue.of(bytes, workqueue, fieldEnd(bytes, workqueue, end));
    return true;
  }

  /** "work struct %p" (activate_work) or "work struct %p: function %ps" (execute_start/_end). */
  private workPointer(bytes: Buffer, start: number, end: number): boolean {
    const prefix = 'work struct '.length;
    if (!startsWithText(bytes, start, end, 'work struct ')) return false;
    let pointerEnd = fieldEnd(bytes, start + prefix, end);
    if (bytes[pointerEnd - 1] === CODE_COLON) pointerEnd--;
    if (pointerEnd <= start + prefix) return false;
    this.out.text = latin1(bytes, start + prefix, pointerEnd);
    return true;
  }

  /** mm_page_alloc / mm_page_free: pfn (decimal or 0x hex) and order. */
  private page(bytes: Buffer, start: number, end: number): boolean {
    if (!this.number(bytes, start, end, 'pfn=')) return false;
    const pfn = this.out.value;
    if (!this.number(bytes, start, end, 'order=') || !Number.isFinite(pfn) || !Number.isInteger(this.out.value)) return false;
    this.out.order = this.out.value;
    this.out.value = pfn;
    return true;
  }

  /** The number after `key` (decimal, or hex with 0x) into out.value; false when there is none. */
  private number(bytes: Buffer, start: number, end: number, key: string): boolean {
    const at = indexOfText(bytes, key, start, end);
    if (at < 0) return false;
    const from = at + key.length;
    const to = fieldEnd(bytes, from, end);
    const value = startsWithText(bytes, from, end, '0x') ? hexAt(bytes, from + 2, to) : decimalAt(bytes, from, to);
    this.out.value = value;
    return !Number.isNaN(value);
  }
}

/** Where the value after the first `key` starts, or -1 when the key is missing or its value empty. */
function fieldAt(bytes: Uint8Array, start: number, end: number, key: string): number {
  const at = indexOfText(bytes, key, start, end);
  if (at < 0) return -1;
  const from = at + key.length;
  return fieldEnd(bytes, from, end) > from ? from : -1;
}

/** A value runs to the next space or the end of the text. */
function fieldEnd(bytes: Uint8Array, from: number, end: number): number {
  const space = indexOfByte(bytes, CODE_SPACE, from, end);
  return space < 0 ? end : space;
}

/** The text after `key` up to the next space, or '' when there is none. */
function textField(bytes: Buffer, start: number, end: number, key: string, repeated: RepeatedText): string {
  const from = fieldAt(bytes, start, end, key);
  return from < 0 ? '' : repeated.of(bytes, from, fieldEnd(bytes, from, end));
}
