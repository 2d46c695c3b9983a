// The HTML page every `--format html` report is: one self-contained file (inline CSS and
// SVG; no script, no external style, font or image; no http(s) URL at all) that opens from
// disk or as a CI artifact, in light and dark mode (prefers-color-scheme) and on paper.
// Pages are built from sections; compare/run, check and sweep each bring their own.
import type { Scenario } from '../scenario/types.js';
import { renderSvg } from './charts/render.js';
import type { NamedChart } from './charts/generic.js';
import { formatNumber } from './format.js';

export interface HtmlSection {
  /** Anchor id (also the nav link). */
  id: string;
  heading: string;
  /** HTML, already escaped. */
  body: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const PAGE_CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #595959; --rule: #d4d4d4; --head: #f2f2f2; --best: #0072B2; --worst: #C04A00; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6e6; --bg: #16181b; --muted: #a6a6a6; --rule: #3b3f45; --head: #23262b; --best: #56B4E9; --worst: #F08A4B; }
}
@media print {
  :root { --fg: #000000; --bg: #ffffff; --muted: #333333; --rule: #999999; --head: #eeeeee; --best: #0072B2; --worst: #C04A00; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  .scroll { overflow: visible; }
  table { font-size: 7pt; }
  th, td { padding: .15rem .25rem; }
  section { break-before: auto; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 1.5rem; color: var(--fg); background: var(--bg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--rule); padding-bottom: .25rem; }
p, li { max-width: 75ch; }
.muted { color: var(--muted); }
nav { margin: .5rem 0 1rem; font-size: .9rem; }
nav a { color: inherit; margin-right: 1rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; }
th, td { padding: .25rem .45rem; border-bottom: 1px solid var(--rule); vertical-align: bottom; }
th { background: var(--head); font-weight: 600; text-align: left; }
tbody th { white-space: nowrap; }
th.num, td.num { text-align: right; white-space: nowrap; }
th.group { text-align: center; }
td.best { color: var(--best); font-weight: 700; }
td.worst { color: var(--worst); }
td.error { color: var(--worst); }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem 2rem; align-items: flex-start; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; max-width: 100%; }
figure svg { display: block; max-width: 100%; height: auto; color: var(--fg); }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .25rem; max-width: 60ch; }
details { margin-top: 1rem; }
summary { cursor: pointer; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; }
pre { background: var(--head); padding: .75rem; overflow-x: auto; font-size: .8rem; }
`;

/** A chart as a figure: its SVG inline, an id per chart so tests and links find it. */
export async function chartFigure(chart: NamedChart, caption?: string): Promise<string> {
  const svg = await renderSvg(chart.spec, chart.id);
  const text = caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : '';
  return `<figure class="chart" id="chart-${escapeHtml(chart.id)}" aria-label="${escapeHtml(chart.title)}">${svg}${text}</figure>`;
}

/**
 * Figures one after another, rendered in order (one at a time keeps memory flat). Between two
 * charts the event loop gets a turn: vega lays a chart out without yielding, and a page of
 * them must not starve a caller's timers and messages (a test worker's RPC, a progress line).
 */
export async function chartFigures(charts: readonly NamedChart[]): Promise<string> {
  const figures: string[] = [];
  for (const chart of charts) {
    figures.push(await chartFigure(chart));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return `<div class="charts">${figures.join('\n')}</div>`;
}

export function renderHtmlPage(options: { title: string; lead: string; sections: readonly HtmlSection[] }): string {
  const nav = options.sections.map((section) => `<a href="#${escapeHtml(section.id)}">${escapeHtml(section.heading)}</a>`).join('');
  const sections = options.sections.map((section) => `<section id="${escapeHtml(section.id)}">\n<h2>${escapeHtml(section.heading)}</h2>\n${section.body}\n</section>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(options.title)}</h1><p class="muted">${escapeHtml(options.lead)}</p><nav>${nav}</nav></header>`,
    '<main>',
    ...sections,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The details entries every page has: the tool, the scenario and its machine. */
export function runDetails(tool: { name: string; version: string }, scenario: Scenario): { version: string; scenario: string; machine: string } {
  const machine = scenario.machine;
  return {
    version: `${escapeHtml(tool.name)} ${escapeHtml(tool.version)}`,
    scenario: `${escapeHtml(scenario.name)}${scenario.description ? ` — ${escapeHtml(scenario.description)}` : ''}`,
    machine: escapeHtml(`${machine.preset}, ${machine.cpus} CPUs, ${formatNumber(machine.managedPages)} managed pages${scenario.kernel.preemptRt ? ', PREEMPT_RT' : ''}`),
  };
}

/** One policy in a details list: its name, where it came from, its parameters. */
export function policyItem(name: string, origin: { builtin: boolean; location: string; sha256?: string }, params: Readonly<Record<string, unknown>>): string {
  const paramText = Object.entries(params).map(([param, value]) => `${param}=${String(value)}`).join(', ');
  const source = origin.builtin ? 'built-in' : `${origin.location}${origin.sha256 ? ` (sha256 ${origin.sha256.slice(0, 12)}…)` : ''}`;
  return `<li><strong>${escapeHtml(name)}</strong> — ${escapeHtml(source)}${paramText ? `; ${escapeHtml(paramText)}` : ''}</li>`;
}

/** A <dl> of label → already-escaped HTML. */
export function definitionList(entries: ReadonlyArray<[string, string]>): string {
  return `<dl>${entries.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}
