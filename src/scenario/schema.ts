// The scenario format, declared once with TypeBox: every field's type, unit, range and meaning.
// From this one declaration come the TypeScript types (Static<>, re-exported by types.ts), the
// checks of files, `--set` and presets (validate.ts), the key order of resolved YAML and its
// comments (yaml-order.ts), `explain`'s field list (schemaRows below) and
// schema/scenario.schema.json (json-schema.ts). TypeBox schemas are JSON Schema, so the standard
// keywords (type, minimum, exclusiveMinimum, maximum, required, additionalProperties, minItems)
// mean what they say and TypeBox's Value.Check applies them; the keywords rcupool adds are
// listed in ScenarioKeywords. The declaration describes a resolved scenario; input-only
// shorthands (machine.memory, timing.load, ...) hang off their object and shorthands.ts expands them.
import { Kind, Type, type Static, type TLiteral, type TObject, type TProperties, type TSchema, type TUnion } from '@sinclair/typebox';

/**
 * How a number is written and shown. Durations accept "250ms"/"30s"; pages and kbytes accept
 * "64MiB"; perSec and count accept "3M"; share accepts "50%".
 */
export type Unit = 'ms' | 'us' | 'ns' | 'pages' | 'kbytes' | 'perSec' | 'share' | 'probability' | 'count' | 'ratio';

/** Names of the expansions in shorthands.ts; an object field names the one that applies to it. */
export type ShorthandName = 'scenario' | 'machine' | 'kernel' | 'timing' | 'loadChange';

/** The keywords rcupool adds to JSON Schema; Value.Check ignores them, json-schema.ts leaves them out. */
export interface ScenarioKeywords {
  /** Numbers: how the value is written and shown. */
  unit?: Unit;
  /** Strings: shown in errors (YAML reads an unquoted 6.10 as the number 6.1, so say how it should look). */
  example?: string;
  /** Objects: input-only keys (never in a resolved scenario), expanded by `shorthandHandler`. */
  shorthands?: Record<string, TSchema>;
  shorthandHandler?: ShorthandName;
  /** Objects: groups of fields whose values must not decrease in the order listed (median ≤ p99 ≤ max). */
  ascending?: ReadonlyArray<readonly string[]>;
  /** Objects: fields that are shares of one whole and must add up to 1. */
  sumToOne?: readonly string[];
}

/** A field of the declaration with rcupool's keywords readable. */
export type Field = TSchema & ScenarioKeywords;

// ---- builders ----

type Range = { above?: number; min?: number; max?: number };

function range({ above, min, max }: Range): Record<string, number> {
  return {
    ...(min === undefined ? {} : { minimum: min }),
    ...(above === undefined ? {} : { exclusiveMinimum: above }),
    ...(max === undefined ? {} : { maximum: max }),
  };
}

function object<P extends TProperties>(description: string, properties: P, options: Omit<ScenarioKeywords, 'unit' | 'example'> = {}): TObject<P> {
  return Type.Object(properties, { description, additionalProperties: false, ...options });
}

/** One shape of a list item whose `kind` picks the shape (rate phases, timed events). */
function shape<K extends string, P extends TProperties>(kind: K, description: string, properties: P) {
  return Type.Object({ kind: Type.Literal(kind, { description }), ...properties }, { description, additionalProperties: false });
}

function ms(description: string, limits: Range = { min: 0 }) {
  return Type.Number({ unit: 'ms', description, ...range(limits) });
}
function us(description: string, limits: Range = { min: 0 }) {
  return Type.Number({ unit: 'us', description, ...range(limits) });
}
function ns(description: string) {
  return Type.Number({ unit: 'ns', description, minimum: 0 });
}
function pages(description: string, min = 0) {
  return Type.Integer({ unit: 'pages', description, minimum: min });
}
function perSec(description: string) {
  return Type.Number({ unit: 'perSec', description, minimum: 0 });
}
function share(description: string) {
  return Type.Number({ unit: 'share', description, minimum: 0, maximum: 1 });
}
function count(description: string, min: number, max?: number) {
  return Type.Integer({ unit: 'count', description, ...range({ min, max }) });
}
function bool(description: string) {
  return Type.Boolean({ description });
}
function text(description: string, example?: string) {
  return Type.String(example === undefined ? { description } : { description, example });
}
function oneOf<const T extends readonly string[]>(description: string, values: T): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map((value) => Type.Literal(value)), { description }) as TUnion<Array<TLiteral<T[number]>>>;
}

