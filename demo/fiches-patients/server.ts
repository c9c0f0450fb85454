/**
 * `npm run demo:rp`: the « fiches patients » demo application in its own process (see config.ts
 * for its environment, and the README, « Démo : application fiches patients »).
 */
import { buildDemoApp } from './app.ts'
import { DemoConfigError, readDemoConfig, registeredUris } from './config.ts'

async function main () {
  let config
  try {
    config = readDemoConfig(process.env)
  } catch (error) {
    if (error instanceof DemoConfigError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
  const app = await buildDemoApp(config)
  const close = async () => {
    await app.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void close())
  process.on('SIGINT', () => void close())
  await app.listen({ port: config.port, host: config.host })
  const uris = registeredUris(config.baseUrl)
  app.log.info({ provider: config.providerUrl, backchannelLogoutUri: uris.backchannelLogoutUri }, `Fiches patients (démo) prête sur ${config.baseUrl}`)
}

main().catch((error: unknown) => {
  console.error('Démarrage impossible :', error instanceof Error ? error.message : error)
  process.exit(1)
})
