// The error a policy that cannot be loaded or checked gives: one line, exit 2. Apart from
// validate.ts so the loader can throw it without loading the module-shape check.
export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
}
