// Which report format a command prints, from --format, --json and --out, the same way in every
// command: an explicit flag wins, `--out report.md` alone implies markdown (the file name says
// what the user wants), and a flag that contradicts the file name is a usage error before
// anything runs — a report.json holding a table is never what was meant.
import { extname } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from './usage-error.js';

/** `-f, --format` once, from `formats`: a second --format would otherwise win silently. */
export function formatOption(formats: readonly string[]): Option {
  const option = new Option('-f, --format <format>', 'output format').argParser((value: string, previous?: string) => {
    if (previous !== undefined) throw new UsageError(`--format given twice (${previous}, then ${value}); give it once`);
    if (!formats.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${formats.join(', ')}.`);
    return value;
  });
  option.argChoices = [...formats];
  return option;
}

export interface FormatFlags {
  format?: string;
  json?: boolean;
  out?: string;
}

/** Extensions that name a format; a command honours those among its own formats. */
const FORMAT_OF_EXTENSION: Readonly<Record<string, string>> = {
  '.json': 'json',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.csv': 'csv',
  '.html': 'html',
  '.htm': 'html',
};

/** The format `--out FILE` names, when it is one of `formats`; otherwise undefined (the table). */
export function formatOfOutFile<F extends string>(file: string | undefined, formats: readonly F[]): F | undefined {
  if (file === undefined) return undefined;
  const named = FORMAT_OF_EXTENSION[extname(file).toLowerCase()];
  return (formats as readonly string[]).includes(named ?? '') ? (named as F) : undefined;
}

/** The format to print, among `formats` ('table' when nothing says otherwise); UsageError when the flags disagree. */
export function chooseFormat<F extends string>(flags: FormatFlags, formats: readonly F[]): F {
  if (flags.json && flags.format && flags.format !== 'json') throw new UsageError(`--json and --format ${flags.format} disagree; use one of them`);
  const explicit = flags.json ? 'json' : flags.format;
  const implied = formatOfOutFile(flags.out, formats);
  if (explicit !== undefined && implied !== undefined && explicit !== implied) {
    const flag = flags.json ? '--json' : `--format ${explicit}`;
    throw new UsageError(`${flag} disagrees with --out ${flags.out} (a ${extname(flags.out!)} file gets ${implied}); drop ${flags.json ? '--json' : '--format'} or rename the file`);
  }
  return (explicit ?? implied ?? 'table') as F;
}
