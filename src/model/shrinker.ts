// do_shrink_slab() (mm/vmscan.c; mm/shrinker.c since v6.7): how much a shrinker is asked to
// scan at one reclaim priority. count_objects() runs first; the scan target is
// (freeable >> priority) × 4 / seeks, capped at twice freeable, scanned in batch steps. A small
// cache is therefore not scanned at all at DEF_PRIORITY (12): pressure grows only as one reclaim
// call steps the priority down towards 0 (do_try_to_free_pages(), balance_pgdat()).
// Left out: nr_deferred (work a GFP_NOFS caller could not do, carried to the next call) — every
// reclaimer here is GFP_KERNEL-class, so nothing is ever deferred.

/** DEF_PRIORITY: reclaim starts here and steps towards 0. */
export const DEF_PRIORITY = 12;
/** DEFAULT_SEEKS: the cost of recreating an object, relative to a page-cache page. */
export const DEFAULT_SEEKS = 2;
/** SHRINK_BATCH: objects per scan_objects() call. */
export const SHRINK_BATCH = 128;

export interface ShrinkerCallbacks {
  /** count_objects(): objects that could be freed now; 0 is SHRINK_EMPTY. */
  count(): number;
  /** scan_objects(nr_to_scan): objects freed; 0 stops the scan (SHRINK_STOP). */
  scan(nrToScan: number): number;
  /** True when the last scan changed nothing, so calling it again now would give the same answer. */
  lastScanChangedNothing?(): boolean;
}

/**
 * How many more times `while (total >= batch || total >= freeable) total -= min(batch, total)`
 * runs: whole batches first, then one short step if what is left still reaches freeable.
 */
export function remainingScans(totalScan: number, freeable: number, batch: number): number {
  const whole = Math.floor(totalScan / batch);
  const rest = totalScan - whole * batch;
  return whole + (rest > 0 && rest >= freeable ? 1 : 0);
}

/** One do_shrink_slab() call at `priority`: returns the objects freed. */
export function doShrinkSlab(shrinker: ShrinkerCallbacks, priority: number, seeks = DEFAULT_SEEKS, batch = SHRINK_BATCH): number {
  const freeable = Math.floor(shrinker.count());
  if (!(freeable > 0)) return 0;
  const delta = Math.floor((Math.floor(freeable / 2 ** priority) * 4) / seeks);
  // "Avoid risking looping forever due to too large nr value": never more than twice freeable.
  let totalScan = Math.min(delta, freeable * 2);
  let freed = 0;
  // The kernel also scans when total_scan reaches freeable, so a cache smaller than one batch
  // can still be emptied, at a low enough priority.
  while (totalScan >= batch || totalScan >= freeable) {
    const nrToScan = Math.min(batch, totalScan);
    const got = shrinker.scan(nrToScan);
    if (!(got > 0)) break;
    freed += got;
    totalScan -= nrToScan;
    if (shrinker.lastScanChangedNothing?.()) {
      // The remaining calls of this loop would each say the same: count them without making
      // them (or even stepping through them: under a flood freeable is millions of objects).
      freed += remainingScans(totalScan, freeable, batch) * got;
      break;
    }
  }
  return freed;
}
