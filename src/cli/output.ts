// Where results go. `--out -` and `/dev/stdout` are stdout; a device or FIFO (/dev/null, a pipe
// made with mkfifo) is written through, never replaced; a regular file is replaced atomically
// (temp file in the same folder, then rename) so a reader never sees half a report, and a
// symlink to one is followed: its target is replaced, the link stays. A folder or socket is
// refused. checkOutput() runs before any simulation, so a typo in --out costs seconds, not minutes.
import { chmodSync, closeSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

type OutTarget = { kind: 'stdout' } | { kind: 'stream'; path: string } | { kind: 'file'; path: string; mode?: number };

const STDOUT_NAMES = new Set(['-', '/dev/stdout', '/proc/self/fd/1', '/dev/fd/1']);

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many symbolic links',
  EISDIR: 'it is a directory',
};

function cannot(flag: string, file: string, reason: string): UsageError {
  const words = WRITE_ERRORS[reason];
  return new UsageError(`${flag} ${file}: cannot write it (${reason})${words === undefined ? '' : `: ${words}`}`);
}

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The path a chain of symlinks ends at (which may not exist yet); at most 40 links, as the kernel allows. */
function followLinks(file: string): string {
  let path = resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    const stats = statOrUndefined(path, false);
    if (!stats?.isSymbolicLink()) return path;
    path = resolve(dirname(path), readlinkSync(path));
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/** A file can be created in `folder`: tried for real, since permissions, read-only mounts and root all differ. */
function probeFolder(folder: string): void {
  const probe = join(folder, `.rcupool-probe-${process.pid}`);
  closeSync(openSync(probe, 'wx'));
  rmSync(probe, { force: true });
}

function targetFor(file: string, flag: string): OutTarget {
  if (STDOUT_NAMES.has(file)) return { kind: 'stdout' };
  try {
    const path = followLinks(file);
    const stats = statOrUndefined(path, true);
    if (stats === undefined || stats.isFile()) {
      probeFolder(dirname(path));
      return { kind: 'file', path, mode: stats?.mode };
    }
    if (stats.isCharacterDevice() || stats.isFIFO() || stats.isBlockDevice()) return { kind: 'stream', path };
    throw cannot(flag, file, stats.isDirectory() ? 'EISDIR' : 'not a regular file, device or FIFO');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw cannot(flag, file, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
}

/** Refuses an output path that cannot be written, before anything runs. */
export function checkOutput(file: string | undefined, flag = '--out'): void {
  if (file !== undefined) targetFor(file, flag);
}

/** Writes `text` to `file` as described at the top; UsageError naming `flag` when it cannot. */
export function writeOutput(file: string, text: string, flag = '--out'): void {
  const target = targetFor(file, flag);
  if (target.kind === 'stdout') {
    process.stdout.write(text);
    return;
  }
  if (target.kind === 'stream') {
    try {
      writeFileSync(target.path, text);
    } catch (error) {
      throw cannot(flag, file, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
    return;
  }
  const temporary = join(dirname(target.path), `.rcupool-tmp-${process.pid}-${basename(target.path)}`);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    if (target.mode !== undefined) chmodSync(temporary, target.mode & 0o7777);
    renameSync(temporary, target.path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw cannot(flag, file, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
}

/** Kept for callers of the old name: writeOutput() with `--out` in its messages. */
export function writeAtomically(file: string, text: string): void {
  writeOutput(file, text);
}

export function emit(text: string, outFile?: string): void {
  if (outFile) writeOutput(outFile, text);
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
