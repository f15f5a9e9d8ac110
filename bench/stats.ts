// Small statistics helpers for the benchmark figures.

/** The median of `values` (0 when empty). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The `q` quantile of `values` by the nearest-rank method (0 when empty). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** `v` rounded to one decimal. */
export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
