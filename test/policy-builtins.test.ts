// What every built-in policy file promises: a valid module named after its file, a header
// comment citing its source, under ~150 lines, the API (or another built-in) as its only import, and no state
// outside create() (two runs in a row give the same result).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import growAfterEmergency from '../policies/grow-after-emergency.js';
import inlineNowait from '../policies/inline-nowait.js';
import locklessPcp from '../policies/lockless-pcp.js';
import mempool from '../policies/mempool.js';
import nolockAlloc from '../policies/nolock-alloc.js';
import preemptCount from '../policies/preempt-count.js';
import refillWorker from '../policies/refill-worker.js';
import upstream from '../policies/upstream.js';
import type { PolicyModule } from '../src/policy/api.js';
import { validatePolicyModule } from '../src/policy/validate.js';
import { fullRun, shortScenario } from './helpers/policy-harness.js';

const policiesDir = resolve(fileURLToPath(import.meta.url), '../../policies');
const files = readdirSync(policiesDir).filter((file) => file.endsWith('.ts'));
const modules: Record<string, PolicyModule> = {
  'grow-after-emergency': growAfterEmergency,
  'inline-nowait': inlineNowait,
  'lockless-pcp': locklessPcp,
  mempool,
  'nolock-alloc': nolockAlloc,
  'preempt-count': preemptCount,
  'refill-worker': refillWorker,
  upstream,
};

describe('built-in policies', () => {
  it('are the seven of issue 3 and preempt-count (issue 9)', () => {
    expect(files.map((file) => file.slice(0, -3)).sort()).toEqual(Object.keys(modules).sort());
  });

  describe.each(files)('%s', (file) => {
    const name = file.slice(0, -3);
    const text = readFileSync(join(policiesDir, file), 'utf8');
    const policy = modules[name];

    it('is a valid module named after its file', () => {
      const validated = validatePolicyModule(policy, file);
      expect(validated.name).toBe(name);
      for (const param of validated.params) expect(param.description, param.name).not.toBe('');
    });

    it('opens with a comment naming itself and what it models, stays under ~150 lines and imports only the API (and built-ins it extends)', () => {
      expect(text.startsWith(`// ${name} — `)).toBe(true);
      expect(text.split('\n').length).toBeLessThanOrEqual(150);
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      expect(imports[0]).toBe('../src/policy/api.js');
      for (const other of imports.slice(1)) expect(Object.keys(modules).map((builtin) => `./${builtin}.js`)).toContain(other);
    });

    it('keeps no state outside create(): two runs in a row give the same metrics', () => {
      const scenario = () => shortScenario((s) => (s.durationMs = 100));
      expect(fullRun(policy, scenario()).metrics).toEqual(fullRun(policy, scenario()).metrics);
    });
  });
});
