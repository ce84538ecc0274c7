// Min-max normalisation shared by the load scorers: the least loaded candidate scores 1, the most 0.

/** `(max − v) / (max − min)` per value; every candidate scores 1 when all values are equal. */
export function inverseMinMax(values: readonly number[]): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return values.map((value) => (max === min ? 1 : (max - value) / (max - min)));
}
