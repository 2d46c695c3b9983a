// `rcupool check --format json`: one document for scripts. Every row (not only the
// interesting ones), the counts, and the outcome with the exit code it gives.
import type { CheckView } from './check-table.js';

export const CHECK_JSON_VERSION = 1;

export type CheckStatus = 'ok' | 'regressed' | 'error';

export function checkStatus(view: CheckView): CheckStatus {
  if (view.report.incomplete) return 'error';
  return view.report.regressed && !view.updated ? 'regressed' : 'ok';
}

export function renderCheckJson(view: CheckView): string {
  const { report } = view;
  const document = {
    checkVersion: CHECK_JSON_VERSION,
    tool: { name: 'rcupool', version: view.tool },
    baseline: { file: view.baselineFile, toolVersion: view.baselineTool },
    scenario: view.scenario,
    seeds: report.seeds,
    status: checkStatus(view),
    counts: report.counts,
    updated: Boolean(view.updated),
    thresholds: report.thresholds,
    policies: report.policies,
    notes: view.notes,
  };
  return JSON.stringify(document, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}
