// Per-policy timelines on one shared time axis: for each policy a stack of panels (free pages
// against MIN/LOW/HIGH, reserve, pages in flight, fallbacks and stalls per interval) with the
// scenario's timed events marked. Every policy's stack has the same time domain and the same
// value domain per panel, so stacks side by side compare at a glance.
import type { TopLevelSpec } from 'vega-lite';
import type { TimedEvent } from '../../scenario/types.js';
import type { CompareResult, PolicyResult, TimelinePoint } from '../../contract/result-types.js';
import { formatNumber } from '../format.js';
import { chartId, SHORT_NUMBER_LABEL, type NamedChart } from './generic.js';
import { CHART_CONFIG, MEANING_COLORS, seriesColor } from './theme.js';

export interface WatermarkLevels {
  minPages: number;
  lowPages: number;
  highPages: number;
}

interface Panel {
  key: string;
  /** The y axis title, with its unit, written above the panel (a rotated one would not fit its height). */
  title: string;
  mark: 'line' | 'bar';
  value: (point: TimelinePoint) => number | undefined;
  /** The value range every policy's panel shares. */
  domain: [number, number];
  /** Draw MIN/LOW/HIGH here. */
  watermarks?: boolean;
}

/** Per-interval stalls, once the result objects carry them (a fidelity metric, optional here). */
function stallsOf(point: TimelinePoint): number | undefined {
  const value = (point as unknown as Record<string, unknown>).stalls;
  return typeof value === 'number' ? value : undefined;
}

export function eventLabel(event: TimedEvent): string {
  if (event.kind === 'drainAllPages') return 'drain_all_pages()';
  if (event.kind === 'load') {
    const parts = [event.change.gp ? 'GP' : '', event.change.workqueues ? 'wake-up' : ''].filter(Boolean);
    return `${parts.join(' and ') || 'load'} times change`;
  }
  return `${formatNumber(event.pages)} reserve pages taken for ${formatNumber(event.holdMs)} ms`;
}

/** ms below 2 s, else s: the terminal timeline's choice. */
export function timeUnitFor(totalMs: number): { unit: 'ms' | 's'; perMs: number } {
  return totalMs < 2_000 ? { unit: 'ms', perMs: 1 } : { unit: 's', perMs: 1 / 1_000 };
}

/** [lowest, highest] of the values, [0, 1] for none; a loop, as runs may have many samples. */
function extent(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return [low, high];
}

/**
 * The free-pages panels, as the terminal timeline chooses them: with the watermarks when free
 * memory comes near them; and when it also spans far more, the whole range plus a close-up
 * of the watermark zone (values above it drawn at its top), where the allocator changes behaviour.
 */
function freePanels(low: number, high: number, marks: WatermarkLevels): Panel[] {
  const base = { key: 'free', title: 'free pages, lowest per interval (pages)', mark: 'line' as const, value: (point: TimelinePoint) => point.lowestFreePages };
  if (low > 2 * marks.highPages) return [{ ...base, domain: [low, Math.max(high, low + 1)] }];
  const bottom = Math.max(0, Math.min(low, marks.minPages) - (marks.highPages - marks.minPages) / 4);
  if (high <= 4 * marks.highPages) return [{ ...base, domain: [bottom, Math.max(high, marks.highPages) * 1.02], watermarks: true }];
  const top = marks.highPages + (marks.highPages - marks.minPages) / 2;
  return [
    { ...base, domain: [0, high] },
    {
      ...base,
      key: 'freeNear',
      title: `free pages near the watermarks (pages; > ${formatNumber(Math.round(top))} at the top)`,
      value: (point) => Math.min(point.lowestFreePages, top),
      domain: [bottom, top],
      watermarks: true,
    },
  ];
}

function watermarksFar(marks: WatermarkLevels): string {
  return `MIN ${formatNumber(marks.minPages)}, LOW ${formatNumber(marks.lowPages)}, HIGH ${formatNumber(marks.highPages)}: far below`;
}

function panelsFor(rows: readonly PolicyResult[], intervalText: string, marks: WatermarkLevels): Panel[] {
  const points = rows.flatMap((row) => row.timeline ?? []);
  const upTo = (read: (point: TimelinePoint) => number | undefined): [number, number] => [0, Math.max(1, extent(points.map(read).filter((value): value is number => value !== undefined))[1])];
  const [low, high] = extent(points.map((point) => point.lowestFreePages));
  const panels: Panel[] = [
    ...freePanels(low, high, marks),
    { key: 'reserve', title: "reserve, idle in the policy's reserves (pages)", mark: 'line', value: (point) => point.reservePages, domain: upTo((point) => point.reservePages) },
    { key: 'inflight', title: 'pages in flight, highest per interval (pages)', mark: 'line', value: (point) => point.peakInflightPages, domain: upTo((point) => point.peakInflightPages) },
    { key: 'fallbacks', title: `fallbacks: calls that found no page (per ${intervalText})`, mark: 'bar', value: (point) => point.failures, domain: upTo((point) => point.failures) },
  ];
  if (points.some((point) => stallsOf(point) !== undefined)) {
    panels.push({ key: 'stalls', title: `stalls: callers blocked (per ${intervalText})`, mark: 'bar', value: stallsOf, domain: upTo(stallsOf) });
  }
  return panels;
}

