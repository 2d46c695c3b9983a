// `--vary NAME=VALUES`: one axis of a sweep. NAME is `<policy>.<param>` when the first part names
// a policy of the run, else a scenario field path as `--set` takes it (workload.headlessShare,
// machine.preset). VALUES is a list (0,0.1,0.5 or phone,embedded), a linear range a..b:step, or
// a log range a..b:xK (1..1024:x2). Ranges include both ends when the step lands on b.

/** A sweep axis as the user wrote it; targets are resolved later (sweep-plan.ts). */
export interface AxisSpec {
  name: string;
  /** The VALUES part as written. */
  spec: string;
  /** Each value as text, in order: what `--param`/`--set` would be given. */
  texts: string[];
}

/** A bad `--vary`: the message names the flag and what to write instead (exit 2 in the CLI). */
export class GridError extends Error {
  override name = 'GridError';
}

/** Past this many values an axis is almost surely a typo in the step (0..1e6:1). */
export const MAX_AXIS_VALUES = 10_000;

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const RANGE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})(?::(x?)(${NUMBER}))?$`);

/** Decimal noise off (0.30000000000000004 → 0.3): 12 significant digits are more than any step needs. */
function clean(value: number): number {
  return Number(value.toPrecision(12));
}

function rangeValues(flag: string, from: number, to: number, geometric: boolean, step: number): number[] {
  if (from > to) throw new GridError(`${flag}: the range runs from ${from} down to ${to}; write the smaller end first`);
  const values: number[] = [];
  if (geometric) {
    if (!(from > 0)) throw new GridError(`${flag}: a log range (…:x${step}) must start above 0, found ${from}`);
    if (!(step > 1)) throw new GridError(`${flag}: the factor of a log range must be more than 1, found x${step}`);
    for (let value = from; value <= to * (1 + 1e-9); value = clean(value * step)) {
      values.push(clean(value));
      if (values.length > MAX_AXIS_VALUES) break;
    }
  } else {
    if (!(step > 0)) throw new GridError(`${flag}: the step must be more than 0, found ${step}`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_AXIS_VALUES) throw new GridError(`${flag}: ${count} values; at most ${MAX_AXIS_VALUES} per axis (use a larger step or a log range a..b:x2)`);
    for (let index = 0; index < count; index++) values.push(clean(from + index * step));
  }
  if (values.length > MAX_AXIS_VALUES) throw new GridError(`${flag}: more than ${MAX_AXIS_VALUES} values; use a larger factor`);
  return values;
}

/** Parses one `--vary NAME=VALUES`. */
export function parseAxis(text: string): AxisSpec {
  const flag = `--vary ${text}`;
  const equals = text.indexOf('=');
  if (equals <= 0) throw new GridError(`${flag}: expected NAME=VALUES, e.g. --vary mempool.reservePages=0..400:25 or --vary workload.headlessShare=0,0.1,0.5`);
  const name = text.slice(0, equals).trim();
  const spec = text.slice(equals + 1).trim();
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+|\[\d+\])+$/.test(name)) {
    throw new GridError(`${flag}: "${name}" is not <policy>.<param> or a scenario field path such as workload.headlessShare`);
  }
  if (spec === '') throw new GridError(`${flag}: no values; give a list (a,b,c), a range a..b:step or a log range a..b:x2`);
  const range = RANGE.exec(spec);
  if (range) {
    const [, from, to, times, step] = range;
    if (step === undefined) throw new GridError(`${flag}: a range needs a step: ${from}..${to}:STEP (or :x2 for a log range)`);
    const values = rangeValues(flag, Number(from), Number(to), times === 'x', Number(step));
    return { name, spec, texts: values.map(String) };
  }
  if (spec.includes('..')) throw new GridError(`${flag}: expected a range a..b:step or a..b:xK with numbers, found "${spec}"`);
  const texts = spec.split(',').map((value) => value.trim());
  if (texts.some((value) => value === '')) throw new GridError(`${flag}: an empty value in the list "${spec}"`);
  const repeated = texts.find((value, index) => texts.indexOf(value) !== index);
  if (repeated !== undefined) throw new GridError(`${flag}: ${repeated} is listed twice`);
  return { name, spec, texts };
}

/** Every `--vary`, with one axis per name. */
export function parseAxes(values: readonly string[]): AxisSpec[] {
  const axes = values.map(parseAxis);
  const names = axes.map((axis) => axis.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new GridError(`--vary ${twice}: given twice; put every value in one --vary (a list or a range)`);
  return axes;
}

/** Every combination of the axes' value indices, the first axis slowest (like nested loops). */
export function combinations(sizes: readonly number[]): number[][] {
  let result: number[][] = [[]];
  for (const size of sizes) result = result.flatMap((prefix) => Array.from({ length: size }, (_, index) => [...prefix, index]));
  return result;
}
