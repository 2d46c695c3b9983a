// The default stdout report: a cli-table3 table, one row per policy, columns grouped as
// reserve · failures · latency · harm, then one sentence per policy. A table wider than the
// terminal is cut between column groups into tables stacked one under the other (each with
// the policy column), never wrapped mid-row.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { CompareResult, PolicyResult } from '../contract/result-types.js';
import { cellText, groupSpans, hasMetrics, isMultiSeed, rankColumn, visibleColumns, type ColumnSelection, type MetricColumn, type Rank } from './columns.js';
import { wrapText } from './format.js';
import { findReference, referenceNote, relativeLines } from './reference.js';
import { describeAll, runNote, seedNote } from './summary.js';

export interface TableOptions {
  color: boolean;
  /** Name of a policy to express failures and reserve against ("2.3× fewer failures"). */
  reference?: string;
  /** Which metric columns (default: the default set). */
  columns?: ColumnSelection;
  /** Characters a line may take (the terminal's width); default 120. */
  width?: number;
}

export const DEFAULT_TABLE_WIDTH = 120;

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

// The escape codes of colour, which take no room on screen.
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function visibleWidth(text: string): number {
  return Math.max(...text.split('\n').map((line) => [...line.replace(SGR, '')].length));
}

export function renderTable(result: CompareResult, options: TableOptions): string {
  // A private chalk instance: level 1 (16 colours) is all red/green need, and global chalk state is never touched.
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const width = options.width ?? DEFAULT_TABLE_WIDTH;
  const columns = visibleColumns(result, options.columns);
  const multiSeed = isMultiSeed(result);
  const reference = findReference(result, options.reference);
  const relativeHeader = reference.kind === 'found' ? `vs ${reference.name}` : undefined;
  const withRelative = relativeHeader !== undefined;
  const ranks = new Map(columns.map((col) => [col, options.color ? rankColumn(result.results, col) : []]));

  const build = (part: readonly MetricColumn[], relative: boolean): string => {
    // cli-table3 colours heads and borders itself through @colors/colors (own env detection): switch that off always.
    const table = new Table({ style: { head: [], border: [] } });
    table.push(...headerRows(part, chalk, relative ? relativeHeader : undefined));
    result.results.forEach((row, index) => {
      const partRanks = part.map((col) => ranks.get(col)!);
      table.push(policyRow(row, index, part, partRanks, chalk, multiSeed, relative ? relativeLines(row, reference) : undefined));
    });
    return table.toString();
  };

  // Whole column groups, packed greedily into tables no wider than the terminal; the relative
  // column goes with the last table.
  const groups = groupSpans(columns).reduce<MetricColumn[][]>((parts, { span }) => {
    const taken = parts.reduce((sum, part) => sum + part.length, 0);
    return [...parts, columns.slice(taken, taken + span)];
  }, []);
  const tables: string[] = [];
  let pending: MetricColumn[] = [];
  groups.forEach((group, index) => {
    const last = index === groups.length - 1;
    const candidate = [...pending, ...group];
    if (pending.length > 0 && visibleWidth(build(candidate, last && withRelative)) > width) {
      tables.push(build(pending, false));
      pending = [...group];
    } else pending = candidate;
  });
  tables.push(build(pending, withRelative));

  const notes = [runNote(result), seedNote(result), referenceNote(reference)].filter((note): note is string => note !== undefined);
  const sentences = [...notes, ...describeAll(result)].flatMap((text) => wrapText(text, width, '  '));
  return [tables.join('\n'), '', ...sentences].join('\n') + '\n';
}
