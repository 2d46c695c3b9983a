// `rcupool trace fit`: a scenario from a capture. Each field the capture shows is set from it
// and carries its evidence as a YAML comment; everything else keeps the --base preset's value
// and is listed, so nobody mistakes a preset's guess for a measurement.
import YAML, { isMap, isScalar, type Document } from 'yaml';
import { scenarioToYaml } from '../scenario/load.js';
import { applyLayer } from '../scenario/validate.js';
import type { LatencySpec, RatePhase, Scenario } from '../scenario/types.js';
import { BIN_US, STALL_MS, type TraceAnalysis } from './analysis.js';
import type { Capture } from './capture.js';

/** Fewer samples than this and a distribution keeps the preset's numbers. */
export const MIN_SAMPLES = 20;
/** Adjacent rate windows within this share of the phase's mean rate join one constant phase. */
const MERGE_TOLERANCE = 0.1;
/** Rate windows per capture, about; each at least 100 ms and at most 10 s. */
const TARGET_WINDOWS = 20;

export interface FitResult {
  scenario: Scenario;
  /** Dotted path → evidence, for the comments. */
  evidence: Map<string, string>;
  /** Paths that keep the base preset's values. */
  kept: string[];
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${Number(value.toPrecision(3))} ms`;
const us = (value: number) => `${Number(value.toPrecision(3))} µs`;

function round(value: number, digits = 4): number {
  return Number(value.toPrecision(digits));
}

interface RateEvidence {
  kind: 'calls' | 'frees';
  bins: { values: Float64Array; length: number };
  cpus: number;
  source: string;
  /** Bins to move the series back by (frees come a GP and a wake-up after their calls). */
  shiftBins: number;
  /** Objects per CPU a rate window should hold at least. */
  minObjectsPerCpu: number;
  /** A trailing group of frees smaller than this (a page per CPU) after a quiet second is the last partial pages. */
  lastPagesObjects: number;
}

function rateEvidence(analysis: TraceAnalysis, shiftUs: number): RateEvidence | null {
  // rcu_kvfree_callback is the call itself, but kernels that batch kvfree_rcu() into pointer
  // pages do not trace it per call: use it only when it accounts for every object freed.
  if (analysis.calls > 0 && analysis.calls >= analysis.objectsFreed) {
    return { kind: 'calls', bins: analysis.callBins, cpus: analysis.cpusCalling.size, source: `${count(analysis.calls)} rcu_kvfree_callback calls`, shiftBins: 0, minObjectsPerCpu: 100, lastPagesObjects: 0 };
  }
  if (analysis.objectsFreed === 0) return null;
  const parts = [`${count(analysis.bulkRecords)} records in ${count(analysis.bulkPages)} rcu_invoke_kfree_bulk_callback page frees`];
  if (analysis.rcuHeadObjects > 0) parts.push(`${count(analysis.rcuHeadObjects)} rcu_invoke_kvfree_callback objects`);
  if (analysis.inlineSyncObjects > 0) parts.push(`${count(analysis.inlineSyncObjects)} kfree() from kvfree_call_rcu`);
  const pageObjects = Math.max(1, analysis.recordsHistogram.max);
  return {
    kind: 'frees',
    bins: analysis.freedBins,
    cpus: analysis.cpusFreeing.size,
    source: `objects freed (${parts.join(', ')})`,
    shiftBins: Math.round(shiftUs / BIN_US),
    minObjectsPerCpu: 8 * pageObjects,
    lastPagesObjects: pageObjects * analysis.cpusFreeing.size,
  };
}

/** Bins per 100 ms: the resolution of the tail trim. */
const TRIM_BINS = 100_000 / BIN_US;

/**
 * The last partly filled pages are freed a drain delay (5 s since v6.0) after the calls stopped,
 * and a capture may run on after the workload. Cut the series (in 100 ms steps) (1) before a
 * last group of frees that follows at least 1 s without any and holds less than a page per
 * active CPU: those pages; (2) after the last 100 ms holding at least 10 % of the typical
 * (median non-empty) 100 ms. Returns the bins kept.
 */
function trimTail(series: number[], lastPagesObjects: number): number {
  const sums: number[] = [];
  for (let start = 0; start < series.length; start += TRIM_BINS) sums.push(series.slice(start, start + TRIM_BINS).reduce((a, b) => a + b, 0));
  let last = sums.length - 1;
  while (last > 0 && sums[last] === 0) last--;
  let tail = 0;
  let cut = last;
  while (cut > 0 && sums[cut]! > 0) tail += sums[cut--]!;
  let gap = 0;
  while (cut - gap >= 0 && sums[cut - gap] === 0) gap++;
  if (gap >= 10 && cut - gap >= 0 && tail < lastPagesObjects) last = cut - gap;
  const nonEmpty = sums.slice(0, last + 1).filter((sum) => sum > 0).sort((a, b) => a - b);
  const typical = nonEmpty[Math.floor(nonEmpty.length / 2)] ?? 0;
  while (last > 0 && sums[last]! < 0.1 * typical) last--;
  return Math.min(series.length, (last + 1) * TRIM_BINS);
}

/** Constant phases from the rate series: windows of equal length, neighbours within 10 % merged. */
function fitPhases(evidence: RateEvidence): { phases: RatePhase[]; windowMs: number; trimmedMs: number } {
  const { bins, cpus, shiftBins } = evidence;
  const shift = Math.min(shiftBins, bins.length - 1);
  const series = Array.from({ length: bins.length - shift }, (_, index) => bins.values[index + shift]!);
  // Objects freed before the shift point belong to calls in the capture's first bin (or before it).
  if (shift > 0) series[0] += bins.values.slice(0, shift).reduce((a, b) => a + b, 0);
  const keptBins = Math.max(1, trimTail(series, evidence.lastPagesObjects));
  const trimmedMs = ((series.length - keptBins) * BIN_US) / 1000;
  // Frees come a page at a time: a window must hold enough of them per CPU for its rate to mean something.
  let objects = 0;
  for (let index = 0; index < keptBins; index++) objects += series[index] ?? 0;
  const perBin = objects / keptBins;
  const enoughBins = perBin > 0 ? Math.ceil((evidence.minObjectsPerCpu * cpus) / perBin) : 0;
  const wanted = Math.max(TRIM_BINS, Math.round(keptBins / TARGET_WINDOWS), enoughBins);
  const windowBins = Math.min(1_000, Math.ceil(wanted / TRIM_BINS) * TRIM_BINS);
  const windowMs = (windowBins * BIN_US) / 1000;
  const segments: Array<{ ms: number; rate: number; windows: number }> = [];
  for (let start = 0; start < keptBins; start += windowBins) {
    const end = Math.min(keptBins, start + windowBins);
    let inWindow = 0;
    for (let index = start; index < end; index++) inWindow += series[index] ?? 0;
    const widthMs = ((end - start) * BIN_US) / 1000;
    const rate = inWindow / cpus / (widthMs / 1000);
    const open = segments[segments.length - 1];
    if (open && Math.abs(rate - open.rate) <= MERGE_TOLERANCE * Math.max(open.rate, 1e-9)) {
      open.rate = (open.rate * open.ms + rate * widthMs) / (open.ms + widthMs);
      open.ms += widthMs;
      open.windows++;
    } else segments.push({ ms: widthMs, rate, windows: 1 });
  }
  // A lone window between two different rates is where the rate changed: split it between its
  // neighbours where their rates would give its count, to the 10 ms.
  for (let index = 1; index < segments.length - 1; index++) {
    const [before, window, after] = [segments[index - 1]!, segments[index]!, segments[index + 1]!];
    const low = Math.min(before.rate, after.rate);
    const high = Math.max(before.rate, after.rate);
    if (window.windows !== 1 || window.rate < low || window.rate > high || high === low) continue;
    const share = (window.rate - after.rate) / (before.rate - after.rate);
    const beforeMs = Math.round((share * window.ms * 1000) / BIN_US) * (BIN_US / 1000);
    before.ms += beforeMs;
    after.ms += window.ms - beforeMs;
    segments.splice(index, 1);
  }
  const phases: RatePhase[] = segments.map((segment) => ({ kind: 'constant', durationMs: round(segment.ms, 6), callsPerSecPerCpu: round(segment.rate) }));
  return { phases, windowMs, trimmedMs };
}

function latencyFit(samples: { count: number; p50: number; p99: number; max: number } | undefined): LatencySpec | null {
  if (!samples || samples.count < MIN_SAMPLES) return null;
  const spec = { medianUs: round(samples.p50), p99Us: round(samples.p99), maxUs: round(samples.max) };
  return spec.medianUs > 0 && spec.medianUs < spec.p99Us && spec.p99Us <= spec.maxUs ? spec : null;
}

export function fitScenario(capture: Capture, base: Scenario, baseName: string): FitResult {
  const { analysis, stats, read } = capture;
  const s: Scenario = structuredClone(base);
  const evidence = new Map<string, string>();
  const fileName = capture.file.split('/').pop() ?? capture.file;
  s.name = `fitted-${fileName.replace(/\.[^.]*$/, '')}`;
  s.description = `Fitted by rcupool trace fit from ${fileName} (${count(read.lines)} lines, ${Number((analysis.spanUs / 1e6).toPrecision(4))} s of events), other fields from preset "${baseName}".`;
  s.claim = '';
  s.events = [];

  const declared = read.header.cpus;
  const seen = stats.cpus.seen;
  if (declared !== undefined || seen > 0) {
    s.machine.cpus = Math.max(declared ?? 0, seen);
    evidence.set('machine.cpus', declared !== undefined ? `from the header (${read.header.style === 'trace-cmd' ? `cpus=${declared}` : `#P:${declared}`}); events seen on ${seen} CPUs` : `events seen on CPUs 0–${seen - 1}`);
  }

  // Grace periods: lengths of start/end pairs; stalls apart.
  const gp = stats.gracePeriodsMs;
  const normal = analysis.gpNormalMs;
  if (normal.count >= MIN_SAMPLES && normal.quantile(0.99) > normal.quantile(0.5)) {
    s.timing.gp.medianMs = round(normal.quantile(0.5));
    s.timing.gp.p99Ms = round(normal.quantile(0.99));
    const pairs = `from ${count(gp.count)} rcu_grace_period start/end pairs`;
    evidence.set('timing.gp.medianMs', `${pairs} (${count(analysis.gpStalls)} over ${STALL_MS} ms left out)`);
    evidence.set('timing.gp.p99Ms', pairs);
    s.timing.gp.stallProbability = round(analysis.gpStalls / gp.count);
    evidence.set('timing.gp.stallProbability', `${count(analysis.gpStalls)} of ${count(gp.count)} GPs took over ${STALL_MS} ms`);
    if (analysis.gpStalls > 0) {
      s.timing.gp.stallMinMs = round(analysis.gpStallMinMs);
      s.timing.gp.stallMaxMs = round(Math.max(analysis.gpStallMaxMs, analysis.gpStallMinMs));
      evidence.set('timing.gp.stallMinMs', `shortest of the ${count(analysis.gpStalls)} stalled GPs`);
      evidence.set('timing.gp.stallMaxMs', `longest of the ${count(analysis.gpStalls)} stalled GPs`);
    }
  }

  // Worker wake-up: workqueue_queue_work → workqueue_execute_start, per workqueue.
  for (const [queue, name] of [['normal', 'events'], ['highpri', 'events_highpri']] as const) {
    const fitted = latencyFit(stats.wakeUpUs[name]);
    if (!fitted) continue;
    s.timing.workqueues[queue] = fitted;
    evidence.set(`timing.workqueues.${queue}`, `from ${count(stats.wakeUpUs[name]!.count)} workqueue_queue_work → workqueue_execute_start pairs on workqueue ${name}: median ${us(fitted.medianUs)}, p99 ${us(fitted.p99Us)}, max ${us(fitted.maxUs)}`);
  }

  // Pointers per page: the fullest bulk free shows the kernel's page capacity.
  const fullest = stats.pageFill.max;
  if (fullest === 507 || fullest === 510) {
    s.kernel.ptrsPerPage = fullest;
    evidence.set('kernel.ptrsPerPage', `the fullest of ${count(stats.pageFill.pages)} pointer pages freed held ${fullest} records (${fullest === 507 ? 'v6.3+' : 'up to v6.1'})`);
  }

  // Call rates over time.
  const gpMedianUs = normal.count > 0 ? normal.quantile(0.5) * 1000 : 0;
  const wakeMedianUs = stats.wakeUpUs['events']?.p50 ?? 0;
  const rates = rateEvidence(analysis, gpMedianUs + wakeMedianUs);
  if (rates && rates.cpus > 0) {
    const { phases, windowMs, trimmedMs } = fitPhases(rates);
    s.workload.activeCpus = Math.min(rates.cpus, s.machine.cpus);
    s.workload.phases = phases;
    s.durationMs = phases.reduce((sum, phase) => sum + phase.durationMs, 0);
    evidence.set('workload.activeCpus', `CPUs with ${rates.kind === 'frees' ? 'objects freed' : 'calls'}: ${rates.cpus}`);
    const shift = rates.shiftBins > 0 ? `, moved back ${ms((rates.shiftBins * BIN_US) / 1000)} (median GP + wake-up) from free to call time` : '';
    evidence.set('workload.phases', `${rates.source} per ${ms(windowMs)} window and active CPU${shift}; windows within ${MERGE_TOLERANCE * 100} % merged into ${phases.length} phase${phases.length === 1 ? '' : 's'}`);
    evidence.set('durationMs', `the phases' total${trimmedMs > 0 ? `; the last ${ms(trimmedMs)} of the capture held only the last partial pages (freed a drain delay after the calls) or under 10 % of the typical rate per 100 ms, and is left out` : ''}`);
  }

  if (!evidence.has('workload.activeCpus') && s.workload.activeCpus > s.machine.cpus) {
    s.workload.activeCpus = s.machine.cpus;
    evidence.set('workload.activeCpus', `the capture's ${s.machine.cpus} CPUs (the preset's ${base.workload.activeCpus} do not fit)`);
  }

  // Other users' allocations: order-0 mm_page_alloc without kvfree_rcu's GFP flags.
  const pages = stats.pages;
  const spanS = analysis.spanUs / 1e6;
  if (pages.otherAllocs >= 100 && spanS > 0) {
    s.others.backgroundAllocsPerSecPerCpu = round(pages.otherAllocs / spanS / s.machine.cpus);
    s.others.backgroundAtomicShare = round(pages.otherAtomicAllocs / pages.otherAllocs);
    evidence.set('others.backgroundAllocsPerSecPerCpu', `${count(pages.otherAllocs)} order-0 mm_page_alloc (not kvfree_rcu's GFP flags) in ${Number(spanS.toPrecision(3))} s on ${s.machine.cpus} CPUs`);
    evidence.set('others.backgroundAtomicShare', `${count(pages.otherAtomicAllocs)} of them GFP_ATOMIC`);
    if (pages.otherFrees >= 100) {
      s.others.backgroundLifetimeMs = round(pages.otherLifetimeMs.p50);
      evidence.set('others.backgroundLifetimeMs', `median of ${count(pages.otherFrees)} mm_page_alloc → mm_page_free pairs (same pfn)`);
    }
  }

  // The same checks as a scenario file gets: what fit writes must load.
  const scenario = applyLayer(base, { input: s, where: () => 'trace fit' });
  return { scenario, evidence, kept: keptPaths(scenario, evidence) };
}

