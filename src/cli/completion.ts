// `rcupool completion bash|zsh|fish`: a shell completion script for commands, their flags, and
// the values worth completing (policy and scenario names, formats). Built from the commander
// definitions of every command, so a new flag completes without touching this file.
import { Argument, Command, type Option } from 'commander';
import { builtinPolicyNames } from '../policy/loader.js';
import { PRESET_NAMES } from '../scenario/presets.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What a shell needs to know about one command. */
interface CommandShape {
  name: string;
  summary: string;
  flags: Array<{ long?: string; short?: string; description: string; takesValue: boolean; values: readonly string[] | 'files' | 'none' }>;
  /** Words the first positional argument may be. */
  words: readonly string[];
}

const EXAMPLES = `
Examples:
  rcupool completion bash > ~/.local/share/bash-completion/completions/rcupool
  rcupool completion zsh > "\${fpath[1]}/_rcupool"      (then: autoload -U compinit && compinit)
  rcupool completion fish > ~/.config/fish/completions/rcupool.fish
`;

function valuesFor(option: Option): readonly string[] | 'files' | 'none' {
  if (!option.required && !option.optional) return 'none';
  if (option.long === '--policy') return [...builtinPolicyNames()];
  if (option.long === '--scenario') return [...PRESET_NAMES];
  if (option.argChoices) return option.argChoices;
  if (option.long === '--out' || option.long === '--baseline' || option.long === '--against') return 'files';
  return [];
}

function argumentWords(command: Command): readonly string[] {
  const first = command.registeredArguments[0] as Argument | undefined;
  if (first?.argChoices) return first.argChoices;
  if (command.name() === 'explain') return ['scenario', ...builtinPolicyNames()];
  return [];
}

export function commandShapes(commands: readonly Command[]): CommandShape[] {
  return commands.map((command) => ({
    name: command.name(),
    summary: command.summary() || command.description(),
    flags: command.options
      .filter((option) => !option.hidden)
      .map((option) => ({
        long: option.long,
        short: option.short,
        description: option.description,
        takesValue: option.required || option.optional,
        values: valuesFor(option),
      })),
    words: argumentWords(command),
  }));
}

const quoteSingle = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bashScript(shapes: CommandShape[]): string {
  const lines = [
    '# bash completion for rcupool',
    '_rcupool() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" command="${COMP_WORDS[1]}"',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=($(compgen -W ${quoteSingle(`${shapes.map((shape) => shape.name).join(' ')} --help --version`)} -- "$cur")); return`,
    '  fi',
    '  case "$command" in',
  ];
  for (const shape of shapes) {
    lines.push(`    ${shape.name})`);
    lines.push('      case "$prev" in');
    for (const flag of shape.flags.filter((entry) => entry.takesValue)) {
      const names = [flag.short, flag.long].filter(Boolean).join('|');
      if (flag.values === 'files') lines.push(`        ${names}) COMPREPLY=($(compgen -f -- "$cur")); return;;`);
      else if (flag.values !== 'none' && flag.values.length > 0) {
        lines.push(`        ${names}) COMPREPLY=($(compgen -W ${quoteSingle(flag.values.join(' '))} -- "$cur") $(compgen -f -- "$cur")); return;;`);
      } else lines.push(`        ${names}) return;;`);
    }
    lines.push('      esac');
    const words = [...shape.flags.flatMap((flag) => [flag.long, flag.short].filter((name): name is string => Boolean(name))), '--help', ...shape.words];
    lines.push(`      COMPREPLY=($(compgen -W ${quoteSingle(words.join(' '))} -- "$cur"));;`);
  }
  lines.push('  esac', '}', 'complete -o default -F _rcupool rcupool', '');
  return lines.join('\n');
}

const zshEscape = (text: string) => text.replace(/[[\]:'\\]/g, (character) => `\\${character}`);

function zshScript(shapes: CommandShape[]): string {
  const lines = ['#compdef rcupool', '# zsh completion for rcupool', '_rcupool() {', '  local -a commands', '  commands=('];
  for (const shape of shapes) lines.push(`    ${quoteSingle(`${shape.name}:${zshEscape(shape.summary)}`)}`);
  lines.push('  )', '  if (( CURRENT == 2 )); then _describe command commands; return; fi', '  case "$words[2]" in');
  for (const shape of shapes) {
    const specs = shape.flags.map((flag) => {
      const names = [flag.short, flag.long].filter(Boolean) as string[];
      const head = names.length > 1 ? `(${names.join(' ')})'{${names.join(',')}}'` : names[0];
      const values = flag.values === 'files' ? ':file:_files' : flag.values === 'none' ? '' : flag.values.length > 0 ? `:value:(${flag.values.join(' ')})` : ':value:';
      return `'${head}[${zshEscape(flag.description)}]${values}'`;
    });
    if (shape.words.length > 0) specs.push(`'1:what:(${shape.words.join(' ')})'`);
    lines.push(`    ${shape.name}) _arguments ${specs.join(' ')} ;;`);
  }
  lines.push('  esac', '}', 'compdef _rcupool rcupool', '');
  return lines.join('\n');
}

function fishScript(shapes: CommandShape[]): string {
  const lines = ['# fish completion for rcupool', 'complete -c rcupool -f'];
  const names = shapes.map((shape) => shape.name).join(' ');
  for (const shape of shapes) {
    lines.push(`complete -c rcupool -n "not __fish_seen_subcommand_from ${names}" -a ${shape.name} -d ${quoteSingle(shape.summary)}`);
    const when = `-n "__fish_seen_subcommand_from ${shape.name}"`;
    for (const flag of shape.flags) {
      const parts = [`complete -c rcupool ${when}`];
      if (flag.long) parts.push(`-l ${flag.long.slice(2)}`);
      if (flag.short) parts.push(`-s ${flag.short.slice(1)}`);
      if (flag.values === 'files') parts.push('-r -F');
      else if (flag.values !== 'none') parts.push(flag.values.length > 0 ? `-r -a ${quoteSingle(flag.values.join(' '))}` : '-r');
      parts.push(`-d ${quoteSingle(flag.description)}`);
      lines.push(parts.join(' '));
    }
    if (shape.words.length > 0) lines.push(`complete -c rcupool ${when} -a ${quoteSingle(shape.words.join(' '))}`);
  }
  lines.push('');
  return lines.join('\n');
}

export function completionScript(shell: Shell, commands: readonly Command[]): string {
  const own: CommandShape = { name: 'completion', summary: 'print a shell completion script', flags: [], words: SHELLS };
  const shapes = [...commandShapes(commands), own];
  if (shell === 'bash') return bashScript(shapes);
  if (shell === 'zsh') return zshScript(shapes);
  return fishScript(shapes);
}

/** `allCommands` builds every other command (main.ts knows them). */
export function completionCommand(allCommands: () => Promise<Command[]>): Command {
  return new Command('completion')
    .summary('print a shell completion script (bash, zsh or fish)')
    .description('Prints a completion script for commands, flags, policy and scenario names, and formats.')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText('before', EXAMPLES)
    .action(async (shell: Shell) => {
      process.stdout.write(completionScript(shell, await allCommands()));
    });
}
