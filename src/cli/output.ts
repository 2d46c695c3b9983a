// Where results go: stdout, or a file written atomically (temp file in the same folder, then
// rename) so a reader never sees half a report.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';

export function writeAtomically(file: string, text: string): void {
  const temporary = join(dirname(file), `.rcupool-tmp-${process.pid}-${basename(file)}`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`--out ${file}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the folder exists and is writable`);
  }
}

export function emit(text: string, outFile?: string): void {
  if (outFile) writeAtomically(outFile, text);
  else process.stdout.write(text);
}

/** Progress on stderr, only when a person watches both streams. */
export function progressReporter(quiet: boolean): ((done: number, total: number) => void) | undefined {
  if (quiet || !process.stderr.isTTY || !process.stdout.isTTY) return undefined;
  return (done, total) => {
    process.stderr.write(`\rrunning ${done}/${total} runs`);
    if (done === total) process.stderr.write('\r\x1b[K');
  };
}