/** Paths with no evidence at or under them, as coarse as possible ("killers", "timing.kswapd"). */
function keptPaths(scenario: Scenario, evidence: Map<string, string>): string[] {
  const kept: string[] = [];
  const derivedUnder = (path: string) => [...evidence.keys()].some((key) => key === path || key.startsWith(`${path}.`));
  const walk = (value: unknown, path: string) => {
    if (!derivedUnder(path)) {
      kept.push(path);
      return;
    }
    if (evidence.has(path) || value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) walk(child, `${path}.${key}`);
  };
  for (const [key, value] of Object.entries(scenario)) {
    if (key === 'name' || key === 'description' || key === 'claim' || key === 'events') continue;
    walk(value, key);
  }
  return kept;
}

function commentAt(doc: Document, path: string, text: string): void {
  const keys = path.split('.');
  const parent = keys.length === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true);
  if (!isMap(parent)) return;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === keys[keys.length - 1]);
  if (!pair) return;
  if (isScalar(pair.value)) pair.value.comment = ` ${text}`;
  else if (isScalar(pair.key)) pair.key.commentBefore = ` ${text}`;
}

/** The fitted scenario as a loadable YAML file, each derived field commented with its evidence. */
export function fitYaml(fit: FitResult, baseName: string): string {
  const doc = YAML.parseDocument(scenarioToYaml(fit.scenario));
  for (const [path, text] of fit.evidence) commentAt(doc, path, text);
  doc.commentBefore =
    ` rcupool scenario "${fit.scenario.name}", fitted from a trace: commented fields come from the capture,\n` +
    ` every other field is preset "${baseName}"'s. Load it with --scenario <file>.`;
  return doc.toString({ lineWidth: 0 });
}
