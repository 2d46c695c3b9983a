// Vega-Lite spec → static SVG string in Node: vega-lite compiles, vega's headless View renders
// with renderer "none" (no canvas package: SVG needs none). Data is inline, so nothing loads.
// vega and vega-lite are loaded on the first chart: a table or JSON report never needs them,
// and loading them is most of a short command's start-up.
import type { TopLevelSpec } from 'vega-lite';

/**
 * The SVG as an element to put inline in HTML. The xmlns attributes go: the HTML parser puts
 * <svg> in the SVG namespace itself, and the page then names no http(s) URL at all. vega
 * numbers clip paths from a process-wide counter; they are renumbered under `idPrefix` so
 * the same chart gives the same bytes however many were drawn before, and ids stay unique
 * on a page that holds several charts (give each its own prefix).
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix = 'chart'): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none', logLevel: 0 });
  try {
    const svg = (await view.toSVG()).replace(/^<svg xmlns="[^"]*" xmlns:xlink="[^"]*" /, '<svg ');
    const renamed = new Map<string, string>();
    return svg.replace(/\b(clip\d+)\b/g, (id) => {
      if (!renamed.has(id)) renamed.set(id, `${idPrefix}-clip${renamed.size + 1}`);
      return renamed.get(id)!;
    });
  } finally {
    view.finalize();
  }
}

/** The spec as users get it from --vega-specs: with its $schema, so editors and tools know it. */
export function specFileText(spec: TopLevelSpec): string {
  return JSON.stringify({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec }, null, 2) + '\n';
}
