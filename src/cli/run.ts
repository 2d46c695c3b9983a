// `rcupool run --policy X`: one policy on one scenario. `--timeline` draws it over time — free
// pages (with the watermarks), reserve pages, pages in flight and failures — as terminal charts
// with a time axis, so a person sees *when* the emergency happened. `--json` gives the compare
// document with `timeline` (always sampled: it costs a few events).
import asciichart from 'asciichart';
import { Command } from 'commander';
import { watermarks, type Watermarks } from '../scenario/machines.js';
import type { ColumnSelection } from '../report/columns.js';
import { colorEnabled, renderJson, renderMarkdown, renderTable, type ReportFormat } from '../report/index.js';
import { formatDurationMs, formatNumber } from '../report/format.js';
import { compare } from '../runner/compare.js';
import type { CompareResult, PolicyResult, TimelinePoint } from '../contract/result-types.js';
import { addOutputOptions, chosenColumns, chosenFormat, reportText, writeChartSpecs, type OutputFlags } from './compare.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
import { emit, progressReporter } from './output.js';
import { addRunOptions, parseWholeNumber, resolveRun, type RunFlags } from './run-options.js';
import { tableWidth } from './table-width.js';
import { outputWidth } from './text.js';
import { traceRun } from '../trace/record.js';

/** Timeline intervals per run unless --timeline-points says otherwise. */
export const DEFAULT_TIMELINE_POINTS = 100;

const EXAMPLES = `
Examples:
  rcupool run --policy upstream --timeline                 free, reserve, in-flight pages and failures over time
  rcupool run --policy lockless-pcp --scenario pcp-drained --timeline
  rcupool run --policy ./mine.ts --timeline --timeline-points 400    finer sampling (default ${DEFAULT_TIMELINE_POINTS})
  rcupool run --policy upstream --json                     the compare document, with "timeline"
  rcupool run --policy upstream --timeline --format csv    the timeline samples as CSV
  rcupool run --policy upstream --out run.html             one self-contained page with the charts
`;

// ---- time axis ----

/** Axis unit for a run of `totalMs`: ms below 2 s, else s. */
function timeUnit(totalMs: number): { unit: 'ms' | 's'; perMs: number } {
  return totalMs < 2_000 ? { unit: 'ms', perMs: 1 } : { unit: 's', perMs: 1 / 1_000 };
}

export function formatTime(ms: number, totalMs: number): string {
  const { unit, perMs } = timeUnit(totalMs);
  return `${formatNumber(Number((ms * perMs).toPrecision(6)))} ${unit}`;
}

/** A "nice" tick step (1, 2, 2.5 or 5 × 10^k ms) giving at most `maxTicks` intervals. */
function tickStepMs(totalMs: number, maxTicks: number): number {
  const rough = totalMs / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) if (factor * power >= rough) return factor * power;
  return 10 * power;
}

/**
 * Two lines under a chart: the axis with a tick per label, then the labels. `left` is the
 * column of the first sample (the chart's y axis), `width` the number of sample columns.
 */
export function timeAxis(left: number, width: number, totalMs: number): string[] {
  const columnOf = (ms: number) => left + Math.round((ms / totalMs) * (width - 1));
  const axis = [...' '.repeat(left), '└', ...'─'.repeat(Math.max(0, width - 1))];
  const labels: string[] = [...' '.repeat(left + width + 12)];
  const step = tickStepMs(totalMs, Math.max(2, Math.floor(width / 9)));
  let nextFree = 0;
  for (let index = 0; index * step <= totalMs + 1e-9; index++) {
    const ms = index * step;
    const column = columnOf(ms);
    if (index > 0) axis[column] = '┬';
    const text = index === 0 ? '0' : formatTime(ms, totalMs);
    // Centre a label under its tick, never overlapping the previous one; the first starts at the axis.
    const start = index === 0 ? column : Math.max(nextFree, column - Math.floor(text.length / 2));
    if (start < nextFree || start + text.length > labels.length) continue;
    for (let offset = 0; offset < text.length; offset++) labels[start + offset] = text[offset]!;
    nextFree = start + text.length + 2;
  }
  return [axis.join('').trimEnd(), labels.join('').trimEnd()];
}

// ---- resampling ----

export type Aggregate = 'min' | 'max' | 'sum';

