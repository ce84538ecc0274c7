// Percentiles and means over measured samples, as benchmark tools compute them.

/**
 * The p-th percentile (0–100) by linear interpolation between closest ranks (numpy's default, which
 * inference-perf and vLLM's benchmarks use); undefined for no samples.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sorted ascending, as `percentile` wants it. */
export function ascending(values: Iterable<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}
