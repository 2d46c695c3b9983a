// The report formats by name, apart from index.ts so that a command can offer --format without
// loading every exporter (and their packages) before it knows which one it needs.
export const REPORT_FORMATS = ['table', 'json', 'markdown', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type TextFormat = Exclude<ReportFormat, 'html'>;
