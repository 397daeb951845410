/** Money as Vietnamese readers write it: 1.500.000 (dots for thousands), 5,4 triệu (comma for decimals). */
const WHOLE = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const MILLIONS = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

/** "1.500.000" */
export function formatDong(amount: number): string {
  return WHOLE.format(Math.round(amount));
}

/** "5,4" (millions, for short button titles) */
export function formatMillions(amount: number): string {
  return MILLIONS.format(amount / 1_000_000);
}