/** Sample indices [start, end) of each of `width` columns: each sample goes to the column nearest to it. */
export function columnBuckets(length: number, width: number): Array<[number, number]> {
  if (length <= width) return Array.from({ length }, (_, index) => [index, index + 1]);
  const last = length - 1;
  const buckets: Array<[number, number]> = [];
  let start = 0;
  for (let column = 0; column < width; column++) {
    // Sample i belongs to the column nearest to it: i / step < column + 0.5.
    const end = column === width - 1 ? length : Math.ceil(((column + 0.5) * last) / (width - 1));
    buckets.push([start, Math.max(end, start + 1)]);
    start = Math.max(end, start + 1);
  }
  return buckets;
}

/**
 * Samples (at 0, T/N, …, T) squeezed to `width` columns at 0, T/(width-1), …, T: each column
 * aggregates the samples nearest to it (min, max or sum, so a dip, a peak or a count survives).
 */
export function resample(values: readonly number[], width: number, aggregate: Aggregate): number[] {
  return columnBuckets(values.length, width).map(([start, end]) => {
    const bucket = values.slice(start, end);
    if (aggregate === 'sum') return bucket.reduce((a, b) => a + b, 0);
    return aggregate === 'min' ? Math.min(...bucket) : Math.max(...bucket);
  });
}

// ---- charts ----

/** Characters of the y-axis labels; wide enough for a server's 66,000,000 pages. */
const LABEL_WIDTH = 10;
/** asciichart puts the label in cell 0, pads to `offset`, and draws the axis in cell offset − 1. */
const OFFSET = 3;
/** Screen column of the y axis (= the first sample). */
const AXIS_COLUMN = LABEL_WIDTH + OFFSET - 2;

const ANSI = { reset: '\x1b[0m', red: '\x1b[31m', green: '\x1b[32m', blue: '\x1b[34m', cyan: '\x1b[36m', dim: '\x1b[2m' };

interface ReferenceLine {
  value: number;
  label: string;
}

interface ChartSpec {
  title: string;
  values: number[];
  height: number;
  color: string;
  lines?: ReferenceLine[];
  /** Fixed value range (else the values' own, widened to include the lines). */
  range?: { min: number; max: number };
}

function yLabel(value: number): string {
  const text = Math.abs(value) >= 10 ? formatNumber(Math.round(value)) : formatNumber(Number(value.toFixed(1)));
  return text.padStart(LABEL_WIDTH);
}

/** One chart: title, plot (reference lines dotted), time axis. */
function chart(spec: ChartSpec, totalMs: number, color: boolean): string[] {
  const lines = spec.lines ?? [];
  let min = spec.range?.min ?? Math.min(...spec.values, ...lines.map((line) => line.value));
  let max = spec.range?.max ?? Math.max(...spec.values, ...lines.map((line) => line.value));
  if (min === max) {
    // asciichart draws a flat series as one row; give it a little room and a visible zero.
    min = Math.min(0, min);
    max = max === 0 ? 1 : max;
  }
  const plot = asciichart.plot(spec.values, { min, max, height: spec.height, offset: OFFSET, format: (value: number) => yLabel(value) });
  const rows = plot.split('\n');
  // Where asciichart puts a value: rows − (round(v × ratio) − round(min × ratio)).
  const ratio = spec.height / (max - min);
  const rowOf = (value: number) => rows.length - 1 - (Math.round(value * ratio) - Math.round(min * ratio));
  const marked = rows.map((row) => [...row]);
  for (const line of lines) {
    const row = marked[rowOf(line.value)];
    if (!row) continue;
    for (let column = AXIS_COLUMN + 1; column < row.length; column++) if (row[column] === ' ') row[column] = '·';
    row.push(` ${line.label}`);
  }
  const paint = (cells: string[]): string => {
    if (!color) return cells.join('');
    return cells
      .map((cell, column) => {
        if (column <= AXIS_COLUMN) return cell;
        if (cell === '·') return `${ANSI.dim}${cell}${ANSI.reset}`;
        if (/^[─│╭╮╰╯┼]$/.test(cell)) return `${spec.color}${cell}${ANSI.reset}`;
        return cell;
      })
      .join('');
  };
  const title = color ? `\x1b[1m${spec.title}${ANSI.reset}` : spec.title;
  return [title, ...marked.map(paint).map((line) => line.trimEnd()), ...timeAxis(AXIS_COLUMN, spec.values.length, totalMs)];
}

