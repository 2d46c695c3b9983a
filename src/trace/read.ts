// Streaming a capture: chunks from a read stream, split into lines by hand (faster than
// readline, same constant memory), each line a header, an event or a malformed line. Events
// rcupool uses are parsed further and handed on in time order through a bounded reorder buffer,
// so lines unordered across CPUs (per-CPU buffers printed one after another, or merged out of
// order) still pair up, as long as a line is at most REORDER_WINDOW used events out of place.
import { open } from 'node:fs/promises';
import { parseHeaderLine, parseTraceLineSpans, type HeaderFacts, type TraceLineSpans } from './line.js';
import {
  EVENTS,
  usedEventAt,
  parseBulk,
  parseCallSite,
  parseGracePeriod,
  parseInvokeKvfree,
  parseKvfreeCallback,
  parsePageAlloc,
  parsePageFree,
  parseQueueWork,
  parseWorkPointer,
  type EventName,
} from './events.js';

/** One used event, its fields flattened so every record has the same shape. */
export interface TraceEvent {
  timeUs: number;
  /** Line number (1-based), to keep equal timestamps in file order. */
  line: number;
  cpu: number;
  event: EventName;
  /** The event's number: GP seq, nr_records, qlen, pfn. */
  value: number;
  /** order for page events. */
  order: number;
  /** GP event ("start"/"end"), work struct pointer, gfp flags, call site. */
  text: string;
  /** Workqueue name (queue_work), or the function. */
  detail: string;
}

export interface ReadSummary {
  lines: number;
  headerLines: number;
  /** Event lines of events rcupool does not use (sched_switch, ...). */
  otherEvents: number;
  usedEvents: number;
  skipped: number;
  firstSkipped?: { line: number; text: string };
  header: HeaderFacts;
  /** Events that reached the analysis more than the reorder window late. */
  lateEvents: number;
}

/** Used events that may arrive out of time order and still be put back in order. */
export const REORDER_WINDOW = 4_096;

/**
 * Events kept sorted on (timeUs, line). A capture is mostly in order, so an event usually
 * joins at the end; one out of place is inserted where it belongs (binary search).
 */
class ReorderBuffer {
  private items: TraceEvent[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(event: TraceEvent): void {
    const items = this.items;
    if (items.length === this.head || !before(event, items[items.length - 1]!)) {
      items.push(event);
      return;
    }
    let low = this.head;
    let high = items.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (before(event, items[middle]!)) high = middle;
      else low = middle + 1;
    }
    items.splice(low, 0, event);
  }

  pop(): TraceEvent {
    const event = this.items[this.head++]!;
    if (this.head > 4_096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return event;
  }
}

function before(a: TraceEvent, b: TraceEvent): boolean {
  return a.timeUs < b.timeUs || (a.timeUs === b.timeUs && a.line < b.line);
}

function event(timeUs: number, line: number, cpu: number, name: EventName, value: number, text = '', detail = '', order = 0): TraceEvent {
  return { timeUs, line, cpu, event: name, value, order, text, detail };
}

/** The used event on `line`, or null when its text does not have the event's format. */
function usedEvent(name: EventName, args: string, timeUs: number, line: number, cpu: number): TraceEvent | null {
  switch (name) {
    case EVENTS.gracePeriod: {
      const gp = parseGracePeriod(args);
      return gp ? event(timeUs, line, cpu, name, gp.seq, gp.what, gp.flavor) : null;
    }
    case EVENTS.invokeBulk: {
      const records = parseBulk(args);
      return records === null ? null : event(timeUs, line, cpu, name, records);
    }
    case EVENTS.kvfreeCallback: {
      const queued = parseKvfreeCallback(args);
      return queued === null ? null : event(timeUs, line, cpu, name, queued);
    }
    case EVENTS.invokeKvfree:
      return parseInvokeKvfree(args) ? event(timeUs, line, cpu, name, 1) : null;
    case EVENTS.queueWork: {
      const work = parseQueueWork(args);
      return work ? event(timeUs, line, cpu, name, 0, work.work, work.workqueue) : null;
    }
    case EVENTS.activateWork:
    case EVENTS.executeStart:
    case EVENTS.executeEnd: {
      const work = parseWorkPointer(args);
      return work ? event(timeUs, line, cpu, name, 0, work) : null;
    }
    case EVENTS.pageAlloc: {
      const page = parsePageAlloc(args);
      return page ? event(timeUs, line, cpu, name, page.pfn, page.gfp, '', page.order) : null;
    }
    case EVENTS.pageFree: {
      const page = parsePageFree(args);
      return page ? event(timeUs, line, cpu, name, page.pfn, '', '', page.order) : null;
    }
    case EVENTS.kfree:
    case EVENTS.kmemCacheFree: {
      const site = parseCallSite(args);
      return site ? event(timeUs, line, cpu, name, 0, site) : null;
    }
  }
}

const SKIPPED_QUOTE_CHARS = 120;

/** Splits text into lines, as [start, end) ranges of the chunk; an unterminated tail waits for the next chunk. */
export class LineSplitter {
  private tail = '';