// ---- the declaration ----

function latency(what: string) {
  return object(
    `${what} wake-up latency: lognormal from median and p99, cut at max`,
    {
      medianUs: us('median', { above: 0 }),
      p99Us: us('99th percentile', { above: 0 }),
      maxUs: us('hard upper bound', { above: 0 }),
    },
    { ascending: [['medianUs', 'p99Us', 'maxUs']] },
  );
}

const gpField = object(
  'RCU grace-period length: lognormal from median and p99, plus rare stalls',
  {
    medianMs: ms('median grace period', { above: 0 }),
    p99Ms: ms('99th percentile grace period', { above: 0 }),
    stallProbability: Type.Number({ unit: 'probability', description: 'chance that a grace period stalls', minimum: 0, maximum: 1 }),
    stallMinMs: ms('shortest stall'),
    stallMaxMs: ms('longest stall'),
  },
  { ascending: [['medianMs', 'p99Ms'], ['stallMinMs', 'stallMaxMs']] },
);

const workqueuesField = object('worker wake-up latency per workqueue', {
  highpri: latency('high-priority workqueue'),
  normal: latency('normal workqueue'),
  reclaim: latency('WQ_MEM_RECLAIM workqueue'),
});

const loadLevel = oneOf('"idle" or "loaded": the GP and workqueue numbers of docs/model.md §4 for that load (input only)', ['idle', 'loaded']);

const machineField = object(
  'the machine: a preset, or memory and CPUs from which the allocator numbers follow',
  {
    preset: oneOf('phone, embedded or server (docs/model.md §5) as the starting point; "custom" once any number differs', [
      'phone',
      'embedded',
      'server',
      'custom',
    ]),
    cpus: count('CPUs', 1, 4096),
    managedPages: pages('pages the buddy allocator manages (one zone)', 1),
    // When a file changes the memory size, min_free_kbytes follows it: sqrt(16 × KiB) clamped to
    // [128, 262144] (machines.ts), unless the file gives it too.
    minFreeKbytes: Type.Integer({ unit: 'kbytes', minimum: 1, description: 'min_free_kbytes; WMARK_MIN in KiB' }),
    watermarkScaleFactor: count('watermark_scale_factor (gap between watermarks, in 1/10000 of memory)', 1, 3000),
    pcpBatch: count('PCP batch: pages moved between a PCP list and buddy at once', 1),
    pcpHigh: count('PCP high: a PCP list spills a batch to buddy at this many pages', 1),
  },
  {
    shorthandHandler: 'machine',
    shorthands: {
      memory: pages('total memory (input only): managedPages = 0.93 × this; min_free_kbytes, PCP batch and high follow', 1),
    },
  },
);

const kernelField = object(
  'kernel flavour',
  {
    preemptRt: bool('PREEMPT_RT: zone and PCP locks sleep, so no page allocation from a non-preemptible context; needs preemptCount'),
    preemptCount: bool('CONFIG_PREEMPT_COUNT (selected by PREEMPT, PREEMPT_DYNAMIC, PREEMPT_RT): preemptible() tells whether the caller may be preempted'),
    hz: count('timer frequency (jiffies per second)', 10, 10_000),
    ptrsPerPage: count('pointers per pointer page: 510 up to v6.1, 507 from v6.3', 1, 512),
    drainDelayMs: ms('KFREE_DRAIN_JIFFIES: 20 ms up to v5.19, 5000 ms since v6.0', { above: 0 }),
    floodRearm: bool('v6.0+: re-arm the monitor after 1 jiffy once a page worth of pointers is queued'),
    perPageGpSnapshots: bool('v6.3+: pages whose grace period already passed are freed without a new one'),
    batchCallbackDelayMs: ms('before v6.3 (perPageGpSnapshots false): grace period end to the queue_rcu_work() callback that queues the free work (rcuo kthreads on NOCB CPUs)'),
  },
  {
    shorthandHandler: 'kernel',
    shorthands: {
      version: text('kernel version (input only), e.g. "5.10" or "6.3": sets ptrsPerPage, drainDelayMs, floodRearm, perPageGpSnapshots', '"6.3"'),
    },
  },
);