function watermarkLayer(marks: WatermarkLevels) {
  return {
    data: {
      values: [
        { level: marks.minPages, label: `MIN ${formatNumber(marks.minPages)}` },
        { level: marks.lowPages, label: `LOW ${formatNumber(marks.lowPages)}` },
        { level: marks.highPages, label: `HIGH ${formatNumber(marks.highPages)}` },
      ],
    },
    layer: [
      { mark: { type: 'rule', color: 'currentColor', strokeDash: [5, 3], opacity: 0.7 }, encoding: { y: { field: 'level', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', x: 'width', dx: 4, fontSize: 10, color: 'currentColor' },
        encoding: { y: { field: 'level', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}

function eventLayers(events: ReadonlyArray<{ time: number; label: string }>, labelled: boolean) {
  if (events.length === 0) return [];
  const x = { field: 'time', type: 'quantitative' };
  const rule = { data: { values: events }, mark: { type: 'rule', color: MEANING_COLORS.neutral, strokeDash: [2, 2], strokeWidth: 1.5 }, encoding: { x } };
  if (!labelled) return [rule];
  // Labels of neighbouring events alternate between two lines so they do not overwrite each other.
  const values = events.map((event, index) => ({ ...event, offset: 2 + (index % 2) * 12 }));
  const text = {
    data: { values },
    mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, fontSize: 10, color: 'currentColor' },
    encoding: { x, y: { field: 'offset', type: 'quantitative', scale: null }, text: { field: 'label' } },
  };
  return [rule, text];
}

function policyTimeline(result: CompareResult, row: PolicyResult, index: number, panels: readonly Panel[], marks: WatermarkLevels, totalMs: number): TopLevelSpec {
  const points = row.timeline ?? [];
  const { unit, perMs } = timeUnitFor(totalMs);
  const color = seriesColor(index);
  const data = points.map((point, at) => {
    const record: Record<string, number> = { time: point.timeMs * perMs, start: (at > 0 ? points[at - 1]!.timeMs : 0) * perMs };
    for (const panel of panels) {
      const value = panel.value(point);
      if (value !== undefined) record[panel.key] = value;
    }
    return record;
  });
  const events = result.scenario.events.filter((event) => event.atMs <= totalMs).map((event) => ({ time: event.atMs * perMs, label: eventLabel(event) }));
  const stack = panels.map((panel, panelIndex) => {
    // One time axis for the stack: labelled under the last panel, grid lines in every one.
    const last = panelIndex === panels.length - 1;
    const x = {
      field: 'time',
      type: 'quantitative',
      title: last ? `time (${unit})` : null,
      scale: { domain: [0, totalMs * perMs], nice: false },
      axis: last ? {} : { labels: false, ticks: false, domain: false, title: null, maxExtent: 0, minExtent: 0 },
    };
    const y = {
      field: panel.key,
      type: 'quantitative',
      title: panel.title,
      scale: { domain: panel.domain, nice: false, zero: false },
      axis: { tickCount: 3, labelExpr: SHORT_NUMBER_LABEL, titleAngle: 0, titleAlign: 'left', titleBaseline: 'bottom', titleX: 0, titleY: -4, titleFontSize: 11 },
    };
    const series =
      panel.mark === 'bar'
        ? { transform: [{ filter: 'datum.time > datum.start' }], mark: { type: 'rect', color }, encoding: { x: { ...x, field: 'start' }, x2: { field: 'time' }, y, y2: { datum: 0 } } }
        : { mark: { type: 'line', color, clip: true }, encoding: { x, y } };
    return {
      width: 400,
      height: 64,
      layer: [series, ...(panel.watermarks ? [watermarkLayer(marks)] : []), ...eventLayers(events, panelIndex === 0)],
    };
  });
  const interval = totalMs / Math.max(1, points.length - 1);
  // Short lines: without a canvas vega estimates text widths generously, and long ones widen the chart.
  const keys = [panels.some((panel) => panel.watermarks) ? 'dashed: watermarks' : watermarksFar(marks), events.length > 0 ? 'dotted: scenario events' : ''].filter(Boolean);
  return {
    title: { text: row.policy, subtitle: [`seed ${result.seeds[0]}, sampled every ${formatNumber(interval * perMs)} ${unit}`, keys.join('; ')], color },
    config: CHART_CONFIG,
    data: { values: data },
    spacing: 22,
    vconcat: stack,
  } as TopLevelSpec;
}

/** One chart per policy that has a timeline (the first seed's), all on the same axes. */
export function timelineCharts(result: CompareResult, marks: WatermarkLevels): NamedChart[] {
  const rows = result.results.filter((row) => (row.timeline?.length ?? 0) >= 2);
  if (rows.length === 0) return [];
  const totalMs = extent(rows.map((row) => row.timeline!.at(-1)!.timeMs))[1];
  const interval = totalMs / Math.max(1, rows[0]!.timeline!.length - 1);
  const { unit, perMs } = timeUnitFor(totalMs);
  const panels = panelsFor(rows, `${formatNumber(interval * perMs)} ${unit}`, marks);
  return rows.map((row) => ({
    id: chartId('timeline', row.policy),
    title: `${row.policy} over time`,
    spec: policyTimeline(result, row, result.results.indexOf(row), panels, marks, totalMs),
  }));
}
