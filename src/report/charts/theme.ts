// Colours and the Vega-Lite config every chart of the HTML report shares.
//
// Palette: Okabe & Ito (2008), "Color Universal Design", told apart with every common colour
// vision deficiency. Black is "currentColor" so it turns light in dark mode; yellow comes last
// because it is faint on white. Text, axes and grid also draw in currentColor: the page's CSS
// decides light, dark and print, and the SVG follows.
import type { Config } from 'vega-lite';

export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', 'currentColor', '#F0E442'] as const;

/** Named colours for meanings that recur (check verdicts, reference lines). */
export const MEANING_COLORS = {
  bad: '#D55E00',
  good: '#0072B2',
  unsure: '#E69F00',
  neutral: '#999999',
} as const;

/** The colour of the n-th series, wrapping round when there are more series than colours. */
export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

export const CHART_CONFIG: Config = {
  background: 'transparent',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: 'currentColor', strokeOpacity: 0.25 },
  axis: {
    domainColor: 'currentColor',
    tickColor: 'currentColor',
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    gridColor: 'currentColor',
    gridOpacity: 0.15,
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
  },
  legend: { labelColor: 'currentColor', titleColor: 'currentColor', labelFontSize: 11, titleFontSize: 12 },
  title: { color: 'currentColor', subtitleColor: 'currentColor', fontSize: 14, anchor: 'start', subtitleFontSize: 11 },
  header: { labelColor: 'currentColor', titleColor: 'currentColor' },
  text: { color: 'currentColor' },
};