const ratePhase = Type.Union(
  [
    shape('constant', 'a constant rate', {
      durationMs: ms('phase length', { above: 0 }),
      callsPerSecPerCpu: perSec('calls per second on each active CPU'),
    }),
    shape('ramp', 'a linear ramp between two rates', {
      durationMs: ms('phase length', { above: 0 }),
      fromCallsPerSecPerCpu: perSec('rate at the start of the phase'),
      toCallsPerSecPerCpu: perSec('rate at the end of the phase (linear in between)'),
    }),
    shape('burst', 'bursts of burstMs every periodMs, base rate in between', {
      durationMs: ms('phase length', { above: 0 }),
      baseCallsPerSecPerCpu: perSec('rate between bursts'),
      burstCallsPerSecPerCpu: perSec('rate during a burst'),
      burstMs: ms('length of each burst', { above: 0 }),
      periodMs: ms('time from one burst start to the next', { above: 0 }),
    }),
  ],
  { description: 'one rate phase' },
);

const workloadField = object('the kvfree_rcu() callers', {
  activeCpus: count('CPUs that call kvfree_rcu() (the first N); at most machine.cpus', 1, 4096),
  phases: Type.Array(ratePhase, {
    description: 'per-CPU kvfree_rcu() call rate over time, phases back to back; durations add up to durationMs',
    minItems: 1,
  }),
  headlessShare: share('share of calls that are headless kvfree_rcu_mightsleep(ptr)'),
  context: object(
    'context of two-argument calls (headless calls are always sleepable); shares add up to 1',
    {
      sleepable: share('may sleep'),
      atomic: share('IRQs or preemption off'),
      atomicRaw: share('under a raw spinlock (matters on PREEMPT_RT)'),
    },
    { sumToOne: ['sleepable', 'atomic', 'atomicRaw'] },
  ),
  atomicKinds: object(
    'what the "atomic" two-argument callers are doing (what irqs_disabled() and in_*irq() then say); shares add up to 1',
    {
      preemptOff: share('spin_lock() or preempt_disable(), IRQs on'),
      irqsOff: share('local_irq_save() or spin_lock_irqsave()'),
      softirq: share('in a softirq handler'),
      hardirq: share('in an interrupt handler'),
    },
    { sumToOne: ['preemptOff', 'irqsOff', 'softirq', 'hardirq'] },
  ),
  allocatorLockShare: share('share of calls made while the caller already holds an allocator (zone/PCP) lock'),
  objectBytes: Type.Integer({
    unit: 'count',
    minimum: 8,
    maximum: 1 << 22,
    description: 'bytes of one object handed to kvfree_rcu() (its kmalloc size class), for footprint.*',
  }),
  callers: object('who makes the calls', {
    mode: oneOf(
      "open: calls arrive at the phases' rate whatever happens to them; closed: threadsPerCpu threads call back to back, issue nothing while blocked and lose the CPU time the reclaim work takes (phases ignored)",
      ['open', 'closed'],
    ),
    threadsPerCpu: count('closed callers: threads per active CPU', 1, 1024),
    thinkNs: ns('closed callers: CPU time between two calls of a thread besides the fast path (e.g. the kmalloc())'),
    callsPerThread: count('closed callers: calls each thread makes (0 = until durationMs)', 0),
  }),
});

