// Every field of a Scenario, declared once: its type, unit, range and meaning. The same tree
// drives file validation, `--set`, the key order of resolved YAML and `explain`'s field list.
// Shorthand keys (machine.memory, timing.load, ...) exist only in input; shorthands.ts expands them.
import type {
  AnonStep,
  KernelSpec,
  KillerSpec,
  LatencySpec,
  LoadChange,
  MachineSpec,
  OthersSpec,
  RatePhase,
  Scenario,
  TimedEvent,
  TimingSpec,
  WorkloadSpec,
} from './types.js';

/**
 * How a number is written and shown. Durations accept "250ms"/"30s"; pages and kbytes accept
 * "64MiB"; perSec and count accept "3M"; share accepts "50%".
 */
export type Unit = 'ms' | 'us' | 'ns' | 'pages' | 'kbytes' | 'perSec' | 'share' | 'probability' | 'count' | 'ratio';

export interface NumberField {
  type: 'number';
  doc: string;
  unit: Unit;
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (durations that must be > 0). */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
}

export interface BooleanField {
  type: 'boolean';
  doc: string;
}

export interface StringField {
  type: 'string';
  doc: string;
  /** Shown in errors: YAML reads an unquoted 6.10 as the number 6.1, so say how it should look. */
  example?: string;
}

export interface EnumField {
  type: 'enum';
  doc: string;
  values: readonly string[];
}

/** Names of the expansions in shorthands.ts; an object field names the one that applies to it. */
export type ShorthandName = 'scenario' | 'machine' | 'kernel' | 'timing' | 'loadChange';

export interface ObjectField {
  type: 'object';
  doc: string;
  fields: Record<string, Field>;
  /** Fields that may be left out even where nothing is inherited (inside list items). */
  optional?: readonly string[];
  /** Input-only keys (never in a resolved scenario), expanded by `shorthandHandler`. */
  shorthands?: Record<string, Field>;
  shorthandHandler?: ShorthandName;
  /** Groups of fields whose values must not decrease in the order listed (median ≤ p99 ≤ max). */
  ascending?: ReadonlyArray<readonly string[]>;
  /** Fields that are shares of one whole and must add up to 1. */
  sumToOne?: readonly string[];
}

export interface ArrayField {
  type: 'array';
  doc: string;
  items: Field;
  minItems?: number;
}

/** A list item whose `kind` picks one of several shapes (rate phases, timed events). */
export interface VariantField {
  type: 'variant';
  doc: string;
  variants: Record<string, ObjectField>;
}

export type Field = NumberField | BooleanField | StringField | EnumField | ObjectField | ArrayField | VariantField;

// ---- builders: the generic parameter makes tsc check that every key of the type is declared ----

type FieldsOf<T> = { [K in keyof T]-?: Field };
type ObjectOptions = Omit<ObjectField, 'type' | 'doc' | 'fields'>;

function object<T>(doc: string, fields: FieldsOf<T>, options: ObjectOptions = {}): ObjectField {
  return { type: 'object', doc, fields, ...options };
}

type VariantFields<U extends { kind: string }> = { [K in U['kind']]: FieldsOf<Omit<Extract<U, { kind: K }>, 'kind'>> };

function variant<U extends { kind: string }>(doc: string, variants: VariantFields<U>, docs: Record<U['kind'], string>): VariantField {
  const shapes: Record<string, ObjectField> = {};
  for (const kind of Object.keys(variants) as Array<U['kind']>) {
    shapes[kind] = { type: 'object', doc: docs[kind], fields: variants[kind] as Record<string, Field> };
  }
  return { type: 'variant', doc, variants: shapes };
}

