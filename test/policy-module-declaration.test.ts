// A policy module's shape is declared once (POLICY_MODULE and PARAM_SPEC in src/policy/api.ts,
// TypeBox): the types are Static<> of it and the loader checks modules against it. These tests
// fail when a field is declared without a check that names it, when the loader's copy drops a
// declared field, or when a length limit in the declaration is not the one the message states.
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { PARAM_SPEC, POLICY_MODULE, type ParamSpec, type PolicyModule } from '../src/policy/module-schema.js';
import { PolicyLoadError, validatePolicyModule } from '../src/policy/validate.js';
import mempool from '../policies/mempool.js';
import upstream from '../policies/upstream.js';

const STRING_PARAM: ParamSpec = { name: 'queue', default: 'highpri', unit: 'queue', description: 'where the work goes', range: ['highpri', 'normal'] };
const NUMBER_PARAM: ParamSpec = { name: 'pages', default: 4, unit: 'pages', description: 'pages kept', range: { min: 0, max: 10 }, integer: true };
const VALID: PolicyModule = { name: 'p', summary: 'a policy', source: 'a message', params: [NUMBER_PARAM, STRING_PARAM], create: () => ({ needPage: () => null, pageEmptied: () => undefined }) };

/** The load error's message ("accepted" when the module loads). */
function refusal(candidate: unknown): string {
  let message = 'accepted';
  try {
    validatePolicyModule(candidate, 'p.ts');
  } catch (error) {
    message = error instanceof PolicyLoadError ? error.message : `not a PolicyLoadError: ${String(error)}`;
  }
  return message;
}

/** A value of the wrong type for every field of these declarations (none is a list of objects). */
const WRONG = { '': 'wrong' } as const;

describe('the policy module declaration', () => {
  it('accepts the built-ins and the typed example as they are', () => {
    for (const module of [mempool, upstream, VALID]) expect(Value.Check(POLICY_MODULE, module)).toBe(true);
  });

  it.each(Object.keys(POLICY_MODULE.properties))('a wrong %s is refused in one line naming that field', (key) => {
    expect(refusal({ ...VALID, [key]: WRONG })).toMatch(new RegExp(`^p\\.ts: ${key} (must|is)`));
  });

  it.each(Object.keys(PARAM_SPEC.properties))('a wrong param %s is refused in one line naming that field', (key) => {
    const message = refusal({ ...VALID, params: [{ ...NUMBER_PARAM, [key]: WRONG }] });
    expect(message).toMatch(key === 'name' ? /^p\.ts: params\[0\]\.name must/ : new RegExp(`^p\\.ts: params "pages"\\.${key} (must|as a list)`));
  });

  it('the loader keeps every declared param field (and only those)', () => {
    const loaded = validatePolicyModule({ ...VALID, params: [{ ...NUMBER_PARAM, extra: 1 }, STRING_PARAM] }, 'p.ts');
    expect(loaded.params).toEqual([NUMBER_PARAM, STRING_PARAM]);
    for (const param of loaded.params) expect(Object.keys(param).every((key) => key in PARAM_SPEC.properties)).toBe(true);
    expect(Object.keys(NUMBER_PARAM).sort()).toEqual(Object.keys(PARAM_SPEC.properties).sort());
  });

  it('each length limit the message states is the declared maxLength', () => {
    const limits = [
      ['summary', POLICY_MODULE.properties.summary.maxLength!, (text: string) => ({ ...VALID, summary: text }), 'summary'],
      ['source', POLICY_MODULE.properties.source.maxLength!, (text: string) => ({ ...VALID, source: text }), 'source'],
      ['unit', PARAM_SPEC.properties.unit.maxLength!, (text: string) => ({ ...VALID, params: [{ ...NUMBER_PARAM, unit: text }] }), 'params "pages".unit'],
      ['description', PARAM_SPEC.properties.description.maxLength!, (text: string) => ({ ...VALID, params: [{ ...NUMBER_PARAM, description: text }] }), 'params "pages".description'],
      ['a string default', 200, (text: string) => ({ ...VALID, params: [{ ...STRING_PARAM, default: text, range: undefined }] }), 'params "queue".default'],
      ['a range entry', 200, (text: string) => ({ ...VALID, params: [{ ...STRING_PARAM, range: ['highpri', text] }] }), 'params "queue".range entry'],
    ] as const;
    for (const [_what, limit, candidate, field] of limits) {
      expect(refusal(candidate('x'.repeat(limit + 1)))).toBe(`p.ts: ${field} is ${limit + 1} characters long; at most ${limit}`);
      expect(refusal(candidate('x'.repeat(limit)))).not.toMatch(/characters long/);
    }
  });

  it('rules between fields are still checked after the shape', () => {
    expect(refusal({ ...VALID, params: [{ ...NUMBER_PARAM, default: 11 }] })).toBe('p.ts: params "pages".default 11 is outside its range 0..10');
    expect(refusal({ ...VALID, params: [{ ...STRING_PARAM, default: 'idle' }] })).toBe('p.ts: params "queue".default "idle" is not one of its range ["highpri","normal"]');
    expect(refusal({ ...VALID, params: [{ ...NUMBER_PARAM, default: 1.5 }] })).toBe('p.ts: params "pages".default 1.5 must be a whole number (integer: true)');
    expect(refusal({ ...VALID, params: [NUMBER_PARAM, NUMBER_PARAM] })).toBe('p.ts: params "pages" is declared twice');
  });
});
