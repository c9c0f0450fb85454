import { createDatabase } from './lib/databases.ts'
import { startServer } from './lib/server.ts'
import { runLoad } from './lib/load.ts'
import { migrateToLatest } from '../src/kernel/db/migrate.ts'
const d = await createDatabase('sqlite')
await migrateToLatest(d.db)
const server = await startServer(d.target)
for (const path of (process.argv[2] ?? '/readyz,/connexion,/static/app.css,/healthz').split(',')) {
  const before = server.cpuMs(); const mb = server.mainThreadCpuMs()
  const r = await runLoad({ url: server.url, connections: 10, duration: 5, expect: [200], next: () => ({ method: 'GET', path }) })
  console.log(path, r.perSecond.toFixed(0), '/s', ((server.cpuMs() - before) / r.requests * 1000).toFixed(0), 'µs/req all', ((server.mainThreadCpuMs() - mb) / r.requests * 1000).toFixed(0), 'µs main', r.statuses)
}
await server.stop()
await d.drop?.()
process.exit(0)
