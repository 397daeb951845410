/**
 * The widget's only way to build DOM: elements, attributes and text nodes. There is no innerHTML anywhere, so
 * text from the bot or an announcement can never become markup.
 */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) el.setAttribute(name, '');
    else if (typeof value === 'string') el.setAttribute(name, value);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child) parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Element.replaceChildren, which Chrome before 86 lacks. */
export function replaceChildren(parent: Node, ...children: Child[]): void {
  parent.textContent = '';
  append(parent, ...children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A decorative 24×24 icon from one path. */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', path);
  svg.appendChild(p);
  return svg;
}