/**
 * When things happened, in words, from the same numbers the charts draw (`columns` as in the
 * charts) and agreeing with the table: the failures add up to failures.count, the time under
 * MIN to harm.belowMinMs, the in-flight peak is inflight.peakPages.
 */
export function timelineMoments(points: readonly TimelinePoint[], marks: Watermarks, totalMs: number, columns = points.length): string[] {
  const at = (ms: number) => formatTime(ms, totalMs);
  // A point's counts cover the time since the previous point; a column covers its points'.
  const span = ([start, end]: [number, number]) => `between ${at(start > 0 ? points[start - 1]!.timeMs : 0)} and ${at(points[end - 1]!.timeMs)}`;
  const singleIntervals = columns >= points.length;
  const buckets = columnBuckets(points.length, columns);
  const lines: string[] = [];
  const total = points.reduce((sum, point) => sum + point.failures, 0);
  if (total === 0) lines.push('No failures: every call found a pointer page.');
  else {
    const perColumn = buckets.map(([start, end]) => points.slice(start, end).reduce((sum, point) => sum + point.failures, 0));
    const first = perColumn.findIndex((count) => count > 0);
    const worst = perColumn.indexOf(Math.max(...perColumn));
    lines.push(
      `Failures: ${formatNumber(total)} in the arrival window; the first ${span(buckets[first]!)}; ` +
        `the most ${singleIntervals ? 'in one interval' : 'in one column'} (${formatNumber(perColumn[worst]!)}) ${span(buckets[worst]!)}.`,
    );
  }
  let lowest = 0;
  points.forEach((point, index) => (point.lowestFreePages < points[lowest]!.lowestFreePages ? (lowest = index) : undefined));
  const low = points[lowest];
  if (low) {
    const value = low.lowestFreePages;
    const zone = value < marks.minPages ? 'under MIN' : value < marks.lowPages ? 'under LOW' : value < marks.highPages ? 'under HIGH' : 'above HIGH';
    const when = lowest === 0 ? `at ${at(low.timeMs)}` : span([lowest, lowest + 1]);
    const underMin = points.findIndex((point) => point.lowestFreePages < marks.minPages);
    const belowMinMs = points.reduce((sum, point) => sum + point.belowMinMs, 0);
    const minNote = underMin >= 0 ? `; under MIN for ${formatDurationMs(belowMinMs)} in all, first ${underMin === 0 ? `at ${at(0)}` : span([underMin, underMin + 1])}` : '';
    lines.push(`Free pages: lowest ${formatNumber(value)} ${when} (${zone})${minNote}.`);
  }
  const empty = points.filter((point, index) => index > 0 && point.reservePages === 0);
  const peakIndex = points.reduce((best, point, index) => (point.peakInflightPages > points[best]!.peakInflightPages ? index : best), 0);
  const peakWhen = peakIndex === 0 ? `at ${at(0)}` : span([peakIndex, peakIndex + 1]);
  lines.push(
    (empty.length > 0 ? `Reserve: empty in ${empty.length} of ${points.length - 1} samples, first at ${at(empty[0]!.timeMs)}` : 'Reserve: never empty after the start') +
      `; pages in flight peak at ${formatNumber(points[peakIndex]!.peakInflightPages)} (${peakWhen}).`,
  );
  return lines;
}

