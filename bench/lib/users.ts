/**
 * « N concurrent users » as people use a site: each user has their own keep-alive connection,
 * sends a request, reads the answer, then thinks for a random time (exponential, mean
 * `thinkSeconds`) before the next click. Arrivals are therefore spread out rather than fired
 * back to back (autocannon's closed loop) or in one burst per second (its `connectionRate`,
 * which starts every connection's timer together). Latency is measured from the request's
 * start to the last byte of its answer.
 */
import http from 'node:http'
import { percentile, type LoadResult } from './load.ts'

export interface UsersOptions {
  url: string
  users: number
  thinkSeconds: number
  duration: number
  /** The request of user `index` (path and headers; GET). */
  request: (index: number) => { path: string; headers: Record<string, string> }
  expect: number[]
}

export async function runUsers (options: UsersOptions): Promise<LoadResult> {
  const target = new URL(options.url)
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let unexpected = 0
  let errors = 0
  const started = performance.now()
  const deadline = started + options.duration * 1000
  const think = () => -Math.log(1 - Math.random()) * options.thinkSeconds * 1000
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  async function user (index: number) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    // The first click comes anywhere within one think time: users do not start together.
    await sleep(Math.random() * options.thinkSeconds * 1000)
    while (performance.now() < deadline) {
      const { path, headers } = options.request(index)
      const sent = performance.now()
      try {
        const status = await get(agent, target, path, headers)
        latencies.push(performance.now() - sent)
        statuses[status] = (statuses[status] ?? 0) + 1
        if (!options.expect.includes(status)) unexpected++
      } catch {
        errors++
      }
      await sleep(think())
    }
    agent.destroy()
  }

  await Promise.all(Array.from({ length: options.users }, (_, index) => user(index)))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    unexpected,
    errors,
    statuses,
  }
}

function get (agent: http.Agent, target: URL, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ agent, host: target.hostname, port: target.port, path, headers, timeout: 30_000 }, (response) => {
      response.on('data', () => {})
      response.on('end', () => resolve(response.statusCode ?? 0))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.on('error', reject)
  })
}
