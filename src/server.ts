/**
 * The process: reads the environment, builds the app, listens, and closes gracefully on
 * SIGTERM/SIGINT (in-flight requests finish, new ones get 503, the dispatcher stops).
 */
import { ConfigError, loadConfig } from './config.ts'
import { buildApp } from './app.ts'
import { hashingCapacity } from './kernel/security/passwords.ts'

async function main () {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
  const app = await buildApp(config)
  let closing = false
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const timer = setTimeout(() => process.exit(1), 20_000)
    timer.unref()
    // server.close() waits for every keep-alive connection (Fastify keeps them 72 s): close each
    // one as soon as its in-flight request has been answered, so shutdown takes only as long
    // as the requests it lets finish.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100)
    sweep.unref()
    await app.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void close('SIGTERM'))
  process.on('SIGINT', () => void close('SIGINT'))
  await app.listen({ port: config.port, host: config.host })
  app.log.info(`${config.appName} prêt sur ${config.appBaseUrl}`)
  const { cores, threadPoolSize, slots } = hashingCapacity
  if (slots < cores) {
    app.log.warn({ cores, threadPoolSize, concurrentHashes: slots },
      `password hashing uses ${slots} of ${cores} cores: set UV_THREADPOOL_SIZE=${cores + 1} or more in the service's environment`)
  }
}

main().catch((error: unknown) => {
  console.error('Démarrage impossible :', error instanceof Error ? error.message : error)
  process.exit(1)
})