function ms(doc: string, range: { above?: number; min?: number; max?: number } = { min: 0 }): NumberField {
  return { type: 'number', unit: 'ms', doc, ...range };
}
function us(doc: string, range: { above?: number; min?: number } = { min: 0 }): NumberField {
  return { type: 'number', unit: 'us', doc, ...range };
}
function ns(doc: string): NumberField {
  return { type: 'number', unit: 'ns', doc, min: 0 };
}
function pages(doc: string, min = 0): NumberField {
  return { type: 'number', unit: 'pages', integer: true, doc, min };
}
function perSec(doc: string): NumberField {
  return { type: 'number', unit: 'perSec', doc, min: 0 };
}
function share(doc: string): NumberField {
  return { type: 'number', unit: 'share', doc, min: 0, max: 1 };
}
function count(doc: string, min: number, max?: number): NumberField {
  return { type: 'number', unit: 'count', integer: true, doc, min, ...(max === undefined ? {} : { max }) };
}
function bool(doc: string): BooleanField {
  return { type: 'boolean', doc };
}
function text(doc: string, example?: string): StringField {
  return example === undefined ? { type: 'string', doc } : { type: 'string', doc, example };
}
function oneOf(doc: string, values: readonly string[]): EnumField {
  return { type: 'enum', doc, values };
}

// ---- the tree ----

function latency(what: string): ObjectField {
  return object<LatencySpec>(
    `${what} wake-up latency: lognormal from median and p99, cut at max`,
    {
      medianUs: us('median', { above: 0 }),
      p99Us: us('99th percentile', { above: 0 }),
      maxUs: us('hard upper bound', { above: 0 }),
    },
    { ascending: [['medianUs', 'p99Us', 'maxUs']] },
  );
}

const gpField = object<TimingSpec['gp']>(
  'RCU grace-period length: lognormal from median and p99, plus rare stalls',
  {
    medianMs: ms('median grace period', { above: 0 }),
    p99Ms: ms('99th percentile grace period', { above: 0 }),
    stallProbability: { type: 'number', unit: 'probability', doc: 'chance that a grace period stalls', min: 0, max: 1 },
    stallMinMs: ms('shortest stall'),
    stallMaxMs: ms('longest stall'),
  },
  { ascending: [['medianMs', 'p99Ms'], ['stallMinMs', 'stallMaxMs']] },
);

const workqueuesField = object<TimingSpec['workqueues']>('worker wake-up latency per workqueue', {
  highpri: latency('high-priority workqueue'),
  normal: latency('normal workqueue'),
  reclaim: latency('WQ_MEM_RECLAIM workqueue'),
});

const loadLevel = oneOf('"idle" or "loaded": the GP and workqueue numbers of docs/model.md §4 for that load (input only)', ['idle', 'loaded']);

