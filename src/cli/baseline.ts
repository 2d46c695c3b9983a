// `rcupool baseline --out FILE`: run like `compare` and record the configuration and results
// for `rcupool check` to rerun and judge against later.
import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { colorEnabled, renderTable } from '../report/index.js';
import { makeBaseline, serializeBaseline } from '../runner/baseline-file.js';
import { compare } from '../runner/compare.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
import { progressReporter, writeOutput } from './output.js';
import { addRunOptions, parseParamFlags, resolveRun, type RunFlags } from './run-options.js';
import { recordSweepBaseline } from './sweep-baseline.js';

interface BaselineFlags extends RunFlags {
  out: string;
  vary: string[];
  force?: boolean;
  color?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  rcupool baseline --out rcupool-baseline.json --seeds 5
  rcupool baseline --out rcupool-baseline.json --policy upstream,./my-policy.ts --scenario flood --seeds 5
  rcupool baseline --out rcupool-baseline.json --force      replace an existing baseline
Then, in CI:
  rcupool check --baseline rcupool-baseline.json
`;

export function baselineCommand(): Command {
  const command = new Command('baseline').summary('record a baseline for `rcupool check` (configuration + results)').addHelpText('before', EXAMPLES);
  command.description(
    'Runs the policies like `compare` and writes a versioned JSON baseline: the resolved scenario, seeds, policies with their params ' +
      '(user files by path, with a sha256 of their contents), the tool version and the results. `rcupool check` reruns exactly this configuration.',
  );
  command.requiredOption('-o, --out <file>', 'where to write the baseline (JSON)');
  command.option('--force', 'overwrite an existing file');
  addRunOptions(command);
  command.option('--no-color', 'no colour in the table').option('-q, --quiet', 'no progress or notes on stderr');
  command.option('--vary <name=values>', 'record a sweep instead (as `rcupool sweep --vary`; repeatable)', (value: string, previous: string[] = []) => [...previous, value], []);
  command.action(async (flags: BaselineFlags) => {
    // Refuse before spending minutes running: the file is checked again nowhere else.
    // Only a regular file holds an older baseline; a device, FIFO or `-` is written through.
    if (!flags.force && existsSync(flags.out) && statSync(flags.out).isFile()) {
      throw new UsageError(`--out ${flags.out}: the file exists; add --force to overwrite it (or run \`rcupool check --baseline ${flags.out} --update\` to refresh it)`);
    }
    if (flags.vary.length > 0) return recordSweepBaseline(flags);
    const run = await resolveRun(flags);
    const result = await compare({ ...run, onProgress: progressReporter(Boolean(flags.quiet)) });
    const color = colorEnabled(process.stdout, process.env, flags.color);
    process.stdout.write(renderTable(result, { color }));
    const failed = result.results.filter((entry) => entry.error !== undefined);
    if (failed.length > 0) {
      for (const entry of failed) process.stderr.write(`rcupool: policy ${entry.policy} failed: ${entry.error}\n`);
      process.stderr.write(`rcupool: no baseline written: a baseline needs every policy to run\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    // Which params were set with --param: check pins those and takes the rest from today's defaults.
    const given = parseParamFlags(flags.param);
    const policies = run.policies.map((entry) => ({ ...entry, overridden: Object.keys(given.get(entry.loaded.policy.name) ?? {}) }));
    writeOutput(flags.out, serializeBaseline(makeBaseline({ ...run, policies }, result)));
    if (!flags.quiet) {
      const policies = run.policies.map(({ loaded }) => loaded.policy.name).join(', ');
      process.stderr.write(`rcupool: wrote baseline ${flags.out}: ${policies} on scenario ${run.scenario.name}, seeds ${run.seeds.join(', ')}\n`);
      if (run.seeds.length < 3) {
        process.stderr.write(`rcupool: note: with ${run.seeds.length === 1 ? 'one seed' : 'two seeds'} \`check\` can hardly tell noise from a real change; --seeds 5 is a better start\n`);
      }
    }
    process.exitCode = EXIT_OK;
  });
  return command;
}
