// `rcupool merge shard-*.json`: the shards of one `sweep --shard i/n` back into the whole sweep,
// printed exactly as the unsharded `sweep` would print it with the same output flags.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { MergeError, mergeShards } from '../runner/shard.js';
import { problemText } from '../contract/first-problem.js';
import { sweepResultProblem } from '../contract/result-check.js';
import type { SweepResult } from '../contract/sweep-types.js';
import { UsageError } from './usage-error.js';
import { emit } from './output.js';
import { addSweepOutputOptions, reportFailedPoints, sweepRenderChoice, sweepReportText, type SweepOutputFlags } from './sweep.js';

const EXAMPLES = `
Examples:
  rcupool sweep --vary mempool.reservePages=0..400:25 --json --shard 0/2 > shard-0.json
  rcupool sweep --vary mempool.reservePages=0..400:25 --json --shard 1/2 > shard-1.json
  rcupool merge shard-0.json shard-1.json --json > sweep.json     same bytes as the sweep without --shard
  rcupool merge shard-*.json --front reserve.avgPages,failures.rate
`;

function readShard(file: string): SweepResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`merge ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`merge ${file}: not valid JSON (${(error as Error).message.split('\n')[0]}); give the --json output of \`rcupool sweep --shard i/n\``);
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { points?: unknown }).points)) {
    throw new UsageError(`merge ${file}: no field "points": not the --json output of \`rcupool sweep\``);
  }
  // The sweep output's one declaration (src/contract/sweep-types.ts) checks the rest.
  const problem = sweepResultProblem(data);
  if (problem !== undefined) throw new UsageError(`merge ${file}: ${problemText(problem, 'a sweep')}: give the --json output of \`rcupool sweep --shard i/n\``);
  return data as SweepResult;
}

export function mergeCommand(): Command {
  const command = new Command('merge').summary('combine the --json outputs of `sweep --shard i/n` runs into the whole sweep').addHelpText('before', EXAMPLES);
  command.description(
    'Checks that every shard comes from the same sweep (tool version, scenario, seeds, axes, policies; the first differing field is named), ' +
      'that each shard is there once, and prints the sweep as one unsharded run would.',
  );
  command.argument('<shards...>', 'the shard files (JSON)');
  addSweepOutputOptions(command);
  command.action(async (files: string[], flags: SweepOutputFlags) => {
    const { format, options } = sweepRenderChoice(flags);
    const shards = files.map((file) => ({ file, result: readShard(file) }));
    let merged: SweepResult;
    try {
      merged = mergeShards(shards);
    } catch (error) {
      if (error instanceof MergeError) throw new UsageError(error.message);
      throw error;
    }
    emit(await sweepReportText(format, merged, options, flags.vegaSpecs), flags.out);
    process.exitCode = reportFailedPoints(merged);
  });
  return command;
}
