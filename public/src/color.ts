/** The accent carries white text and is used as text on white, so it must reach WCAG AA (4.5:1) against white. */
export const DEFAULT_ACCENT = '#0b5394';
const MIN_CONTRAST = 4.5;

type Rgb = [number, number, number];

function parseHex(value: string): Rgb | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!m) return null;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio of a colour against white. */
export function contrastWithWhite(rgb: Rgb): number {
  return 1.05 / (luminance(rgb) + 0.05);
}

/** The page's data-color if valid, darkened step by step until white text on it is readable; else the default. */
export function readableAccent(value: string | undefined): string {
  let rgb = parseHex(value ?? '') ?? parseHex(DEFAULT_ACCENT)!;
  while (contrastWithWhite(rgb) < MIN_CONTRAST) rgb = rgb.map((c) => Math.floor(c * 0.9)) as Rgb;
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
