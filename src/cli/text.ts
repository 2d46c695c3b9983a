// Plain-text layout shared by list, explain and run: wrapping prose to the terminal and
// aligning label/value lines. No colour here; callers decide that. It imports nothing, so the
// commands that only print text (list, explain) load no report code.

/**
 * Width to lay text out for: the terminal's when stdout is one (or $COLUMNS when the terminal
 * does not say), else 100, so pipes and tests get stable output.
 */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  const columns = stream.isTTY ? stream.columns || (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 100) : 100;
  return Math.max(40, Math.min(columns, 160));
}

/** Greedy word wrap; every line starts with `indent`. Long words stay whole. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= room) line += ` ${word}`;
    else {
      lines.push(indent + line);
      line = word;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** Rows of cells padded to their column's widest cell (the last column is not padded). */
export function alignColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat(widths[index]! - [...cell].length)))
      .join(gap)
      .trimEnd(),
  );
}

/** JSON for stdout: two-space indent and a final newline, like the compare report. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
