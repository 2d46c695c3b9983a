// GitHub-flavoured markdown: the table's columns (units in the headers, no colour, no group
// row since GFM has no column spans) and the per-policy sentences as a list.
import type { CompareResult, PolicyResult } from '../contract/result-types.js';
import { cellText, hasMetrics, isMultiSeed, visibleColumns, type ColumnSelection, type MetricColumn } from './columns.js';
import { findReference, referenceNote, relativeLines } from './reference.js';
import { describeAll, runNote, seedNote } from './summary.js';

export interface MarkdownOptions {
  reference?: string;
  columns?: ColumnSelection;
}

/** Escapes text we did not write (policy names, error messages) so it cannot break the table or turn into markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (char) => `\\${char}`).replace(/\r?\n/g, '<br>');
}

function tableLine(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function header(columns: readonly MetricColumn[], relativeHeader: string | undefined): string[] {
  const names = ['policy', ...columns.map((col) => `${col.label} (${col.unit})`)];
  const aligns = [':---', ...columns.map(() => '---:')];
  if (relativeHeader !== undefined) {
    names.push(escapeMarkdown(relativeHeader));
    aligns.push(':---');
  }
  return [tableLine(names), tableLine(aligns)];
}

function row(policy: PolicyResult, columns: readonly MetricColumn[], multiSeed: boolean, relative: string[] | undefined): string {
  const name = escapeMarkdown(policy.policy);
  const width = columns.length + (relative === undefined ? 0 : 1);
  if (!hasMetrics(policy)) {
    // The error goes in the first cell; the rest stay empty so every line has the same cell count.
    return tableLine([name, `error: ${escapeMarkdown(policy.error ?? 'no metrics')}`, ...Array<string>(width - 1).fill('')]);
  }
  const cells = [name, ...columns.map((col) => cellText(policy, col, multiSeed))];
  if (relative !== undefined) cells.push(relative.join('<br>'));
  return tableLine(cells);
}

export function renderMarkdown(result: CompareResult, options: MarkdownOptions = {}): string {
  const columns = visibleColumns(result, options.columns);
  const multiSeed = isMultiSeed(result);
  const reference = findReference(result, options.reference);
  const relativeHeader = reference.kind === 'found' ? `vs ${reference.name}` : undefined;
  const lines = [
    ...header(columns, relativeHeader),
    ...result.results.map((policy) => row(policy, columns, multiSeed, relativeHeader === undefined ? undefined : relativeLines(policy, reference))),
  ];
  const notes = [runNote(result), seedNote(result), referenceNote(reference)].filter((note): note is string => note !== undefined);
  const sentences = describeAll(result).map((sentence) => `- ${escapeMarkdown(sentence)}`);
  return [...lines, '', ...notes.flatMap((note) => [escapeMarkdown(note), '']), ...sentences].join('\n') + '\n';
}