/** The charts for one policy's timeline, `width` columns wide at most. */
export function renderTimeline(result: CompareResult, row: PolicyResult, options: { color: boolean; width: number }): string {
  const points = row.timeline ?? [];
  if (points.length < 2) return 'No timeline samples (use --timeline-points 2 or more).\n';
  const totalMs = points[points.length - 1]!.timeMs;
  const marks = watermarks(result.scenario.machine);
  const columns = Math.max(10, Math.min(points.length, options.width - AXIS_COLUMN - 8));
  const interval = totalMs / (points.length - 1);
  const free = resample(points.map((point) => point.lowestFreePages), columns, 'min');
  const squeezed = columns < points.length;
  const lowest = squeezed ? '; lowest per column' : '; lowest per interval';
  const watermarkLines: ReferenceLine[] = [
    { value: marks.highPages, label: `HIGH ${formatNumber(marks.highPages)}` },
    { value: marks.lowPages, label: `LOW ${formatNumber(marks.lowPages)}` },
    { value: marks.minPages, label: `MIN ${formatNumber(marks.minPages)}` },
  ];
  const freeCharts: ChartSpec[] = [];
  const nearWatermarks = Math.min(...free) <= 2 * marks.highPages;
  if (!nearWatermarks) {
    // A machine with room to spare: drawing the watermarks would flatten the curve to nothing.
    const far = `MIN ${formatNumber(marks.minPages)}, LOW ${formatNumber(marks.lowPages)}, HIGH ${formatNumber(marks.highPages)} are far below`;
    freeCharts.push({ title: `free pages (buddy free count; ${far}${lowest})`, values: free, height: 8, color: ANSI.green });
  } else if (Math.max(...free) <= 4 * marks.highPages) {
    freeCharts.push({ title: `free pages (buddy free count; dotted: watermarks${lowest})`, values: free, height: 10, color: ANSI.green, lines: watermarkLines });
  } else {
    // Whole range first, then a close-up of the watermark zone where the allocator changes behaviour.
    const gap = marks.highPages - marks.minPages;
    const bottom = Math.max(0, Math.min(Math.min(...free), marks.minPages) - gap / 4);
    const top = marks.highPages + gap / 2;
    freeCharts.push({ title: `free pages (buddy free count${lowest})`, values: free, height: 6, color: ANSI.green });
    freeCharts.push({
      title: `free pages near the watermarks (dotted; values above ${formatNumber(Math.round(top))} drawn at the top)`,
      values: free.map((value) => Math.min(value, top)),
      height: 8,
      color: ANSI.green,
      lines: watermarkLines,
      range: { min: bottom, max: top },
    });
  }
  const failureTitle = squeezed
    ? `failures per column (≈ ${formatTime(totalMs / (columns - 1), totalMs)} each; calls that took the fallback path)`
    : `failures per ${formatTime(interval, totalMs)} (calls that took the fallback path)`;
  const specs: ChartSpec[] = [
    ...freeCharts,
    {
      title: `reserve pages (idle in the policy's reserves${squeezed ? '; lowest per column' : ''})`,
      values: resample(points.map((point) => point.reservePages), columns, 'min'),
      height: 6,
      color: ANSI.cyan,
    },
    {
      title: `pages in flight (pointer pages holding pointers; highest per ${squeezed ? 'column' : 'interval'})`,
      values: resample(points.map((point) => point.peakInflightPages), columns, 'max'),
      height: 6,
      color: ANSI.blue,
    },
    {
      title: failureTitle,
      values: resample(points.map((point) => point.failures), columns, 'sum'),
      height: 6,
      color: ANSI.red,
    },
  ];
  const heading =
    `${row.policy} on ${result.scenario.name}, seed ${result.seeds[0]}: ${formatTime(totalMs, totalMs)} of arrivals, ` +
    `sampled every ${formatTime(interval, totalMs)}`;
  const charts = specs.flatMap((spec) => [...chart(spec, totalMs, options.color), '']);
  return [heading, '', ...charts, ...timelineMoments(points, marks, totalMs, columns)].join('\n') + '\n';
}

/** The timeline as CSV (RFC 4180, CRLF): one row per sample. */
export function timelineCsv(row: PolicyResult): string {
  const header = ['timeMs', 'freePages', 'reservePages', 'inflightPages', 'failures', 'lowestFreePages', 'belowMinMs', 'peakInflightPages'];
  const lines = (row.timeline ?? []).map((point) => header.map((name) => point[name as keyof TimelinePoint]).map((value) => String(Number(value.toPrecision(15)))).join(','));
  return [header.join(','), ...lines].map((line) => `${line}\r\n`).join('');
}

// ---- the command ----

/** `--timeline` in a terminal format: charts (and the table), or the samples. */
function timelineText(format: ReportFormat, result: CompareResult, row: PolicyResult, color: boolean, width: number, table: { columns: ColumnSelection; width: number }): string {
  if (format === 'json') return renderJson(result);
  if (format === 'csv') return timelineCsv(row);
  if (format === 'markdown') return '```text\n' + renderTimeline(result, row, { color: false, width }) + '```\n\n' + renderMarkdown(result, { columns: table.columns });
  return renderTimeline(result, row, { color, width }) + '\n' + renderTable(result, { color, ...table });
}

