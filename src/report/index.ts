// One entry point for the CLI: pick an exporter by name. Every format ends with a newline,
// so callers write the string to stdout as it is. HTML renders its charts asynchronously
// (vega), so it goes through renderReport(); the text formats also through render().
import type { CompareResult } from '../contract/result-types.js';
import type { ColumnSelection } from './columns.js';
import type { WatermarkLevels } from './charts/timelines.js';
import { renderCsv } from './csv.js';
import { compareCharts, renderCompareHtml, type CompareCharts } from './html-compare.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';
import type { ReportFormat, TextFormat } from './formats.js';

export { REPORT_FORMATS, type ReportFormat, type TextFormat } from './formats.js';

export interface RenderOptions {
  /** Only the table uses colour; decide it with colorEnabled(). */
  color: boolean;
  /** A policy name to compare the others with (table and markdown). */
  reference?: string;
  /** Table and markdown columns. */
  columns?: ColumnSelection;
  /** The table's line width. */
  width?: number;
}

export interface HtmlRenderOptions extends RenderOptions {
  watermarks: WatermarkLevels;
  /** The command named in the page title. */
  command?: string;
  /** Charts already built (for --vega-specs); built from the result when absent. */
  charts?: CompareCharts;
}

export function render(format: TextFormat, result: CompareResult, options: RenderOptions): string {
  switch (format) {
    case 'table':
      return renderTable(result, options);
    case 'json':
      return renderJson(result);
    case 'markdown':
      return renderMarkdown(result, { reference: options.reference, columns: options.columns });
    case 'csv':
      return renderCsv(result);
  }
}

export async function renderReport(format: ReportFormat, result: CompareResult, options: HtmlRenderOptions): Promise<string> {
  if (format !== 'html') return render(format, result, options);
  return renderCompareHtml(result, options, options.charts ?? compareCharts(result, options.watermarks));
}

export { colorEnabled } from './color.js';
export { compareCharts, type CompareCharts };
export { renderCsv, renderJson, renderMarkdown, renderTable };