const machineField = object<MachineSpec>(
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
    minFreeKbytes: { type: 'number', unit: 'kbytes', integer: true, min: 1, doc: 'min_free_kbytes; WMARK_MIN in KiB' },
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

const kernelField = object<KernelSpec>(
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

const phasesField: ArrayField = {
  type: 'array',
  doc: 'per-CPU kvfree_rcu() call rate over time, phases back to back; durations add up to durationMs',
  minItems: 1,
  items: variant<RatePhase>(
    'one rate phase',
    {
      constant: { durationMs: ms('phase length', { above: 0 }), callsPerSecPerCpu: perSec('calls per second on each active CPU') },
      ramp: {
        durationMs: ms('phase length', { above: 0 }),
        fromCallsPerSecPerCpu: perSec('rate at the start of the phase'),
        toCallsPerSecPerCpu: perSec('rate at the end of the phase (linear in between)'),
      },
      burst: {
        durationMs: ms('phase length', { above: 0 }),
        baseCallsPerSecPerCpu: perSec('rate between bursts'),
        burstCallsPerSecPerCpu: perSec('rate during a burst'),
        burstMs: ms('length of each burst', { above: 0 }),
        periodMs: ms('time from one burst start to the next', { above: 0 }),
      },
    },
    { constant: 'a constant rate', ramp: 'a linear ramp between two rates', burst: 'bursts of burstMs every periodMs, base rate in between' },
  ),
};

const workloadField = object<WorkloadSpec>(
  'the kvfree_rcu() callers',
  {
    activeCpus: count('CPUs that call kvfree_rcu() (the first N); at most machine.cpus', 1, 4096),
    phases: phasesField,
    headlessShare: share('share of calls that are headless kvfree_rcu_mightsleep(ptr)'),
    context: object<WorkloadSpec['context']>(
      'context of two-argument calls (headless calls are always sleepable); shares add up to 1',
      {
        sleepable: share('may sleep'),
        atomic: share('IRQs or preemption off'),
        atomicRaw: share('under a raw spinlock (matters on PREEMPT_RT)'),
      },
      { sumToOne: ['sleepable', 'atomic', 'atomicRaw'] },
    ),
    atomicKinds: object<WorkloadSpec['atomicKinds']>(
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
    objectBytes: { type: 'number', unit: 'count', integer: true, min: 8, max: 1 << 22, doc: 'bytes of one object handed to kvfree_rcu() (its kmalloc size class), for footprint.*' },
    callers: object<WorkloadSpec['callers']>('who makes the calls', {
      mode: oneOf('open: calls arrive at the phases\' rate whatever happens to them; closed: threadsPerCpu threads call back to back, issue nothing while blocked and lose the CPU time the reclaim work takes (phases ignored)', ['open', 'closed']),
      threadsPerCpu: count('closed callers: threads per active CPU', 1, 1024),
      thinkNs: ns('closed callers: CPU time between two calls of a thread besides the fast path (e.g. the kmalloc())'),
      callsPerThread: count('closed callers: calls each thread makes (0 = until durationMs)', 0),
    }),
  },
);

const othersField = object<OthersSpec>('other users of the page allocator', {
  backgroundAllocsPerSecPerCpu: perSec('order-0 allocations per second on each CPU (slab, skbs, ...) through the PCP lists'),
  backgroundLifetimeMs: ms('how long a background page is held before it is freed', { above: 0 }),
  backgroundAtomicShare: share('share of background allocations that are GFP_ATOMIC (the rest GFP_KERNEL)'),
  anonInitialPages: pages('anonymous memory held at the start'),
  anonSteps: {
    type: 'array',
    doc: 'anonymous memory moves towards each target in turn (atMs not decreasing)',
    items: object<AnonStep>('one step', {
      atMs: ms('when the step starts'),
      targetPages: pages('anonymous memory to reach'),
      rampMs: ms('how long the move takes (0 = at once)'),
    }),
  },
  pageCachePages: pages('reclaimable page cache at the start (kswapd and direct reclaim take from it)'),
  // Every tick visits every CPU: a tick far below a millisecond makes runs crawl for nothing.
  tickMs: ms('how often other users act (allocations, frees, anon moves)', { min: 0.1, max: 1000 }),
});

const timingField = object<TimingSpec>(
  'latencies and speeds',
  {
    gp: gpField,
    workqueues: workqueuesField,
    hrtimerUs: us('expiry latency of a 0-delay hrtimer'),
    kswapd: object<TimingSpec['kswapd']>('kswapd', {
      wakeUs: us('wake-up latency'),
      reclaimPagesPerSec: perSec('reclaim speed (page cache)'),
      starvedBelowPages: pages('below this many free pages kswapd has no pages to work with and slows down'),
      starvedSlowdown: { type: 'number', unit: 'ratio', doc: 'speed factor while starved (0.1 = ten times slower)', min: 0, max: 1 },
      workingPagesPerRound: pages('pages a reclaimer (kswapd chunk, direct-reclaim round) holds while it works, below every watermark (PF_MEMALLOC)'),
    }),
    allocCost: object<TimingSpec['allocCost']>(
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
    freeCostNs: object<TimingSpec['freeCostNs']>('cost of freeing one object after the grace period', {
      bulkPerObject: ns('through kfree_bulk() from a pointer page'),
      rcuHeadPerObject: ns('one by one from the rcu_head list'),
    }),
  },
  { shorthandHandler: 'timing', shorthands: { load: loadLevel } },
);

const loadChangeField = object<LoadChange>(
  'new GP and/or workqueue numbers from this time on',
  { workqueues: workqueuesField, gp: gpField },
  { optional: ['workqueues', 'gp'], shorthandHandler: 'loadChange', shorthands: { load: loadLevel } },
);

const eventsField: ArrayField = {
  type: 'array',
  doc: 'things that happen at given times',
  items: variant<TimedEvent>(
    'one event',
    {
      drainAllPages: { atMs: ms('when') },
      load: { atMs: ms('when'), change: loadChangeField },
      stealSharedReserve: {
        atMs: ms('when'),
        pages: pages('pages taken from every shared reserve of the policy', 1),
        holdMs: ms('how long the thief keeps them'),
      },
    },
    {
      drainAllPages: 'drain_all_pages(): every CPU\'s PCP pages go back to buddy',
      load: 'the CPUs\' load changes (GP lengths, worker wake-ups)',
      stealSharedReserve: 'another subsystem takes pages from the policy\'s shared reserves',
    },
  ),
};

const killersField = object<KillerSpec>('OOM killer and user-space low-memory killer', {
  oomVictimPages: pages('pages an OOM kill frees (from other users\' anonymous memory)'),
  oomExitMs: ms('from an OOM kill until the victim\'s memory is free; no second victim is chosen meanwhile'),
  lmkThresholdPages: pages('low-memory killer acts when free pages stay below this; 0 = off'),
  lmkDelayMs: ms('how long free memory must stay low before the low-memory killer acts'),
  lmkVictimPages: pages('pages a low-memory kill frees'),
});

export const SCENARIO_SCHEMA: ObjectField = object<Scenario>(
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
    events: eventsField,
  },
  {
    shorthandHandler: 'scenario',
    shorthands: { extends: text('files only (input only): preset whose values fill every omitted field; "default" when absent, "base" for the bare defaults') },
  },
);

// ---- reading the tree ----

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

/** "≥ 0 ms", "> 0 ms", "0 to 1"; the unit only where it reads naturally after a number. */
export function describeRange(field: NumberField, withUnit = true): string {
  const spelled = withUnit && ['ms', 'us', 'ns', 'pages', 'kbytes'].includes(field.unit) ? ` ${UNIT_LABEL[field.unit]}` : '';
  if (field.min !== undefined && field.max !== undefined) return `${field.min} to ${field.max}${spelled}`;
  if (field.above !== undefined) return `> ${field.above}${spelled}`;
  if (field.min !== undefined) return `≥ ${field.min}${spelled}`;
  return '';
}

function typeName(field: Field): string {
  switch (field.type) {
    case 'number':
      return field.integer ? 'integer' : 'number';
    case 'enum':
      return field.values.map((value) => JSON.stringify(value)).join(' | ');
    case 'variant':
      return `kind: ${Object.keys(field.variants).join(' | ')}`;
    case 'array':
      return 'list';
    default:
      return field.type;
  }
}

function collectRows(field: Field, path: string, inputOnly: boolean, rows: SchemaRow[]): void {
  rows.push({
    path,
    type: typeName(field),
    unit: field.type === 'number' ? UNIT_LABEL[field.unit] : '',
    range: field.type === 'number' ? describeRange(field) : '',
    doc: field.doc,
    inputOnly,
  });
  if (field.type === 'object') {
    for (const [key, child] of Object.entries(field.fields)) collectRows(child, join(path, key), inputOnly, rows);
    for (const [key, child] of Object.entries(field.shorthands ?? {})) collectRows(child, join(path, key), true, rows);
  } else if (field.type === 'array') {
    collectRows(field.items, `${path}[]`, inputOnly, rows);
  } else if (field.type === 'variant') {
    for (const [kind, shape] of Object.entries(field.variants)) {
      for (const [key, child] of Object.entries(shape.fields)) collectRows(child, join(`${path}[kind=${kind}]`, key), inputOnly, rows);
    }
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** One row per field, depth first in declaration order: for `explain` and the docs. */
export function schemaRows(): SchemaRow[] {
  const rows: SchemaRow[] = [];
  for (const [key, child] of Object.entries(SCENARIO_SCHEMA.fields)) collectRows(child, key, false, rows);
  for (const [key, child] of Object.entries(SCENARIO_SCHEMA.shorthands ?? {})) collectRows(child, key, true, rows);
  return rows;
}