const anonStep = object('one step', {
  atMs: ms('when the step starts'),
  targetPages: pages('anonymous memory to reach'),
  rampMs: ms('how long the move takes (0 = at once)'),
});

const othersField = object('other users of the page allocator', {
  backgroundAllocsPerSecPerCpu: perSec('order-0 allocations per second on each CPU (slab, skbs, ...) through the PCP lists'),
  backgroundLifetimeMs: ms('how long a background page is held before it is freed', { above: 0 }),
  backgroundAtomicShare: share('share of background allocations that are GFP_ATOMIC (the rest GFP_KERNEL)'),
  anonInitialPages: pages('anonymous memory held at the start'),
  anonSteps: Type.Array(anonStep, { description: 'anonymous memory moves towards each target in turn (atMs not decreasing)' }),
  pageCachePages: pages('reclaimable page cache at the start (kswapd and direct reclaim take from it)'),
  // Every tick visits every CPU: a tick far below a millisecond makes runs crawl for nothing.
  tickMs: ms('how often other users act (allocations, frees, anon moves)', { min: 0.1, max: 1000 }),
});

const timingField = object(
  'latencies and speeds',
  {
    gp: gpField,
    workqueues: workqueuesField,
    hrtimerUs: us('expiry latency of a 0-delay hrtimer'),
    kswapd: object('kswapd', {
      wakeUs: us('wake-up latency'),
      reclaimPagesPerSec: perSec('reclaim speed (page cache)'),
      starvedBelowPages: pages('below this many free pages kswapd has no pages to work with and slows down'),
      starvedSlowdown: Type.Number({ unit: 'ratio', description: 'speed factor while starved (0.1 = ten times slower)', minimum: 0, maximum: 1 }),
      workingPagesPerRound: pages('pages a reclaimer (kswapd chunk, direct-reclaim round) holds while it works, below every watermark (PF_MEMALLOC)'),
    }),
    allocCost: object(
      'page allocation cost',
      {
        pcpHitUs: us('order-0 allocation from the PCP list'),
        refillUs: us('refill of an empty PCP list from buddy (zone lock)'),
        directReclaimMedianMs: ms('one direct-reclaim round: median'),
        directReclaimP99Ms: ms('one direct-reclaim round: 99th percentile'),
        directReclaimMaxMs: ms('one direct-reclaim round: upper bound'),
      },
      { ascending: [['directReclaimMedianMs', 'directReclaimP99Ms', 'directReclaimMaxMs']] },
    ),
    directReclaimPages: pages('pages one direct-reclaim round frees (SWAP_CLUSTER_MAX = 32)', 1),
    kernelRetries: count('rounds without progress a plain GFP_KERNEL allocation retries before the OOM killer', 0, 1000),
    callFastPathNs: ns('cost of a kvfree_rcu() call that finds room in its page'),
    freeCostNs: object('cost of freeing one object after the grace period', {
      bulkPerObject: ns('through kfree_bulk() from a pointer page'),
      rcuHeadPerObject: ns('one by one from the rcu_head list'),
    }),
  },
  { shorthandHandler: 'timing', shorthands: { load: loadLevel } },
);

const loadChangeField = object(
  'new GP and/or workqueue numbers from this time on',
  { workqueues: Type.Optional(workqueuesField), gp: Type.Optional(gpField) },
  { shorthandHandler: 'loadChange', shorthands: { load: loadLevel } },
);

const timedEvent = Type.Union(
  [
    shape('drainAllPages', "drain_all_pages(): every CPU's PCP pages go back to buddy", { atMs: ms('when') }),
    shape('load', "the CPUs' load changes (GP lengths, worker wake-ups)", { atMs: ms('when'), change: loadChangeField }),
    shape('stealSharedReserve', "another subsystem takes pages from the policy's shared reserves", {
      atMs: ms('when'),
      pages: pages('pages taken from every shared reserve of the policy', 1),
      holdMs: ms('how long the thief keeps them'),
    }),
  ],
  { description: 'one event' },
);