interface RunCommandFlags extends RunFlags, OutputFlags {
  timeline?: boolean;
  traceOut?: string;
  traceCalls?: boolean;
}

/** --trace-out: the first seed's run again with a trace writer (docs/trace.md). */
function writeTrace(run: Awaited<ReturnType<typeof resolveRun>>, file: string, everyCall: boolean): void {
  const { loaded, params } = run.policies[0]!;
  const seed = run.seeds[0]!;
  const traced = traceRun({ scenario: run.scenario, policy: loaded.policy, params, seed, everyCall });
  try {
    traced.writer.writeFile(file, traced.header);
  } catch (error) {
    throw new UsageError(`--trace-out ${file}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the folder exists and is writable`);
  }
  process.stderr.write(`rcupool: wrote ${traced.writer.lineCount.toLocaleString('en-US')} trace lines (seed ${seed}) to ${file}\n`);
}

export function runCommand(): Command {
  const command = new Command('run')
    .summary('run one policy; --timeline charts free, reserve and in-flight pages and failures over time')
    .description(
      'Runs one policy on one scenario. Without --timeline: its row of the compare table. With --timeline: charts over the arrival window ' +
        `(sampled ${DEFAULT_TIMELINE_POINTS} times; --timeline-points N to change) showing when free memory fell, the reserve ran dry and calls failed. ` +
        'With several seeds the charts show the first seed; the table shows the mean.',
    )
    .addHelpText('before', EXAMPLES);
  addRunOptions(command);
  // The shared options read a little differently for one policy.
  for (const option of command.options) {
    if (option.long === '--policy') option.description = 'the policy: a built-in name or a file (.ts, .mjs, .js)';
    if (option.long === '--timeline-points') {
      option.hidden = false;
      option.description = `timeline samples over the arrival window (default ${DEFAULT_TIMELINE_POINTS})`;
    }
  }
  addOutputOptions(command);
  command.option('-t, --timeline', 'charts over time (table and markdown), timeline samples (csv)');
  command.option('--trace-out <file>', 'also write the run (first seed) as ftrace text in the kernel\'s event formats (docs/trace.md)');
  command.option('--trace-calls', 'with --trace-out: one rcu_kvfree_callback line per call (millions of lines), not only per call that needed a page');
  command.action(async (flags: RunCommandFlags) => {
    const format = chosenFormat(flags);
    const specs = (flags.policy ?? []).flatMap((value) => value.split(',')).map((spec) => spec.trim()).filter(Boolean);
    if (specs.length !== 1) {
      throw new UsageError(
        specs.length === 0 ? 'run needs one --policy <name-or-file> (see rcupool list policies)' : `run takes one policy, got ${specs.length} (${specs.join(', ')}); use rcupool compare for several`,
      );
    }
    const run = await resolveRun({ ...flags, policy: specs });
    if (flags.traceCalls && !flags.traceOut) throw new UsageError('--trace-calls needs --trace-out <file>');
    const timelinePoints = flags.timelinePoints !== undefined ? parseWholeNumber('--timeline-points', flags.timelinePoints, 2) : DEFAULT_TIMELINE_POINTS;
    const result = await compare({ ...run, timelinePoints, onProgress: progressReporter(Boolean(flags.quiet)) });
    const row = result.results[0]!;
    const color = colorEnabled(flags.out ? { isTTY: false } : process.stdout, process.env, flags.color);
    const width = flags.out ? 100 : outputWidth();
    // The page always has the timeline: it is what a picture of one policy is for.
    const asReport = format === 'html' || !flags.timeline || row.error !== undefined;
    if (!asReport && flags.vegaSpecs !== undefined) await writeChartSpecs(flags.vegaSpecs, result);
    const table = { columns: chosenColumns(flags), width: tableWidth(Boolean(flags.out)) };
    emit(asReport ? await reportText(format, result, flags, { color, command: 'run', ...table }) : timelineText(format, result, row, color, width, table), flags.out);
    if (flags.traceOut && row.error === undefined) writeTrace(run, flags.traceOut, Boolean(flags.traceCalls));
    if (row.error !== undefined) {
      process.stderr.write(`rcupool: policy ${row.policy} failed: ${row.error}\n`);
      process.exitCode = EXIT_USAGE;
    } else process.exitCode = EXIT_OK;
  });
  return command;
}
