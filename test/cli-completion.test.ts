// `rcupool completion bash|zsh|fish`: the scripts complete commands, flags and policy/scenario
// names. The bash script is run for real (bash is always here); zsh and fish by their content.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinPolicies, E2E_TIMEOUT_MS, rcupool } from './helpers/cli.js';

function bashCompletions(script: string, words: string[]): string[] {
  const file = join(tmpdir(), `rcupool-completion-${process.pid}.bash`);
  writeFileSync(file, script);
  const array = words.map((word) => `'${word}'`).join(' ');
  const program = `source ${file}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _rcupool; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program], { encoding: 'utf8', cwd: tmpdir() });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

describe('rcupool completion', { timeout: E2E_TIMEOUT_MS }, () => {
  const bash = rcupool(['completion', 'bash']);

  it('bash completes command names', () => {
    expect(bash.status).toBe(0);
    expect(bashCompletions(bash.stdout, ['rcupool', 'c'])).toEqual(expect.arrayContaining(['compare', 'check', 'completion']));
  });

  it('bash completes policy names after --policy and scenario names after --scenario', () => {
    expect(bashCompletions(bash.stdout, ['rcupool', 'compare', '--policy', 'up'])).toContain('upstream');
    expect(bashCompletions(bash.stdout, ['rcupool', 'compare', '-s', 'fl'])).toContain('flood');
  });

  it("bash completes a command's own flags, and list's choices", () => {
    expect(bashCompletions(bash.stdout, ['rcupool', 'compare', '--ref'])).toEqual(['--reference']);
    expect(bashCompletions(bash.stdout, ['rcupool', 'list', 'sc'])).toEqual(['scenarios']);
  });

  it('zsh and fish scripts name every command and every built-in policy', () => {
    for (const shell of ['zsh', 'fish']) {
      const result = rcupool(['completion', shell]);
      expect(result.status).toBe(0);
      for (const name of ['compare', 'run', 'check', 'baseline', ...builtinPolicies()]) expect(result.stdout).toContain(name);
    }
    expect(rcupool(['completion', 'zsh']).stdout.startsWith('#compdef rcupool')).toBe(true);
    expect(rcupool(['completion', 'fish']).stdout).toContain('-l scenario');
  });

  it('an unknown shell is a usage error', () => {
    const result = rcupool(['completion', 'tcsh']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
  });
});
