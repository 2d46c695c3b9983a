// `rcupool trace stats FILE` and `rcupool trace fit FILE`: read an ftrace text capture (the
// kernel's trace file or `trace-cmd report` output) and show what it holds, or turn it into a
// scenario. See docs/trace.md.
import { Command } from 'commander';
import { didYouMean } from '../shared/did-you-mean.js';
import { isPresetName, presetScenario, PRESET_NAMES } from '../scenario/presets.js';
import { readCapture, type Capture } from '../trace/capture.js';
import { fitScenario, fitYaml } from '../trace/fit.js';
import { skippedText, TraceFileError } from '../trace/read.js';
import { statsText } from '../trace/stats-text.js';
import { UsageError } from './usage-error.js';
import { emit } from './output.js';
import { jsonText, wrap } from './text.js';

const EXAMPLES = `
Examples:
  trace-cmd record -e rcu -e workqueue -e kmem -- sleep 10 && trace-cmd report > capture.txt
  rcupool trace stats capture.txt                 what the capture holds, in the simulator's terms
  rcupool trace stats capture.txt --json
  rcupool trace fit capture.txt --out phone.yaml  a scenario from it (evidence as comments)
  rcupool compare --scenario phone.yaml           ... and the policies on it
  rcupool run --policy upstream --trace-out sim.txt && rcupool trace stats sim.txt
`;

async function capture(file: string): Promise<Capture> {
  try {
    const result = await readCapture(file);
    const skipped = skippedText(result.read);
    if (skipped) process.stderr.write(`rcupool: ${file}: ${skipped}\n`);
    return result;
  } catch (error) {
    if (error instanceof TraceFileError) throw new UsageError(error.message);
    throw error;
  }
}

export function traceCommand(): Command {
  const command = new Command('trace')
    .summary('read ftrace captures: stats on what they hold, or fit a scenario to one')
    .description(
      'Reads ftrace text as /sys/kernel/tracing/trace and `trace-cmd report` print it (rcu, workqueue and kmem events). ' +
        '`rcupool run --trace-out FILE` writes simulated runs in the same format.',
    )
    .addHelpText('before', EXAMPLES);

  command
    .command('stats')
    .description('what a capture holds: records per freed pointer page, GP lengths, wake-up latencies, events per CPU')
    .argument('<file>', 'ftrace text capture')
    .option('--json', 'one JSON document on stdout')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action(async (file: string, flags: { json?: boolean; out?: string }) => {
      const { stats } = await capture(file);
      emit(flags.json ? jsonText(stats) : statsText(stats), flags.out);
    });

  command
    .command('fit')
    .description('a scenario YAML from a capture; each derived field commented with its evidence, the rest from --base')
    .argument('<file>', 'ftrace text capture')
    .option('--base <preset>', 'preset for everything the capture cannot show', 'default')
    .option('-o, --out <file>', 'write the scenario to a file instead of stdout')
    .action(async (file: string, flags: { base: string; out?: string }) => {
      if (!isPresetName(flags.base)) throw new UsageError(`--base ${flags.base}: expected a preset (${PRESET_NAMES.join(', ')})${didYouMean(flags.base, PRESET_NAMES)}`);
      const fitted = fitScenario(await capture(file), presetScenario(flags.base), flags.base);
      emit(fitYaml(fitted, flags.base), flags.out);
      const kept = `kept from preset ${flags.base} (the capture does not show them): ${fitted.kept.join(', ')}`;
      process.stderr.write(wrap(kept, 100, '  ').map((line, index) => (index === 0 ? `rcupool: ${line.trimStart()}` : line)).join('\n') + '\n');
    });
  for (const sub of command.commands) sub.exitOverride().showSuggestionAfterError(true);
  // main.ts gives `trace` the program's one-line error output after this returns: pass it on.
  command.hook('preSubcommand', (parent, sub) => void sub.configureOutput(parent.configureOutput()));
  return command;
}
