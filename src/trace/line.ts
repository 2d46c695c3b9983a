// One line of ftrace text, as the kernel's trace file (/sys/kernel/tracing/trace, printed by
// print_trace_fmt() in kernel/trace/trace.c) and `trace-cmd report` write it:
//
//   kworker/7:1-371     [007] ....  5630.989714: rcu_invoke_kfree_bulk_callback: rcu_preempt bulk=0x000000000babf308 nr_records=510
//   <idle>-0            [001] d..2.  142.559458: rcu_grace_period: rcu_preempt 8373 start
//   bash-1234  (   1234) [000]  4415.246506: mm_page_alloc: page=ffffea0003db9f40 pfn=1155800 ...
//   kworker/0:1-12 [000]  12.000100: workqueue_execute_start:  work struct ...     (trace-cmd pads the name)
//
// TASK-PID, an optional "(TGID)" column (options/record-tgid), [CPU], an optional latency-flags
// column of 4 (older kernels) or 5 characters (irq-info; absent with options/irq-info off and in
// plain `trace-cmd report`), the timestamp in seconds, the event name and its TP_printk text.
// This is the shape Perfetto's systrace tokenizer accepts too
// (src/trace_processor/importers/systrace/systrace_line_tokenizer.cc: the regex
// `-(\d+)\s+\(?\s*(\d+|-+)?\)?\s?\[(\d+)\]\s*([a-zA-Z.]{3}[0-9a-f.]{1,2}\s*)?(\d+\.\d+):\s+(\S+):`).
// Parsed by hand rather than by that regex: task names may hold any character, and the hand
// parser is several times faster (the bench's trace-parse case).

export interface TraceLine {
  task: string;
  pid: number;
  cpu: number;
  /** Seconds as printed, in µs. */
  timeUs: number;
  event: string;
  /** The event's TP_printk text, trimmed. */
  args: string;
}

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_SPACE = 32;

function isDigit(code: number): boolean {
  return code >= CODE_0 && code <= CODE_9;
}

/** "[007]" starting at `open`: the CPU number, or -1. */
function cpuAt(line: string, open: number): number {
  let index = open + 1;
  let cpu = 0;
  let digits = 0;
  while (index < line.length && isDigit(line.charCodeAt(index))) {
    cpu = cpu * 10 + line.charCodeAt(index) - CODE_0;
    index++;
    digits++;
  }
  return digits > 0 && line.charCodeAt(index) === 93 /* ] */ ? cpu : -1;
}

/** A latency-flags column: 4 or 5 characters of letters, digits and dots ("d..1.", "dNh2", "...."). */
function isFlags(token: string): boolean {
  return (token.length === 4 || token.length === 5) && /^[a-zA-Z.][a-zA-Z.][a-zA-Z.][0-9a-f.]{1,2}$/.test(token);
}

/** "5630.989714:" as µs, or NaN. */
function timestampUs(token: string): number {
  if (token.length < 4 || token.charCodeAt(token.length - 1) !== 58 /* : */) return NaN;
  const dot = token.indexOf('.');
  if (dot <= 0) return NaN;
  for (let index = 0; index < token.length - 1; index++) {
    const code = token.charCodeAt(index);
    if (index !== dot && !isDigit(code)) return NaN;
  }
  // Seconds and the fraction apart: 5630.989714 × 1e6 as one double would carry rounding noise.
  const seconds = Number(token.slice(0, dot));
  const fraction = token.slice(dot + 1, -1);
  return seconds * 1e6 + Number(fraction) * 10 ** (6 - fraction.length);
}

/** The next space-separated token from `from`: [start, end). */
function nextToken(line: string, from: number): [number, number] {
  let start = from;
  while (start < line.length && line.charCodeAt(start) === CODE_SPACE) start++;
  let end = start;
  while (end < line.length && line.charCodeAt(end) !== CODE_SPACE) end++;
  return [start, end];
}

/** An event line, or null when `line` is not one (a header, a comment or a malformed line). */
export function parseTraceLine(line: string): TraceLine | null {
  // The CPU column: the first "[digits]" preceded by a space (a task name may hold brackets).
  let open = line.indexOf('[');
  let cpu = -1;
  while (open > 0) {
    if (line.charCodeAt(open - 1) === CODE_SPACE) {
      cpu = cpuAt(line, open);
      if (cpu >= 0) break;
    }
    open = line.indexOf('[', open + 1);
  }
  if (cpu < 0) return null;

  // TASK-PID, maybe followed by "(  TGID)" or "(-------)".
  let head = line.slice(0, open).trimEnd();
  if (head.endsWith(')')) {
    const tgidOpen = head.lastIndexOf('(');
    if (tgidOpen < 0) return null;
    head = head.slice(0, tgidOpen).trimEnd();
  }
  const dash = head.lastIndexOf('-');
  if (dash < 0 || dash === head.length - 1) return null;
  const pidText = head.slice(dash + 1);
  for (let index = 0; index < pidText.length; index++) if (!isDigit(pidText.charCodeAt(index))) return null;
  const task = head.slice(0, dash).trimStart();

  let [start, end] = nextToken(line, line.indexOf(']', open) + 1);
  let token = line.slice(start, end);
  if (isFlags(token)) {
    [start, end] = nextToken(line, end);
    token = line.slice(start, end);
  }
  const timeUs = timestampUs(token);
  if (Number.isNaN(timeUs)) return null;

  // "event_name: args"; trace-cmd pads after the colon.
  [start, end] = nextToken(line, end);
  if (end - start < 2 || line.charCodeAt(end - 1) !== 58 /* : */) return null;
  const event = line.slice(start, end - 1);
  const args = line.slice(end).trim();
  return { task, pid: Number(pidText), cpu, timeUs, event, args };
}

/** What a header or comment line says about the capture. */
export interface HeaderFacts {
  /** "#P:8" (kernel trace file) or "cpus=8" (trace-cmd report). */
  cpus?: number;
  style?: 'ftrace' | 'trace-cmd';
  /** The column header shows the irqs-off/need-resched/... flags. */
  irqFlags?: boolean;
}

/**
 * Lines that are not events but belong to a capture: the kernel's "# ..." header, trace-cmd's
 * "version = 6", "cpus=8", "CPU 3 is empty", "CPU0 data recorded at offset=..." and blank lines.
 * Null for anything else.
 */
export function parseHeaderLine(line: string): HeaderFacts | null {
  const text = line.trim();
  if (text === '') return {};
  if (text.startsWith('#')) {
    const facts: HeaderFacts = {};
    const cpus = /#P:(\d+)/.exec(text);
    if (cpus) facts.cpus = Number(cpus[1]);
    if (/^#\s*tracer:/.test(text)) facts.style = 'ftrace';
    if (/irqs-off/.test(text)) facts.irqFlags = true;
    return facts;
  }
  const cpus = /^cpus=(\d+)$/.exec(text);
  if (cpus) return { cpus: Number(cpus[1]), style: 'trace-cmd' };
  if (/^version = \d+/.test(text)) return { style: 'trace-cmd' };
  if (/^CPU ?\d+ (is empty|data recorded)/.test(text)) return { style: 'trace-cmd' };
  return null;
}
