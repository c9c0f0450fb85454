/**
 * GET /metrics (Prometheus text format), off unless asked for:
 * - METRICS_TOKEN: on the application's port, for a scraper sending `Authorization: Bearer …`
 *   (401 otherwise). Without it the route does not exist (404, like any unknown page).
 * - METRICS_PORT: on a second listener bound to 127.0.0.1 only, without token, for a scraper or
 *   agent on the same machine; never reachable through the reverse proxy.
 * Every response's duration is observed per route pattern and status in any case (cheap).
 */
import http from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { AppConfig } from '../../config.ts'
import type { Db } from '../db/database.ts'
import { findLastFinishedRun } from '../db/task-lease.ts'
import { collectProcessMetrics, createAppMetrics, isMetricsTokenValid, observeRequest, type AppMetricSources } from './metrics.ts'
import { readOutboxBacklog } from '../mail/outbox.ts'
import { readUnsealedEvents } from '../audit/audit-seal.ts'

export interface MetricsOptions {
  config: AppConfig
  db: Db
  now: () => number
  pool: AppMetricSources['pool']
  /** The scheduler's task name, whose last finished run is exposed. */
  dailyTask: string
}

async function metricsPlugin (app: FastifyInstance, options: MetricsOptions) {
  const { config, db, now } = options
  // Off, nothing can read the metrics: no per-request work on the hot path.
  if (config.metricsToken === undefined && config.metricsPort === undefined) return
  app.addHook('onResponse', async (request, reply) => {
    // routeOptions.url is the pattern the router matched; no match (404) has none.
    observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
  })

  collectProcessMetrics()
  const metrics = createAppMetrics({
    outbox: () => readOutboxBacklog(db, now()),
    unsealedAudit: async () => {
      const { events, oldestAt } = await readUnsealedEvents(db)
      return { events, oldestAgeSeconds: oldestAt === null ? 0 : Math.max(0, now() - oldestAt) / 1000 }
    },
    lastDailyRun: () => findLastFinishedRun(db, options.dailyTask),
    pool: options.pool,
  })

  const token = config.metricsToken
  if (token !== undefined) {
    // GET /metrics (Authorization: Bearer METRICS_TOKEN)
    app.get('/metrics', async function showMetrics (request, reply) {
      reply.header('cache-control', 'no-store')
      if (!isMetricsTokenValid(request.headers.authorization, token)) {
        return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain; charset=utf-8').send('Jeton requis.\n')
      }
      return reply.type(metrics.contentType).send(await metrics.render())
    })
  }

  if (config.metricsPort !== undefined) {
    const server = http.createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Introuvable.\n')
        return
      }
      metrics.render().then(
        (text) => response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
        (error: unknown) => {
          app.log.error({ err: error }, 'metrics scrape failed')
          response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Indisponible.\n')
        })
    })
    app.addHook('onReady', async () => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(config.metricsPort, '127.0.0.1', () => resolve())
      })
    })
    app.addHook('onClose', async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })
  }
}

export default fp(metricsPlugin, { name: 'metrics', dependencies: ['kernel'] })
