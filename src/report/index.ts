// One entry point for the CLI: pick an exporter by name. Every format ends with a newline,
// so callers write the string to stdout as it is.
import type { CompareResult } from '../runner/result-types.js';
import type { ColumnSelection } from './columns.js';
import { renderCsv } from './csv.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

export const REPORT_FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

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

export function render(format: ReportFormat, result: CompareResult, options: RenderOptions): string {
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

export { colorEnabled } from './color.js';
export { renderCsv, renderJson, renderMarkdown, renderTable };
