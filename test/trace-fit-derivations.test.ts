// `trace fit` field by field on a capture written here in the kernel's formats: the CPU count,
// GP lengths and stalls, wake-up latencies per workqueue, pointers per page and other users'
// allocations, each with its evidence; too few samples keep the base preset's numbers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { presetScenario } from '../src/scenario/presets.js';
import { readCapture } from '../src/trace/capture.js';
import { fitScenario } from '../src/trace/fit.js';

const folder = mkdtempSync(join(tmpdir(), 'rcupool-fit-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function line(us: number, cpu: number, task: string, event: string, args: string): [number, string] {
  const ts = `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
  return [us, `${task.padStart(16)}-${100 + cpu} [00${cpu}] ..... ${ts.padStart(12)}: ${event}: ${args}`];
}

/** 4 CPUs, 1 s: 40 GPs of 4–6 ms and one of 300 ms, 40 + 10 work items, 200 other pages, 20 full pages freed. */
function capture(): string {
  const lines: Array<[number, string]> = [];
  const base = 100_000_000;
  for (let gp = 0; gp < 41; gp++) {
    const start = base + gp * 20_000;
    const lengthUs = gp === 40 ? 300_000 : 4_000 + (gp % 5) * 500;
    lines.push(line(start, 0, 'rcu_preempt', 'rcu_grace_period', `rcu_preempt ${gp * 4 + 1} start`));
    lines.push(line(start + lengthUs, 0, 'rcu_preempt', 'rcu_grace_period', `rcu_preempt ${gp * 4 + 1} end`));
  }
  for (let work = 0; work < 50; work++) {
    const queue = work < 40 ? 'events' : 'events_highpri';
    const wakeUs = queue === 'events' ? 40 + work * 2 : 30;
    const at = base + work * 15_000 + 7;
    const pointer = (0xffff888000000000n + BigInt(work) * 64n).toString(16);
    lines.push(line(at, 1, 'kvfree-caller', 'workqueue_queue_work', `work struct=${pointer} function=kfree_rcu_work workqueue=${queue} req_cpu=1 cpu=1`));
    lines.push(line(at + wakeUs, 1, 'kworker/1:1', 'workqueue_execute_start', `work struct ${pointer}: function kfree_rcu_work`));
  }
  for (let page = 0; page < 200; page++) {
    const at = base + page * 4_000 + 3;
    const gfp = page % 4 === 0 ? 'GFP_ATOMIC|__GFP_NOWARN' : 'GFP_KERNEL';
    lines.push(line(at, page % 4, 'app', 'mm_page_alloc', `page=ffffea0000${page} pfn=0x${(0x5000 + page).toString(16)} order=0 migratetype=1 gfp_flags=${gfp}`));
    lines.push(line(at + 10_000, page % 4, 'app', 'mm_page_free', `page=ffffea0000${page} pfn=0x${(0x5000 + page).toString(16)} order=0`));
  }
  for (let page = 0; page < 20; page++) {
    lines.push(line(base + page * 50_000 + 11, page % 4, 'kworker/0:1', 'rcu_invoke_kfree_bulk_callback', `rcu_preempt bulk=0x${(0x1000 + page).toString(16).padStart(16, '0')} nr_records=510`));
  }
  lines.sort((a, b) => a[0] - b[0]);
  return ['# tracer: nop', '#', '# entries-in-buffer/entries-written: 0/0   #P:4', '#', ...lines.map(([, text]) => text)].join('\n') + '\n';
}

describe('trace fit, field by field', async () => {
  const file = join(folder, 'capture.txt');
  writeFileSync(file, capture());
  const base = presetScenario('default');
  const fit = fitScenario(await readCapture(file), base, 'default');
  const s = fit.scenario;

  it('CPUs from the header', () => {
    expect(s.machine.cpus).toBe(4);
    expect(fit.evidence.get('machine.cpus')).toMatch(/#P:4/);
  });

  it('GP median and p99 without the stall; the stall as probability and length', () => {
    expect(s.timing.gp.medianMs).toBeCloseTo(5, 1);
    expect(s.timing.gp.p99Ms).toBeGreaterThan(5.5);
    expect(s.timing.gp.p99Ms).toBeLessThanOrEqual(6.05);
    expect(s.timing.gp.stallProbability).toBeCloseTo(1 / 41, 4);
    expect(s.timing.gp.stallMinMs).toBeCloseTo(300, 6);
    expect(s.timing.gp.stallMaxMs).toBeCloseTo(300, 6);
    expect(fit.evidence.get('timing.gp.stallProbability')).toBe('1 of 41 GPs took over 200 ms');
  });

  it('wake-up latency on events; too few events_highpri pairs keep the preset\'s', () => {
    expect(s.timing.workqueues.normal.medianUs).toBeGreaterThan(70);
    expect(s.timing.workqueues.normal.medianUs).toBeLessThan(90);
    expect(s.timing.workqueues.normal.maxUs).toBeCloseTo(118, 0);
    expect(s.timing.workqueues.highpri).toEqual(base.timing.workqueues.highpri);
    expect(fit.kept).toContain('timing.workqueues.highpri');
  });

  it('pointers per page from the fullest page freed', () => {
    expect(s.kernel.ptrsPerPage).toBe(510);
  });

  it('other users\' order-0 allocations: rate per CPU, GFP_ATOMIC share, lifetime', () => {
    expect(s.others.backgroundAtomicShare).toBeCloseTo(0.25, 6);
    expect(s.others.backgroundLifetimeMs).toBeCloseTo(10, 1);
    // 200 allocations over the capture's 1.1 s (first GP start to the stalled GP's end) on 4 CPUs.
    expect(s.others.backgroundAllocsPerSecPerCpu).toBeCloseTo(200 / 1.1 / 4, 0);
    expect(fit.evidence.get('others.backgroundAllocsPerSecPerCpu')).toMatch(/^200 order-0 mm_page_alloc/);
  });
});

describe('trace fit on a capture that shows little', () => {
  it('GPs only, 2 CPUs: calls stay the preset\'s, but its active CPUs shrink to the capture\'s', async () => {
    const base = presetScenario('default');
    const fit = fitScenario(await readCapture('test/fixtures/traces/cut.txt'), base, 'default');
    expect(fit.scenario.machine.cpus).toBe(2);
    expect(fit.scenario.workload.activeCpus).toBe(2);
    expect(fit.scenario.workload.phases).toEqual(base.workload.phases);
    expect(fit.kept).toContain('workload.phases');
    expect(fit.kept).toContain('timing'); // one GP pair is too few for a distribution
  });
});
