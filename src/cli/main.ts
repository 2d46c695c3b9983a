// The CLI: commander wiring only. Each command lives in its own file.
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { baselineCommand } from './baseline.js';
import { checkCommand } from './check.js';
import { compareCommand } from './compare.js';
import { explainCommand } from './explain.js';
import { listCommand } from './list.js';
import { runCommand } from './run.js';
import { traceCommand } from './trace.js';
import { EXIT_USAGE, reportError } from './errors.js';

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

export function buildProgram(): Command {
  const program = new Command('rcupool')
    .description('What-if simulator for how kvfree_rcu() gets its pointer pages: compares page-supply policies on one simulated allocator and RCU workload.')
    .version(TOOL_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // commander's own errors: keep them to one line on stderr.
      writeErr: (text) => process.stderr.write(oneLineCommanderError(text)),
    });
  program.addCommand(compareCommand());
  program.addCommand(runCommand());
  program.addCommand(listCommand());
  program.addCommand(explainCommand());
  program.addCommand(baselineCommand());
  program.addCommand(checkCommand());
  program.addCommand(traceCommand());
  // addCommand() does not copy inherited settings (only .command() does): give each its own.
  for (const command of program.commands) command.exitOverride().showSuggestionAfterError(true).configureOutput(program.configureOutput());
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end here with code 0; every parse error is a usage error.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.exitCode = reportError(error);
  }
}
