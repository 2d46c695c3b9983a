// The CLI: commander wiring only. Each command lives in its own file and is imported only when
// it runs (or when help lists them all), so `rcupool --version` and `rcupool list` start in
// about the time of a bare node process instead of loading the model and every report.
import type { Command } from 'commander';
import type { SpareThread } from '../runner/worker-pool.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT_USAGE } from './usage-error.js';

/** What main() started before loading anything else: compare's first-run thread. */
interface EarlyStart {
  spare?: SpareThread;
}

type CommandFactory = (early: EarlyStart) => Promise<Command>;

/** Every command, by name, in the order help lists them. */
const COMMANDS: Record<string, CommandFactory> = {
  compare: async (early) => (await import('./compare.js')).compareCommand(early.spare),
  run: async () => (await import('./run.js')).runCommand(),
  list: async () => (await import('./list.js')).listCommand(),
  explain: async () => (await import('./explain.js')).explainCommand(),
  baseline: async () => (await import('./baseline.js')).baselineCommand(),
  check: async () => (await import('./check.js')).checkCommand(),
  sweep: async () => (await import('./sweep.js')).sweepCommand(),
  solve: async () => (await import('./solve.js')).solveCommand(),
  merge: async () => (await import('./merge.js')).mergeCommand(),
  trace: async () => (await import('./trace.js')).traceCommand(),
  completion: async () => (await import('./completion.js')).completionCommand(everyCommandButCompletion),
};

function everyCommandButCompletion(): Promise<Command[]> {
  return Promise.all(Object.keys(COMMANDS).filter((name) => name !== 'completion').map((name) => COMMANDS[name]({})));
}

/**
 * commander's own parse errors ("error: unknown option '--bogs'\n(Did you mean --jobs?)") as
 * one line: "rcupool: unknown option '--bogs'; did you mean --jobs?". Help text passes through.
 */
export function oneLineCommanderError(text: string): string {
  if (!text.startsWith('error:')) return text;
  const line = text
    .slice('error:'.length)
    .trim()
    .replace(/\s*\n\(Did you mean (.*)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ');
  return `rcupool: ${line}\n`;
}

/** The command a command line names (its first word that is not a flag), if it is one of ours. */
function namedCommand(args: string[]): string | undefined {
  const word = args.find((arg) => !arg.startsWith('-'));
  return word !== undefined && Object.hasOwn(COMMANDS, word) ? word : undefined;
}

/** The program with the commands `args` needs: the one it names, else all (for help and suggestions). */
export async function buildProgram(args: string[] = [], early: EarlyStart = {}): Promise<Command> {
  const { Command } = await import('commander');
  const program = new Command('rcupool')
    .description('What-if simulator for how kvfree_rcu() gets its pointer pages: compares page-supply policies on one simulated allocator and RCU workload.')
    .version(TOOL_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // commander's own errors: keep them to one line on stderr.
      writeErr: (text) => process.stderr.write(oneLineCommanderError(text)),
    });
  const versionOnly = args.length === 1 && (args[0] === '--version' || args[0] === '-V');
  if (versionOnly) return program;
  const named = namedCommand(args);
  const names = named ? [named] : Object.keys(COMMANDS);
  for (const command of await Promise.all(names.map((name) => COMMANDS[name](early)))) program.addCommand(command);
  // addCommand() does not copy inherited settings (only .command() does): give each its own.
  for (const command of program.commands) command.exitOverride().showSuggestionAfterError(true).configureOutput(program.configureOutput());
  return program;
}

/**
 * A reader that stops early (`rcupool baseline --help | head -1`) closes the pipe, and the next
 * write fails with EPIPE: stop quietly, as other command-line tools do, instead of a stack trace.
 */
function stopQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`rcupool: cannot write to stdout: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  });
}

/**
 * compare's first runs wait for their thread: a new isolate and the model's modules, about 0.1 s
 * of a core. Started before this thread loads commander and the command, it is ready about when
 * the scenario and the policies are (compare.ts takes it over, with its own limits if they differ).
 */
async function earlyStart(args: string[]): Promise<EarlyStart> {
  if (namedCommand(args) !== 'compare' || args.some((arg) => arg === '--help' || arg === '-h')) return {};
  const [{ startSpareThread }, { DEFAULT_RUN_LIMITS }] = await Promise.all([import('../runner/worker-pool.js'), import('../runner/limits.js')]);
  return { spare: startSpareThread(DEFAULT_RUN_LIMITS) };
}

export async function main(argv: string[]): Promise<void> {
  stopQuietlyWhenStdoutCloses();
  let early: EarlyStart = {};
  try {
    early = await earlyStart(argv.slice(2));
    const program = await buildProgram(argv.slice(2), early);
    await program.parseAsync(argv);
  } catch (error) {
    const { CommanderError } = await import('commander');
    if (error instanceof CommanderError) {
      // Help and --version end here with code 0; every parse error is a usage error.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    // Only a failing command pays for the error classes (the scenario validator among them).
    const { reportError } = await import('./errors.js');
    process.exitCode = reportError(error);
  } finally {
    // Unused when the command line was wrong: a thread still starting would hold the process.
    early.spare?.close();
  }
}