const killersField = object('OOM killer and user-space low-memory killer', {
  oomVictimPages: pages("pages an OOM kill frees (from other users' anonymous memory)"),
  oomExitMs: ms("from an OOM kill until the victim's memory is free; no second victim is chosen meanwhile"),
  lmkThresholdPages: pages('low-memory killer acts when free pages stay below this; 0 = off'),
  lmkDelayMs: ms('how long free memory must stay low before the low-memory killer acts'),
  lmkVictimPages: pages('pages a low-memory kill frees'),
});

/** A fully resolved scenario: every number explicit, units in every name (ms in scenarios, µs inside the model). */
export const SCENARIO_SCHEMA = object(
  'a scenario',
  {
    name: text('scenario name'),
    description: text('what the scenario shows'),
    claim: text('the docs/model.md §6 claim it is built to show, if any'),
    durationMs: ms('how long kvfree_rcu() calls arrive; the run then drains', { above: 0, max: 86_400_000 }),
    machine: machineField,
    kernel: kernelField,
    workload: workloadField,
    others: othersField,
    timing: timingField,
    killers: killersField,
    events: Type.Array(timedEvent, { description: 'things that happen at given times' }),
  },
  {
    shorthandHandler: 'scenario',
    shorthands: { extends: text('files only (input only): preset whose values fill every omitted field; "default" when absent, "base" for the bare defaults') },
  },
);

// ---- the types, derived ----

export type Scenario = Static<typeof SCENARIO_SCHEMA>;
export type MachineSpec = Static<typeof machineField>;
export type KernelSpec = Static<typeof kernelField>;
export type WorkloadSpec = Static<typeof workloadField>;
export type OthersSpec = Static<typeof othersField>;
export type TimingSpec = Static<typeof timingField>;
export type KillerSpec = Static<typeof killersField>;
/** One phase of a per-CPU kvfree_rcu() call rate. Phases run back to back. */
export type RatePhase = Static<typeof ratePhase>;
export type LatencySpec = Static<ReturnType<typeof latency>>;
export type AnonStep = Static<typeof anonStep>;
/** Replaces the workqueue wake-up latencies and/or GP durations from an event's time on. */
export type LoadChange = Static<typeof loadChangeField>;
export type TimedEvent = Static<typeof timedEvent>;

// ---- reading the declaration ----

/** What a field is, as the loader, the YAML writer and the JSON Schema writer tell fields apart. */
export type FieldKind = 'number' | 'boolean' | 'string' | 'enum' | 'object' | 'array' | 'variant';

export function fieldKind(field: TSchema): FieldKind {
  switch (field[Kind]) {
    case 'Number':
    case 'Integer':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'String':
      return 'string';
    case 'Object':
      return 'object';
    case 'Array':
      return 'array';
    case 'Union':
      return (field['anyOf'] as TSchema[]).every((member) => member[Kind] === 'Literal') ? 'enum' : 'variant';
    default:
      throw new Error(`src/scenario/schema.ts: a ${String(field[Kind])} field has no place in the scenario format`);
  }
}

export function isInteger(field: TSchema): boolean {
  return field[Kind] === 'Integer';
}

/** An enum field's values, in declaration order. */
export function enumValues(field: TSchema): string[] {
  return (field['anyOf'] as TSchema[]).map((member) => member['const'] as string);
}

/** A variant field's shapes by their `kind`, in declaration order. */
export function variantShapes(field: TSchema): Record<string, TObject> {
  const shapes: Record<string, TObject> = {};
  for (const member of field['anyOf'] as TObject[]) shapes[member.properties['kind']!['const'] as string] = member;
  return shapes;
}

/** An object's fields in declaration order, without a variant shape's `kind`. */
export function fieldsOf(object: TSchema): Record<string, Field> {
  const properties = { ...(object['properties'] as Record<string, Field>) };
  if (properties['kind']?.[Kind] === 'Literal') delete properties['kind'];
  return properties;
}

/** Whether an object field must be given where nothing is inherited (inside list items). */
export function isRequired(object: TSchema, key: string): boolean {
  return ((object['required'] as string[] | undefined) ?? []).includes(key);
}

