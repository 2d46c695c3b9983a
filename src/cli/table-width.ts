// How wide a report table may be; apart from text.ts because it needs the table exporter's default.
import { DEFAULT_TABLE_WIDTH } from '../report/table.js';

/** Room for a report table: the terminal's width, else $COLUMNS, else 120 (also for a file). */
export function tableWidth(toFile: boolean, stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (!toFile && stream.isTTY && stream.columns) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv >= 40 ? fromEnv : DEFAULT_TABLE_WIDTH;
}