  constructor(private readonly onLine: (text: string, start: number, end: number) => void) {}

  push(chunk: string): void {
    // Lines are parsed in the chunk itself: joining the tail and the chunk into one string
    // would make every character access go through the join.
    let start = 0;
    let end = chunk.indexOf('\n');
    if (this.tail !== '') {
      if (end < 0) {
        this.tail += chunk;
        return;
      }
      const first = this.tail + chunk.slice(0, end);
      this.tail = '';
      this.emit(first, 0, first.length);
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    while (end >= 0) {
      this.emit(chunk, start, end);
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    this.tail = chunk.slice(start);
  }

  /** CRLF lines too. */
  private emit(text: string, start: number, end: number): void {
    this.onLine(text, start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
  }

  /** The last line, when the file does not end with a newline (e.g. a capture cut mid-line). */
  end(): void {
    if (this.tail !== '') this.onLine(this.tail, 0, this.tail.length);
    this.tail = '';
  }
}

/** Classifies lines and feeds used events, in time order, to `onEvent`. */
export class TraceReader {
  readonly summary: ReadSummary = { lines: 0, headerLines: 0, otherEvents: 0, usedEvents: 0, skipped: 0, header: {}, lateEvents: 0 };
  private readonly buffer = new ReorderBuffer();
  private lastOutUs = -Infinity;
  private readonly parsed: TraceLineSpans = { pid: 0, cpu: 0, timeUs: 0, taskStart: 0, taskEnd: 0, eventStart: 0, eventEnd: 0, argsStart: 0, argsEnd: 0 };

  constructor(private readonly onEvent: (event: TraceEvent) => void) {}

  /** The line text[start, end) (the whole of `text` when no range is given). */
  line(text: string, start = 0, end = text.length): void {
    const number = ++this.summary.lines;
    const parsed = this.parsed;
    if (!parseTraceLineSpans(text, start, end, parsed)) {
      const line = text.slice(start, end);
      const header = parseHeaderLine(line);
      if (header) {
        this.summary.headerLines++;
        Object.assign(this.summary.header, header);
      } else this.skip(number, line);
      return;
    }
    const name = usedEventAt(text, parsed.eventStart, parsed.eventEnd);
    if (name === undefined) {
      this.summary.otherEvents++;
      return;
    }
    const used = usedEvent(name, text.slice(parsed.argsStart, parsed.argsEnd), parsed.timeUs, number, parsed.cpu);
    if (!used) {
      this.skip(number, text.slice(start, end));
      return;
    }
    this.summary.usedEvents++;
    this.buffer.push(used);
    if (this.buffer.size > REORDER_WINDOW) this.emit(this.buffer.pop());
  }

  end(): void {
    while (this.buffer.size > 0) this.emit(this.buffer.pop());
  }

  private emit(event: TraceEvent): void {
    if (event.timeUs < this.lastOutUs) this.summary.lateEvents++;
    else this.lastOutUs = event.timeUs;
    this.onEvent(event);
  }

  private skip(line: number, text: string): void {
    this.summary.skipped++;
    if (!this.summary.firstSkipped) {
      const utf8 = Buffer.from(text, 'latin1').toString('utf8');
      const quoted = utf8.length > SKIPPED_QUOTE_CHARS ? `${utf8.slice(0, SKIPPED_QUOTE_CHARS)}…` : utf8;
      this.summary.firstSkipped = { line, text: quoted };
    }
  }
}

export class TraceFileError extends Error {}

/** Bytes read at a time into one reused buffer. */
const CHUNK_BYTES = 1 << 20;

function readError(file: string, error: unknown): TraceFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new TraceFileError(`${file}: expected a readable ftrace text capture, found ${reason}`);
}

/**
 * Streams `file` through a TraceReader, 1 MiB at a time into one reused buffer (constant
 * memory, whatever the file's size; a fresh buffer per chunk, as fs read streams allocate,
 * cost a third of the reading time). latin1 decodes without UTF-8 validation: everything parsed
 * is ASCII, and the one line ever shown (the first skipped) is turned back into UTF-8 for it.
 */
export async function readTraceFile(file: string, onEvent: (event: TraceEvent) => void): Promise<ReadSummary> {
  const reader = new TraceReader(onEvent);
  const splitter = new LineSplitter((text, start, end) => reader.line(text, start, end));
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw readError(file, error);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null).catch((error: unknown) => {
        throw readError(file, error);
      });
      if (bytesRead === 0) break;
      splitter.push(buffer.toString('latin1', 0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  splitter.end();
  reader.end();
  return reader.summary;
}

/** "12 lines skipped, first at line 88: …" or null when nothing was skipped. */
export function skippedText(summary: ReadSummary): string | null {
  if (summary.skipped === 0 || !summary.firstSkipped) return null;
  const { line, text } = summary.firstSkipped;
  return `${summary.skipped.toLocaleString('en-US')} line${summary.skipped === 1 ? '' : 's'} skipped (not ftrace event lines in a known format), first at line ${line}: ${text}`;
}