export function itemsOf(array: TSchema): Field {
  return array['items'] as Field;
}

export function docOf(field: TSchema): string {
  return field['description'] as string;
}

export interface SchemaRow {
  /** Dotted path; list items as `[]`, a variant's fields as `[kind=burst]`. */
  path: string;
  type: string;
  unit: string;
  range: string;
  doc: string;
  /** Input-only shorthand, absent from resolved scenarios. */
  inputOnly: boolean;
}

const UNIT_LABEL: Record<Unit, string> = {
  ms: 'ms',
  us: 'µs',
  ns: 'ns',
  pages: 'pages',
  kbytes: 'KiB',
  perSec: '1/s',
  share: 'share',
  probability: 'probability',
  count: '',
  ratio: 'factor',
};

export function unitLabel(unit: Unit): string {
  return UNIT_LABEL[unit];
}

/** A number field's unit (every number field of the declaration has one). */
export function unitOf(field: Field): Unit {
  if (field.unit === undefined) throw new Error(`src/scenario/schema.ts: the number field "${docOf(field)}" has no unit`);
  return field.unit;
}

/** "≥ 0 ms", "> 0 ms", "0 to 1"; the unit only where it reads naturally after a number. */
export function describeRange(field: Field, withUnit = true): string {
  const unit = unitOf(field);
  const spelled = withUnit && ['ms', 'us', 'ns', 'pages', 'kbytes'].includes(unit) ? ` ${UNIT_LABEL[unit]}` : '';
  const { minimum, exclusiveMinimum, maximum } = field as { minimum?: number; exclusiveMinimum?: number; maximum?: number };
  if (minimum !== undefined && maximum !== undefined) return `${minimum} to ${maximum}${spelled}`;
  if (exclusiveMinimum !== undefined) return `> ${exclusiveMinimum}${spelled}`;
  if (minimum !== undefined) return `≥ ${minimum}${spelled}`;
  return '';
}

function typeName(field: TSchema): string {
  switch (fieldKind(field)) {
    case 'number':
      return isInteger(field) ? 'integer' : 'number';
    case 'enum':
      return enumValues(field)
        .map((value) => JSON.stringify(value))
        .join(' | ');
    case 'variant':
      return `kind: ${Object.keys(variantShapes(field)).join(' | ')}`;
    case 'array':
      return 'list';
    default:
      return field['type'] as string;
  }
}

function collectRows(field: Field, path: string, inputOnly: boolean, rows: SchemaRow[]): void {
  const kind = fieldKind(field);
  rows.push({
    path,
    type: typeName(field),
    unit: kind === 'number' ? UNIT_LABEL[unitOf(field)] : '',
    range: kind === 'number' ? describeRange(field) : '',
    doc: docOf(field),
    inputOnly,
  });
  if (kind === 'object') {
    for (const [key, child] of Object.entries(fieldsOf(field))) collectRows(child, join(path, key), inputOnly, rows);
    for (const [key, child] of Object.entries(field.shorthands ?? {})) collectRows(child, join(path, key), true, rows);
  } else if (kind === 'array') {
    collectRows(itemsOf(field), `${path}[]`, inputOnly, rows);
  } else if (kind === 'variant') {
    for (const [name, variant] of Object.entries(variantShapes(field))) {
      for (const [key, child] of Object.entries(fieldsOf(variant))) collectRows(child, join(`${path}[kind=${name}]`, key), inputOnly, rows);
    }
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** One row per field, depth first in declaration order: for `explain` and the docs. */
export function schemaRows(): SchemaRow[] {
  const rows: SchemaRow[] = [];
  const scenario: Field = SCENARIO_SCHEMA;
  for (const [key, child] of Object.entries(fieldsOf(scenario))) collectRows(child, key, false, rows);
  for (const [key, child] of Object.entries(scenario.shorthands ?? {})) collectRows(child, key, true, rows);
  return rows;
}
