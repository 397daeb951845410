/** The smallest group the dashboard shows as a number. */
export const MIN_GROUP = 5;
export const SMALL = '< 5';

/**
 * A published count: the number itself, "< 5" for a group of 1–4, or "≥ n" for a sum whose parts include a "< 5"
 * (only a lower bound anyone could add up from the parts, so no suppressed part can be recovered by subtraction).
 */
export type Figure = number | typeof SMALL | `≥ ${number}`;

const isSmall = (n: number) => n > 0 && n < MIN_GROUP;

/** A group's count as published: under 5 (but not 0) becomes "< 5". */
export const cell = (n: number): Figure => (isSmall(n) ? SMALL : n);

/**
 * The total of parts that are published themselves. Exact only when every part is; when some part is "< 5" the total
 * is "< 5" if it is small itself, else "≥ n" with n what the published parts guarantee (each "< 5" is at least 1).
 */
export function sumOf(parts: readonly number[]): Figure {
  let total = 0;
  let exact = 0;
  let small = 0;
  for (const n of parts) {
    total += n;
    if (isSmall(n)) small++;
    else exact += n;
  }
  if (small === 0 || total === 0) return total;
  if (total < MIN_GROUP) return SMALL;
  return `≥ ${Math.max(MIN_GROUP, exact + small)}`;
}

export const isExact = (figure: Figure): figure is number => typeof figure === 'number';
