// Reading an HTML report back with parse5 (the WHATWG parser browsers follow), for the tests.
import { parse } from 'parse5';

export interface Element {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: Element[];
  value?: string;
}

export function parseHtml(html: string): Element {
  return parse(html) as unknown as Element;
}

export function* elements(node: Element): Generator<Element> {
  if (node.tagName) yield node;
  for (const child of node.childNodes ?? []) yield* elements(child);
  // <template> content is a fragment of its own.
  const content = (node as { content?: Element }).content;
  if (content) yield* elements(content);
}

export function attr(node: Element, name: string): string | undefined {
  return node.attrs?.find((entry) => entry.name === name)?.value;
}

export function textOf(node: Element): string {
  if (node.nodeName === '#text') return node.value ?? '';
  return (node.childNodes ?? []).map(textOf).join('');
}

/** The figures of a report by id ("chart-metrics-reserve" → the <figure>). */
export function figures(root: Element): Map<string, Element> {
  const found = new Map<string, Element>();
  for (const node of elements(root)) if (node.tagName === 'figure' && attr(node, 'class') === 'chart') found.set(attr(node, 'id') ?? '', node);
  return found;
}

/** The axis titles vega wrote into one SVG (text marks of role axis-title). */
export function axisTitles(svg: Element): string[] {
  const titles: string[] = [];
  for (const node of elements(svg)) {
    if (node.tagName === 'g' && (attr(node, 'class') ?? '').split(' ').includes('role-axis-title')) {
      for (const text of elements(node)) if (text.tagName === 'text') titles.push(textOf(text).trim());
    }
  }
  return titles.filter(Boolean);
}
