// The default stdout report: a cli-table3 table, one row per policy, columns grouped as
// reserve · failures · latency · harm, then one sentence per policy.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { CompareResult, PolicyResult } from '../runner/result-types.js';
import { cellText, groupSpans, hasMetrics, isMultiSeed, rankColumn, visibleColumns, type MetricColumn, type Rank } from './columns.js';
import { findReference, referenceNote, relativeLines } from './reference.js';
import { describeAll, runNote, seedNote } from './summary.js';

export interface TableOptions {
  color: boolean;
  /** Name of a policy to express failures and reserve against ("2.3× fewer failures"). */
  reference?: string;
}

function markRank(chalk: ChalkInstance, text: string, rank: Rank): string {
  if (rank === 'best') return chalk.green(text);
  if (rank === 'worst') return chalk.red(text);
  return text;
}

function headerRows(columns: readonly MetricColumn[], chalk: ChalkInstance, relativeHeader: string | undefined): Table.HorizontalTableRow[] {
  const groups: Table.Cell[] = [
    '',
    ...groupSpans(columns).map(({ group, span }) => ({ content: chalk.bold(group), colSpan: span, hAlign: 'center' as const })),
  ];
  // Bottom-aligned so every unit sits on the last header line, however many lines the label takes.
  const names: Table.Cell[] = [
    { content: chalk.bold('policy'), vAlign: 'bottom' },
    ...columns.map((col) => ({ content: chalk.bold(`${col.shortLabel}\n${col.unit}`), hAlign: 'right' as const, vAlign: 'bottom' as const })),
  ];
  if (relativeHeader !== undefined) {
    groups.push('');
    names.push({ content: chalk.bold(relativeHeader), vAlign: 'bottom' });
  }
  return [groups, names];
}

function policyRow(
  row: PolicyResult,
  rowIndex: number,
  columns: readonly MetricColumn[],
  ranks: readonly Rank[][],
  chalk: ChalkInstance,
  multiSeed: boolean,
  relative: string[] | undefined,
): Table.HorizontalTableRow {
  if (!hasMetrics(row)) {
    const span = columns.length + (relative === undefined ? 0 : 1);
    return [row.policy, { content: `error: ${row.error ?? 'no metrics'}`, colSpan: span }];
  }
  const cells: Table.Cell[] = [
    row.policy,
    ...columns.map((col, colIndex) => ({
      content: markRank(chalk, cellText(row, col, multiSeed), ranks[colIndex]?.[rowIndex]),
      hAlign: 'right' as const,
    })),
  ];
  if (relative !== undefined) cells.push(relative.join('\n'));
  return cells;
}

export function renderTable(result: CompareResult, options: TableOptions): string {
  // A private chalk instance: level 1 (16 colours) is all red/green need, and global chalk state is never touched.
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const columns = visibleColumns(result);
  const multiSeed = isMultiSeed(result);
  const reference = findReference(result, options.reference);
  const withRelative = reference.kind === 'found';
  const ranks = options.color ? columns.map((col) => rankColumn(result.results, col)) : [];

  // cli-table3 colours heads and borders itself through @colors/colors (own env detection): switch that off always.
  const table = new Table({ style: { head: [], border: [] } });
  table.push(...headerRows(columns, chalk, withRelative ? `vs ${reference.name}` : undefined));
  result.results.forEach((row, index) => {
    table.push(policyRow(row, index, columns, ranks, chalk, multiSeed, withRelative ? relativeLines(row, reference) : undefined));
  });

  const notes = [runNote(result), seedNote(result), referenceNote(reference)].filter((note): note is string => note !== undefined);
  return [table.toString(), '', ...notes, ...describeAll(result)].join('\n') + '\n';
}
