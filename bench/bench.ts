// `npm run bench`: the model's speed on the scenarios that stress it. Every built-in policy on
// `flood` and `default`, plus `rcuscale` with upstream; each case in a fresh process (one
// thread, seed 1) so peak RSS is the case's own. Prints calls/s, events/s, CPU seconds and
// peak RSS. Not a test: figures vary with the machine, so compare runs on the same machine:
// `--save FILE` keeps this run's figures, `--against FILE` prints each figure as a ratio to a
// saved run (measure the old commit, then the new one, back to back).
//   npm run bench -- [--save F] [--against F] [--duration MS] [scenario:policy ...] [trace-parse]
// `trace-parse` (also part of the default run) times reading ftrace captures, in lines/s.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseFigures } from './bench-case.js';
import { benchTraceParse } from './trace-parse.js';

interface BenchCase {
  scenario: string;
  policy: string;
}

interface BenchArgs {
  cases: BenchCase[];
  traceParse: boolean;
  save?: string;
  against?: string;
  durationMs?: number;
}

const CASE_SCRIPT = fileURLToPath(new URL('./bench-case.js', import.meta.url));
const POLICY_FOLDER = new URL('../policies/', import.meta.url);

function builtinPolicies(): string[] {
  return readdirSync(POLICY_FOLDER)
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.slice(0, -'.js'.length))
    .sort();
}

function defaultCases(): BenchCase[] {
  const policies = builtinPolicies();
  return [
    ...policies.map((policy) => ({ scenario: 'flood', policy })),
    ...policies.map((policy) => ({ scenario: 'default', policy })),
    { scenario: 'rcuscale', policy: 'upstream' },
  ];
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: npm run bench -- [--save FILE] [--against FILE] [--duration MS] [scenario:policy ...] [trace-parse]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { cases: [], traceParse: false };
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index];
    const value = () => argv[++index] ?? usage(`${word} needs a value`);
    if (word === '--save') args.save = value();
    else if (word === '--against') args.against = value();
    else if (word === '--duration') {
      args.durationMs = Number(value());
      if (!(args.durationMs > 0)) usage('--duration takes a number of ms > 0');
    } else if (word === 'trace-parse') args.traceParse = true;
    else if (word.startsWith('-')) usage(`unknown flag ${word}`);
    else {
      const [scenario, policy = 'upstream'] = word.split(':');
      args.cases.push({ scenario, policy });
    }
  }
  if (args.cases.length === 0 && !args.traceParse) {
    args.cases = defaultCases();
    args.traceParse = true;
  }
  return args;
}

function runCase({ scenario, policy }: BenchCase, durationMs?: number): CaseFigures {
  const argv = [CASE_SCRIPT, scenario, policy, ...(durationMs ? [String(durationMs)] : [])];
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`${scenario}:${policy} failed: ${(child.stderr || child.stdout).trim().split('\n').pop()}`);
  return JSON.parse(child.stdout) as CaseFigures;
}

const key = ({ scenario, policy }: BenchCase) => `${scenario}:${policy}`;

/** The printed figures; `higherIsBetter` says which way a ratio should go. */
const COLUMNS = [
  { label: 'M calls/s', width: 10, higherIsBetter: true, of: (f: CaseFigures) => f.calls / f.wallSeconds / 1e6 },
  { label: 'M events/s', width: 11, higherIsBetter: true, of: (f: CaseFigures) => f.events / f.wallSeconds / 1e6 },
  { label: 'wall s', width: 8, higherIsBetter: false, of: (f: CaseFigures) => f.wallSeconds },
  { label: 'cpu s', width: 8, higherIsBetter: false, of: (f: CaseFigures) => f.cpuSeconds },
  { label: 'peak RSS MiB', width: 13, higherIsBetter: false, of: (f: CaseFigures) => f.peakRssMiB },
];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const before: Record<string, CaseFigures> = args.against ? JSON.parse(readFileSync(args.against, 'utf8')) : {};
  const figures: Record<string, CaseFigures> = {};
  const header = ['case'.padEnd(32), 'calls'.padStart(10), ...COLUMNS.map((column) => column.label.padStart(column.width))];
  console.log(header.join(' '));
  if (args.against) console.log(`(each figure: this run / ${args.against}; a ratio above 1 is more, not better)`);
  for (const benchCase of args.cases) {
    const name = key(benchCase);
    const now = runCase(benchCase, args.durationMs);
    figures[name] = now;
    const old = before[name];
    const cells = COLUMNS.map((column) => {
      const value = column.of(now);
      const text = old ? `×${(value / column.of(old)).toFixed(2)}` : value.toPrecision(3);
      return text.padStart(column.width);
    });
    console.log([name.padEnd(32), now.calls.toExponential(2).padStart(10), ...cells].join(' '));
  }
  if (args.save) writeFileSync(args.save, `${JSON.stringify(figures, null, 2)}\n`);
  if (args.traceParse) await benchTraceParse();
}

await main();
