// Reading a whole capture: stream it, analyse it, and refuse one that holds nothing rcupool uses.
import { TraceAnalysis, traceStats, type TraceStats } from './analysis.js';
import { USED_EVENTS } from './events.js';
import { readTraceFile, TraceFileError, type ReadSummary } from './read.js';

export interface Capture {
  file: string;
  read: ReadSummary;
  analysis: TraceAnalysis;
  stats: TraceStats;
}

export async function readCapture(file: string): Promise<Capture> {
  const analysis = new TraceAnalysis();
  const read = await readTraceFile(file, (event) => analysis.add(event));
  if (read.usedEvents === 0) {
    const what = read.lines === 0 ? 'an empty file' : `${read.lines.toLocaleString('en-US')} lines without any of them`;
    throw new TraceFileError(
      `${file}: no usable events: looked for ${USED_EVENTS.join(', ')}; found ${what}. ` +
        'Enable them with e.g. trace-cmd record -e rcu -e workqueue -e kmem, or echo 1 > /sys/kernel/tracing/events/rcu/enable',
    );
  }
  return { file, read, analysis, stats: traceStats(file, read, analysis) };
}
