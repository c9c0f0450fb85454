/**
 * Answers that must not reveal, by their timing, whether an address has an account (ASVS 6.3.8).
 * The known-address path writes more rows than the unknown one; both answer no sooner than a
 * floor measured in real time (the app clock may be frozen in tests), chosen above the slower
 * path's cost in the rules block.
 */
export async function withMinimumDuration<T> (minimum: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await work()
  } finally {
    const remaining = started + minimum - performance.now()
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(remaining)))
  }
}
