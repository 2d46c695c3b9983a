// What `run --trace-out` writes is the kernel's own text: the trace file header Perfetto
// recognises ("# tracer", GuessTraceType() in Perfetto's trace processor), every event line in
// the shape Perfetto's systrace tokenizer matches, each event's fields as its TP_printk prints
// them, lines in time order.
import { describe, expect, it } from 'vitest';
import { parseTraceLine } from '../src/trace/line.js';
import { traceRun } from '../src/trace/record.js';
import { defaultParams, nullPolicy, quietScenario, upstream } from './helpers/model-harness.js';

/** Perfetto's line regex (src/trace_processor/importers/systrace/systrace_line_tokenizer.cc). */
const PERFETTO_LINE = /-(\d+)\s+\(?\s*(\d+|-+)?\)?\s?\[(\d+)\]\s*([a-zA-Z.]{3}[0-9a-f.]{1,2}\s*)?(\d+\.\d+):\s+(\S+):/;

/** Each event's TP_printk, as a pattern (include/trace/events/{rcu,workqueue,kmem}.h). */
const FORMATS: Record<string, RegExp> = {
  rcu_grace_period: /^rcu_preempt \d+ (start|end)$/,
  rcu_kvfree_callback: /^rcu_preempt rhp=[0-9a-f]{16} func=\d+ -?\d+$/,
  rcu_invoke_kvfree_callback: /^rcu_preempt rhp=[0-9a-f]{16} func=\d+$/,
  rcu_invoke_kfree_bulk_callback: /^rcu_preempt bulk=0x[0-9a-f]{16} nr_records=\d+$/,
  workqueue_queue_work: /^work struct=[0-9a-f]{16} function=\S+ workqueue=(events|events_highpri|mm_percpu_wq) req_cpu=\d+ cpu=\d+$/,
  workqueue_activate_work: /^work struct [0-9a-f]{16}$/,
  workqueue_execute_start: /^work struct [0-9a-f]{16}: function \S+$/,
  mm_page_alloc: /^page=[0-9a-f]+ pfn=0x[0-9a-f]+ order=0 migratetype=0 gfp_flags=[A-Z_|]+$/,
  mm_page_free: /^page=[0-9a-f]+ pfn=0x[0-9a-f]+ order=0$/,
  kfree: /^call_site=kvfree_call_rcu\+0x[0-9a-f]+\/0x[0-9a-f]+ ptr=[0-9a-f]{16}$/,
};

function written(policy = upstream) {
  const scenario = quietScenario();
  const traced = traceRun({ scenario, policy, params: defaultParams(policy), seed: 1, everyCall: false });
  return traced.writer.text(traced.header).split('\n').slice(0, -1);
}

describe('the trace rcupool writes', () => {
  for (const policy of [upstream, nullPolicy]) {
    it(`is kernel trace-file text, line for line (${policy.name})`, () => {
      const lines = written(policy);
      expect(lines[0]).toBe('# tracer: nop');
      const events = lines.filter((line) => !line.startsWith('#'));
      expect(events.length).toBeGreaterThan(100);
      let lastUs = -1;
      const seen = new Set<string>();
      for (const line of events) {
        expect(line, line).toMatch(PERFETTO_LINE);
        const parsed = parseTraceLine(line)!;
        expect(parsed, line).not.toBeNull();
        expect(FORMATS[parsed.event], `${parsed.event} has a known format`).toBeDefined();
        expect(parsed.args, line).toMatch(FORMATS[parsed.event]!);
        expect(parsed.timeUs).toBeGreaterThanOrEqual(lastUs);
        lastUs = parsed.timeUs;
        seen.add(parsed.event);
      }
      expect(seen.has('rcu_grace_period')).toBe(true);
      expect(seen.has(policy === upstream ? 'rcu_invoke_kfree_bulk_callback' : 'kfree')).toBe(true);
    });
  }

  it('prints GP n as gp_seq n·4 + 1 at its start and its end, as rcu_state.gp_seq reads then', () => {
    const gp = written().filter((line) => line.includes('rcu_grace_period'));
    expect(gp[0]).toMatch(/rcu_preempt 5 start$/);
    expect(gp[1]).toMatch(/rcu_preempt 5 end$/);
    expect(gp[2]).toMatch(/rcu_preempt 9 start$/);
  });
});
