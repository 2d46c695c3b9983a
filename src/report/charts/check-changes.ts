// `check`'s chart: how far each metric worth a look moved from the baseline, in %, one dot
// per policy × metric, coloured and shaped by verdict (shape too, for print and colour blindness).
import type { TopLevelSpec } from 'vega-lite';
import type { Verdict } from '../../contract/check-result.js';
import { chartId, type NamedChart } from './generic.js';
import { CHART_CONFIG, MEANING_COLORS } from './theme.js';

export interface ChangeRow {
  policy: string;
  metric: string;
  /** (now − baseline) / |baseline| × 100. */
  changePercent: number;
  verdict: Verdict;
}

const VERDICTS: readonly Verdict[] = ['regressed', 'inconclusive', 'improved', 'unchanged', 'info'];
const VERDICT_COLORS: Record<Verdict, string> = {
  regressed: MEANING_COLORS.bad,
  inconclusive: MEANING_COLORS.unsure,
  improved: MEANING_COLORS.good,
  unchanged: MEANING_COLORS.neutral,
  info: MEANING_COLORS.neutral,
};
const VERDICT_SHAPES: Record<Verdict, string> = { regressed: 'triangle-up', inconclusive: 'diamond', improved: 'triangle-down', unchanged: 'circle', info: 'square' };

export function changeChart(rows: readonly ChangeRow[]): NamedChart {
  const present = VERDICTS.filter((verdict) => rows.some((row) => row.verdict === verdict));
  const spec = {
    title: { text: 'Change from the baseline', subtitle: 'metrics beyond their threshold; 0 = as in the baseline' },
    config: CHART_CONFIG,
    width: 420,
    height: { step: 18 },
    data: { values: rows.map((row) => ({ ...row, label: `${row.policy} · ${row.metric}` })) },
    layer: [
      { mark: { type: 'rule', color: 'currentColor', opacity: 0.5 }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, size: 90, tooltip: true },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: 'policy · metric' },
          x: { field: 'changePercent', type: 'quantitative', title: 'change (%)' },
          color: { field: 'verdict', type: 'nominal', scale: { domain: present, range: present.map((verdict) => VERDICT_COLORS[verdict]) }, title: 'verdict' },
          shape: { field: 'verdict', type: 'nominal', scale: { domain: present, range: present.map((verdict) => VERDICT_SHAPES[verdict]) }, title: 'verdict' },
        },
      },
    ],
  } as TopLevelSpec;
  return { id: chartId('check', 'changes'), title: 'Change from the baseline', spec };
}
