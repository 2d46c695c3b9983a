// Splitting a sweep over machines (`--shard i/n`) and putting it back together (`rcupool merge`).
//
// Every shard plans the whole grid, then keeps its share, so shards agree on point indices
// without talking to each other. Shares are balanced by expected cost: a run's time is close to
// proportional to the kvfree_rcu() calls it simulates (each call is an event; pages, GPs and
// other users scale with them), and the calls follow from the scenario's rate phases. Points go
// largest first to the least-loaded shard (LPT scheduling; ties to the lower shard number), which
// is within 4/3 of the best split and fully deterministic.
import type { RatePhase, Scenario } from '../scenario/types.js';
import type { SweepPointResult, SweepResult } from '../contract/sweep-types.js';

/** Mean calls per second per CPU of one rate phase. */
function meanRate(phase: RatePhase): number {
  switch (phase.kind) {
    case 'constant':
      return phase.callsPerSecPerCpu;
    case 'ramp':
      return (phase.fromCallsPerSecPerCpu + phase.toCallsPerSecPerCpu) / 2;
    case 'burst': {
      const burstShare = phase.periodMs > 0 ? Math.min(1, phase.burstMs / phase.periodMs) : 0;
      return phase.baseCallsPerSecPerCpu + (phase.burstCallsPerSecPerCpu - phase.baseCallsPerSecPerCpu) * burstShare;
    }
  }
}

/** Expected kvfree_rcu() calls of one run of this scenario (+1 so an idle scenario still costs something). */
export function expectedCost(scenario: Scenario): number {
  const perCpu = scenario.workload.phases.reduce((sum, phase) => sum + (meanRate(phase) * phase.durationMs) / 1000, 0);
  return 1 + perCpu * scenario.workload.activeCpus;
}

/** The shard (0..count-1) of each point, given each point's cost. */
export function assignShards(costs: readonly number[], count: number): number[] {
  const order = costs.map((cost, index) => ({ cost, index })).sort((a, b) => b.cost - a.cost || a.index - b.index);
  const load = new Array<number>(count).fill(0);
  const shardOf = new Array<number>(costs.length);
  for (const { cost, index } of order) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++) if (load[shard]! < load[lightest]!) lightest = shard;
    shardOf[index] = lightest;
    load[lightest]! += cost;
  }
  return shardOf;
}

/** `--shard i/n`: 0 ≤ i < n. */
export function parseShard(text: string): { index: number; count: number } | string {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return `--shard ${text}: expected i/n with 0 ≤ i < n, e.g. --shard 0/4 (i counts from 0, like JOB_COMPLETION_INDEX)`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) return `--shard ${text}: n must be at least 1`;
  if (index >= count) return `--shard ${text}: i must be below n (shards are numbered 0..${count - 1})`;
  return { index, count };
}

/** Shards that cannot be merged; the message names the file and the field. */
export class MergeError extends Error {
  override name = 'MergeError';
}

/** The first leaf path where two JSON values differ ("" when equal). */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b) ? undefined : path || '(top level)';
  if (Array.isArray(a) !== Array.isArray(b)) return path || '(top level)';
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const next = Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], next);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The fields every shard of one sweep must share, in the order a mismatch is looked for. */
const CONFIG_FIELDS = ['schemaVersion', 'kind', 'tool', 'seeds', 'vary', 'policies', 'scenario'] as const;

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function valueAtPath(root: unknown, path: string): unknown {
  let node = root;
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) node = (node as Record<string, unknown> | undefined)?.[index ?? key!];
  return node;
}

/**
 * The unsharded sweep from its shards: same configuration everywhere (the first differing field
 * is named), each shard once, every point present once; points back in index order and the
 * shard field dropped, so the document is byte for byte what one unsharded run prints.
 */
export function mergeShards(shards: ReadonlyArray<{ file: string; result: SweepResult }>): SweepResult {
  if (shards.length === 0) throw new MergeError('merge: give the shard files (the --json output of each `sweep --shard i/n` run)');
  const [first, ...rest] = shards;
  for (const { file, result } of shards) {
    if (result.kind !== 'sweep') throw new MergeError(`merge ${file}: field "kind" is ${describeValue(result.kind)}, expected "sweep" (the --json output of \`rcupool sweep --shard i/n\`)`);
    if (result.shard === undefined) throw new MergeError(`merge ${file}: no field "shard": it is a whole sweep already, not the output of \`sweep --shard i/n\``);
  }
  for (const { file, result } of rest) {
    for (const field of CONFIG_FIELDS) {
      const where = firstDifference(first!.result[field], result[field], field);
      if (where !== undefined) {
        throw new MergeError(
          `merge: field "${where}" is ${describeValue(valueAtPath(result, where))} in ${file} but ${describeValue(valueAtPath(first!.result, where))} in ${first!.file}: shards of different sweeps`,
        );
      }
    }
    if (result.shard!.count !== first!.result.shard!.count || result.shard!.totalPoints !== first!.result.shard!.totalPoints) {
      throw new MergeError(`merge: ${file} is shard ${result.shard!.index}/${result.shard!.count} but ${first!.file} is ${first!.result.shard!.index}/${first!.result.shard!.count}; field "shard.count" must agree`);
    }
  }
  const { count, totalPoints } = first!.result.shard!;
  const seen = new Map<number, string>();
  for (const { file, result } of shards) {
    const other = seen.get(result.shard!.index);
    if (other !== undefined) throw new MergeError(`merge: ${file} and ${other} are both shard ${result.shard!.index}/${count}`);
    seen.set(result.shard!.index, file);
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !seen.has(index));
  if (missing.length > 0) throw new MergeError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing (${shards.length} of ${count} given)`);
  const points: SweepPointResult[] = shards.flatMap(({ result }) => result.points).sort((a, b) => a.index - b.index);
  const lost = points.length !== totalPoints || points.some((point, at) => point.index !== at);
  if (lost) throw new MergeError(`merge: the shards hold ${points.length} points with gaps or repeats, expected points 0..${totalPoints - 1} once each (were they edited?)`);
  const { shard: _shard, front: _front, ...whole } = first!.result;
  return { ...whole, points };
}
