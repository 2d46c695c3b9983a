// The CLI: commander wiring only. Each command lives in its own file.
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { compareCommand } from './compare.js';
import { EXIT_USAGE, reportError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('rcupool')
    .description('What-if simulator for how kvfree_rcu() gets its pointer pages: compares page-supply policies on one simulated allocator and RCU workload.')
    .version(TOOL_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // commander's own errors: keep them to one line on stderr.
      writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `rcupool: ${text.slice(7)}` : text),
    });
  program.addCommand(compareCommand());
  for (const command of program.commands) command.exitOverride().showSuggestionAfterError(true);
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
