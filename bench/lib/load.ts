/**
 * The load generator: autocannon over loopback, with each response's latency kept so the
 * percentiles the targets name (p95, p99) are exact rather than autocannon's fixed set.
 */
import autocannon from 'autocannon'
import type { AutocannonRequest } from 'autocannon'

export interface LoadOptions {
  url: string
  connections: number
  /** Seconds; ignored when `amount` is given. */
  duration?: number
  amount?: number
  /** Called for each request: returns its method, path, headers and body. */
  next: () => AutocannonRequest
  /** Status codes that count as the expected answer; anything else is reported as unexpected. */
  expect: number[]
}

export interface LoadResult {
  requests: number
  seconds: number
  perSecond: number
  p50: number
  p95: number
  p99: number
  max: number
  unexpected: number
  errors: number
  statuses: Record<string, number>
}

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]!
}

export async function runLoad (options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let unexpected = 0
  // Elapsed time is measured here: autocannon's own duration counts whole seconds when the run is
  // an `amount` of requests (7.02 s for anything between 6.02 and 7.02), too coarse for rates.
  const started = performance.now()
  let lastResponseAt = started
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration ?? 10,
    amount: options.amount,
    timeout: 30,
    requests: [{ setupRequest: (request) => ({ ...request, ...options.next() }) }],
  })
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    lastResponseAt = performance.now()
    latencies.push(responseTime)
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    if (!options.expect.includes(statusCode)) unexpected++
  })
  const result = await instance
  latencies.sort((a, b) => a - b)
  const seconds = options.amount === undefined ? result.duration : (lastResponseAt - started) / 1000
  return {
    requests: latencies.length,
    seconds,
    perSecond: seconds > 0 ? latencies.length / seconds : 0,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    unexpected,
    errors: result.errors,
    statuses,
  }
}
