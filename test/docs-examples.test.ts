// The shell examples in README.md and docs/*.md are real: every ```console block holds
// `$ rcupool …` lines, each followed by exactly what that command prints (stdout, then
// stderr), run from the repository with a 120-column, colourless environment. After a change
// that moves numbers, refresh them with:  RCUPOOL_UPDATE_DOCS=1 npx vitest run test/docs-examples.test.ts
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, ROOT } from './helpers/cli.js';

const UPDATE = process.env.RCUPOOL_UPDATE_DOCS === '1';
const FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => join('docs', file))];

interface Example {
  command: string;
  shown: string;
}

const BLOCK = /```console\n([\s\S]*?)```/g;

function examplesOf(block: string): Example[] {
  const examples: Example[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('$ ')) examples.push({ command: line.slice(2), shown: '' });
    else if (examples.length > 0) examples.at(-1)!.shown += `${line}\n`;
  }
  return examples.map((example) => ({ ...example, shown: example.shown.replace(/\s+$/, '') }));
}

/** What the command prints, as a person would see it in a 120-column terminal without colour. */
function run(command: string): string {
  const script = `rcupool() { node ${JSON.stringify(BIN)} "$@"; }\n${command}`;
  const result = spawnSync('bash', ['-c', script], {
    cwd: ROOT,
    env: cleanEnv({ COLUMNS: '120', NO_COLOR: '1' }),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return `${result.stdout}${result.stderr}`.replace(/\s+$/, '');
}

const WITH_EXAMPLES = FILES.filter((file) => readFileSync(join(ROOT, file), 'utf8').includes('```console\n'));

it('README.md has console examples', () => {
  expect(WITH_EXAMPLES).toContain('README.md');
});

describe.each(WITH_EXAMPLES)('the console examples in %s', (file) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const blocks = [...text.matchAll(BLOCK)].map((match) => match[1]!);
  const examples = blocks.flatMap(examplesOf);

  if (UPDATE) {
    it('are rewritten with what the tool prints now', { timeout: 600_000 }, () => {
      const updated = text.replace(BLOCK, (_whole, block: string) => {
        const body = examplesOf(block).map(({ command }) => `$ ${command}\n${run(command)}\n`).join('');
        return `\`\`\`console\n${body}\`\`\``;
      });
      writeFileSync(join(ROOT, file), updated);
    });
    return;
  }

  it('show exactly what the tool prints', { timeout: 600_000 }, () => {
    for (const { command, shown } of examples) expect(run(command), `${file}: $ ${command}`).toBe(shown);
  });
});
