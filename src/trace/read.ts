// Streaming a capture: chunks from a read stream, split into lines by hand (faster than
// readline, same constant memory), each line a header, an event or a malformed line. Events
// rcupool uses are parsed further and handed on in time order through a bounded reorder buffer,
// so lines unordered across CPUs (per-CPU buffers printed one after another, or merged out of
// order) still pair up, as long as a line is at most REORDER_WINDOW used events out of place.
import { open } from 'node:fs/promises';
import { latin1 } from './bytes.js';
import { parseHeaderLine, parseTraceLineSpans, type HeaderFacts, type TraceLineSpans } from './line.js';
import { EventArgsParser, usedEventAt, type EventFields, type EventName } from './events.js';

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

const SKIPPED_QUOTE_CHARS = 120;

const CODE_NEWLINE = 10;
const CODE_RETURN = 13;

/**
 * Splits a byte stream into lines, handed on as [start, end) ranges of one buffer, CRLF lines
 * without their CR. Chunks are read into the buffer after the unfinished line the last one
 * ended with, so a line split across reads is whole again without a copy of the chunk; the
 * buffer grows only for a line longer than itself.
 */
export class LineSplitter {
  private buffer: Buffer;
  /** Bytes at the buffer's start: a line that has not ended yet. */
  private carried = 0;

  constructor(
    chunkBytes: number,
    private readonly onLine: (bytes: Buffer, start: number, end: number) => void,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  /** Where the next chunk goes: read into it, then call pushed() with the bytes read. */
  space(): { buffer: Buffer; offset: number; length: number } {
    if (this.carried === this.buffer.length) {
      const grown = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(grown, 0, 0, this.carried);
      this.buffer = grown;
    }
    return { buffer: this.buffer, offset: this.carried, length: this.buffer.length - this.carried };
  }

  pushed(bytesRead: number): void {
    const buffer = this.buffer;
    const filled = this.carried + bytesRead;
    let start = 0;
    // The carried bytes hold no newline.
    let newline = indexOfNewline(buffer, this.carried, filled);
    while (newline >= 0) {
      this.emit(start, newline);
      start = newline + 1;
      newline = indexOfNewline(buffer, start, filled);
    }
    buffer.copyWithin(0, start, filled);
    this.carried = filled - start;
  }

  /** The last line, when the file does not end with a newline (e.g. a capture cut mid-line). */
  end(): void {
    if (this.carried > 0) this.emit(0, this.carried);
    this.carried = 0;
  }

  private emit(start: number, end: number): void {
    this.onLine(this.buffer, start, end > start && this.buffer[end - 1] === CODE_RETURN ? end - 1 : end);
  }
}

/** In [from, to) only: past `to` the buffer holds an older chunk's bytes. */
function indexOfNewline(buffer: Buffer, from: number, to: number): number {
  if (from >= to) return -1;
  const at = buffer.indexOf(CODE_NEWLINE, from);
  return at < to ? at : -1;
}

/** Classifies lines and feeds used events, in time order, to `onEvent` (which must not keep the event object: it is reused). */
export class TraceReader {
  readonly summary: ReadSummary = { lines: 0, headerLines: 0, otherEvents: 0, usedEvents: 0, skipped: 0, header: {}, lateEvents: 0 };
  private readonly buffer = new ReorderBuffer();
  /** Events handed on and done with, filled again for later lines: most lines then allocate nothing. */
  private readonly spare: TraceEvent[] = [];
  private lastOutUs = -Infinity;
  private readonly parsed: TraceLineSpans = { pid: 0, cpu: 0, timeUs: 0, taskStart: 0, taskEnd: 0, eventStart: 0, eventEnd: 0, argsStart: 0, argsEnd: 0 };
  private readonly fields: EventFields = { value: 0, order: 0, text: '', detail: '' };
  private readonly args = new EventArgsParser(this.fields);

  constructor(private readonly onEvent: (event: TraceEvent) => void) {}

  /** The line in bytes[start, end). */
  line(bytes: Buffer, start: number, end: number): void {
    const number = ++this.summary.lines;
    const parsed = this.parsed;
    if (!parseTraceLineSpans(bytes, start, end, parsed)) {
      const header = parseHeaderLine(latin1(bytes, start, end));
      if (header) {
        this.summary.headerLines++;
        Object.assign(this.summary.header, header);
      } else this.skip(number, bytes, start, end);
      return;
    }
    const name = usedEventAt(bytes, parsed.eventStart, parsed.eventEnd);
    if (name === undefined) {
      this.summary.otherEvents++;
      return;
    }
    if (!this.args.parse(name, bytes, parsed.argsStart, parsed.argsEnd)) {
      this.skip(number, bytes, start, end);
      return;
    }
    const { value, order, text, detail } = this.fields;
    this.summary.usedEvents++;
    const used = this.spare.pop();
    if (used === undefined) this.buffer.push({ timeUs: parsed.timeUs, line: number, cpu: parsed.cpu, event: name, value, order, text, detail });
    else {
      used.timeUs = parsed.timeUs;
      used.line = number;
      used.cpu = parsed.cpu;
      used.event = name;
      used.value = value;
      used.order = order;
      used.text = text;
      used.detail = detail;
      this.buffer.push(used);
    }
    if (this.buffer.size > REORDER_WINDOW) this.emit(this.buffer.pop());
  }

  end(): void {
    while (this.buffer.size > 0) this.emit(this.buffer.pop());
  }

  private emit(event: TraceEvent): void {
    if (event.timeUs < this.lastOutUs) this.summary.lateEvents++;
    else this.lastOutUs = event.timeUs;
    this.onEvent(event);
    this.spare.push(event);
  }

  private skip(line: number, bytes: Buffer, start: number, end: number): void {
    this.summary.skipped++;
    if (!this.summary.firstSkipped) {
      const utf8 = bytes.toString('utf8', start, end);
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
 * cost a third of the reading time). Lines are parsed as bytes, never decoded as a whole.
 */
export async function readTraceFile(file: string, onEvent: (event: TraceEvent) => void): Promise<ReadSummary> {
  const reader = new TraceReader(onEvent);
  const splitter = new LineSplitter(CHUNK_BYTES, (bytes, start, end) => reader.line(bytes, start, end));
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw readError(file, error);
  }
  try {
    for (;;) {
      const { buffer, offset, length } = splitter.space();
      const { bytesRead } = await handle.read(buffer, offset, length, null).catch((error: unknown) => {
        throw readError(file, error);
      });
      if (bytesRead === 0) break;
      splitter.pushed(bytesRead);
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
