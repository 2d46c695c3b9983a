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
// Parsed by hand, on the line's bytes, rather than by that regex: task names may hold any
// character, and the hand parser is several times faster (the bench's trace-parse case).
import { CODE_0, CODE_COLON, CODE_SPACE, indexOfByte, isDigit, lastIndexOfByte } from './bytes.js';

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

/** Where the parts of a line are (parseTraceLineSpans): [start, end) offsets into the line's bytes. */
export interface TraceLineSpans {
  pid: number;
  cpu: number;
  timeUs: number;
  taskStart: number;
  taskEnd: number;
  eventStart: number;
  eventEnd: number;
  argsStart: number;
  argsEnd: number;
}

const CODE_DOT = 46;
const CODE_OPEN_BRACKET = 91;
const CODE_CLOSE_BRACKET = 93;

function isFlagLetter(code: number): boolean {
  return code === CODE_DOT || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isFlagCount(code: number): boolean {
  return code === CODE_DOT || isDigit(code) || (code >= 97 && code <= 102);
}

/** "[007]" with its "[" at `open`: the CPU number, or -1. */
function cpuAt(line: Uint8Array, open: number, to: number): number {
  let index = open + 1;
  let cpu = 0;
  while (index < to && isDigit(line[index]!)) cpu = cpu * 10 + line[index++]! - CODE_0;
  return index > open + 1 && index < to && line[index] === CODE_CLOSE_BRACKET ? cpu : -1;
}

/** A latency-flags column in [start, end): 4 or 5 characters, "d..1.", "dNh2", "....". */
function isFlags(line: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length !== 4 && length !== 5) return false;
  for (let index = start; index < start + 3; index++) if (!isFlagLetter(line[index]!)) return false;
  for (let index = start + 3; index < end; index++) if (!isFlagCount(line[index]!)) return false;
  return true;
}

function skipSpaces(line: Uint8Array, from: number, to: number): number {
  while (from < to && line[from] === CODE_SPACE) from++;
  return from;
}

function tokenEnd(line: Uint8Array, from: number, to: number): number {
  while (from < to && line[from] !== CODE_SPACE) from++;
  return from;
}

/**
 * 1e6 divided by 10 once per fraction digit, as the digits are read: the same float as the
 * division done digit by digit, without the divisions.
 */
const FRACTION_SCALES: number[] = [1e6];
for (let digits = 1; digits <= 30; digits++) FRACTION_SCALES.push(FRACTION_SCALES[digits - 1]! / 10);

function fractionScale(digits: number): number {
  if (digits < FRACTION_SCALES.length) return FRACTION_SCALES[digits]!;
  let scale = FRACTION_SCALES[FRACTION_SCALES.length - 1]!;
  for (let more = FRACTION_SCALES.length - 1; more < digits; more++) scale /= 10;
  return scale;
}

/** "5630.989714:" in [start, end) as µs (seconds and fraction apart, so µs stay exact), or NaN. */
function timestampUs(line: Uint8Array, start: number, end: number): number {
  if (end - start < 4 || line[end - 1] !== CODE_COLON) return NaN;
  let index = start;
  let seconds = 0;
  while (index < end && isDigit(line[index]!)) seconds = seconds * 10 + line[index++]! - CODE_0;
  if (index === start || line[index] !== CODE_DOT) return NaN;
  index++;
  let fraction = 0;
  const digitsStart = index;
  while (index < end - 1 && isDigit(line[index]!)) fraction = fraction * 10 + line[index++]! - CODE_0;
  if (index !== end - 1 || index === digitsStart) return NaN;
  return seconds * 1e6 + fraction * fractionScale(index - digitsStart);
}

/** An event line, or null when `line` is not one (a header, a comment or a malformed line). */
export function parseTraceLine(line: string): TraceLine | null {
  const bytes = Buffer.from(line, 'utf8');
  const spans: TraceLineSpans = { pid: 0, cpu: 0, timeUs: 0, taskStart: 0, taskEnd: 0, eventStart: 0, eventEnd: 0, argsStart: 0, argsEnd: 0 };
  if (!parseTraceLineSpans(bytes, 0, bytes.length, spans)) return null;
  return {
    task: bytes.toString('utf8', spans.taskStart, spans.taskEnd),
    pid: spans.pid,
    cpu: spans.cpu,
    timeUs: spans.timeUs,
    event: bytes.toString('utf8', spans.eventStart, spans.eventEnd),
    args: bytes.toString('utf8', spans.argsStart, spans.argsEnd),
  };
}

/**
 * The line in bytes[from, to) parsed into `out` as positions, so the reader cuts nothing out
 * of a line it has no use for (every line of a capture passes here). False when it is not an
 * event line.
 */
export function parseTraceLineSpans(line: Uint8Array, from: number, to: number, out: TraceLineSpans): boolean {
  // The CPU column: the first "[digits]" preceded by a space (a task name may hold brackets).
  let open = from + 1;
  let cpu = -1;
  for (; open < to; open++) {
    if (line[open] !== CODE_OPEN_BRACKET || line[open - 1] !== CODE_SPACE) continue;
    cpu = cpuAt(line, open, to);
    if (cpu >= 0) break;
  }
  if (cpu < 0) return false;

  // TASK-PID, maybe followed by "(  TGID)" or "(-------)".
  let headEnd = open - 1;
  while (headEnd > from && line[headEnd - 1] === CODE_SPACE) headEnd--;
  if (headEnd > from && line[headEnd - 1] === 41 /* ) */) {
    const tgidOpen = lastIndexOfByte(line, 40 /* ( */, from, headEnd - 1);
    if (tgidOpen < 0) return false;
    headEnd = tgidOpen;
    while (headEnd > from && line[headEnd - 1] === CODE_SPACE) headEnd--;
  }
  let pidStart = headEnd;
  while (pidStart > from && isDigit(line[pidStart - 1]!)) pidStart--;
  if (pidStart === headEnd || pidStart === from || line[pidStart - 1] !== 45 /* - */) return false;
  let pid = 0;
  for (let index = pidStart; index < headEnd; index++) pid = pid * 10 + line[index]! - CODE_0;

  let start = skipSpaces(line, indexOfByte(line, CODE_CLOSE_BRACKET, open, to) + 1, to);
  let end = tokenEnd(line, start, to);
  if (isFlags(line, start, end)) {
    start = skipSpaces(line, end, to);
    end = tokenEnd(line, start, to);
  }
  const timeUs = timestampUs(line, start, end);
  if (Number.isNaN(timeUs)) return false;

  // "event_name: args"; trace-cmd pads after the colon.
  start = skipSpaces(line, end, to);
  end = tokenEnd(line, start, to);
  if (end - start < 2 || line[end - 1] !== CODE_COLON) return false;
  out.pid = pid;
  out.cpu = cpu;
  out.timeUs = timeUs;
  out.taskStart = skipSpaces(line, from, to);
  out.taskEnd = pidStart - 1;
  out.eventStart = start;
  out.eventEnd = end - 1;
  out.argsStart = skipSpaces(line, end, to);
  let argsEnd = to;
  while (argsEnd > out.argsStart && line[argsEnd - 1] === CODE_SPACE) argsEnd--;
  out.argsEnd = argsEnd;
  return true;
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
