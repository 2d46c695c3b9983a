// What `import ... from 'rcupool'` gives a policy author: the policy API, its types and helpers.
export * from './policy/api.js';
export { PARAM_SPEC, PARAM_VALUE, POLICY_MODULE } from './policy/module-schema.js';
