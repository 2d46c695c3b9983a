// Machine presets and the allocator formulas behind them (docs/model.md §3, §5).
import type { MachineSpec } from './types.js';

export const PAGE_KIB = 4;

/** min_free_kbytes = int_sqrt(16 × lowmem KiB), clamped to [128, 262144] (mm/page_alloc.c). */
export function defaultMinFreeKbytes(managedPages: number): number {
  const kbytes = Math.floor(Math.sqrt(16 * managedPages * PAGE_KIB));
  return Math.min(262144, Math.max(128, kbytes));
}

/** zone_batchsize(): managed/1024 capped at 1 MiB of pages, /4, then rounded to 2^n - 1. */
export function defaultPcpBatch(managedPages: number): number {
  let batch = Math.min(Math.floor(managedPages / 1024), 256);
  batch = Math.floor(batch / 4);
  if (batch < 1) batch = 1;
  const rounded = 2 ** Math.floor(Math.log2(batch + Math.floor(batch / 2)));
  return Math.max(1, rounded - 1);
}

export interface Watermarks {
  minPages: number;
  lowPages: number;
  highPages: number;
}

/** __setup_per_zone_wmarks(): gap = max(MIN/4, managed × watermark_scale_factor / 10000). */
export function watermarks(machine: Pick<MachineSpec, 'managedPages' | 'minFreeKbytes' | 'watermarkScaleFactor'>): Watermarks {
  const minPages = Math.floor(machine.minFreeKbytes / PAGE_KIB);
  const gap = Math.max(Math.floor(minPages / 4), Math.floor((machine.managedPages * machine.watermarkScaleFactor) / 10000));
  return { minPages, lowPages: minPages + gap, highPages: minPages + 2 * gap };
}

/** v5.14+ pcp->high: about WMARK_LOW / cpus, at least 4 × batch. */
export function defaultPcpHigh(managedPages: number, minFreeKbytes: number, watermarkScaleFactor: number, cpus: number, batch: number): number {
  const { lowPages } = watermarks({ managedPages, minFreeKbytes, watermarkScaleFactor });
  return Math.max(4 * batch, Math.floor(lowPages / cpus));
}

/** The three machines of docs/model.md §5; PCP high as the table gives it. */
export const MACHINE_PRESETS: Record<'phone' | 'embedded' | 'server', MachineSpec> = {
  phone: {
    preset: 'phone',
    cpus: 8,
    managedPages: 950_000,
    minFreeKbytes: defaultMinFreeKbytes(950_000),
    watermarkScaleFactor: 10,
    pcpBatch: 63,
    pcpHigh: 378,
  },
  embedded: {
    preset: 'embedded',
    cpus: 2,
    managedPages: 120_000,
    minFreeKbytes: defaultMinFreeKbytes(120_000),
    watermarkScaleFactor: 10,
    pcpBatch: 31,
    pcpHigh: 186,
  },
  server: {
    preset: 'server',
    cpus: 64,
    managedPages: 66_000_000,
    // THP's set_recommended_min_free_kbytes() raises the sqrt formula's 64 MiB to ≈ 88 MiB,
    // which gives docs/model.md §5's MIN ≈ 22,500 pages.
    minFreeKbytes: 90_000,
    watermarkScaleFactor: 10,
    pcpBatch: 63,
    pcpHigh: 1_380,
  },
};
