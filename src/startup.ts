/**
 * What runs before the app serves: migrations, the professions list, the demo data (embedded
 * database in development only) and the bootstrap super-administrator.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { AppConfig } from './config.ts'
import type { Db } from './kernel/db/database.ts'
import { migrateToLatest } from './kernel/db/migrate.ts'
import { flowContext } from './kernel/flow-context.ts'
import { listUnsettledEmailCollisions } from './kernel/accounts/email-collisions.ts'
import { seedProfessions, loadDemoData, createSuperadmin } from './features/reference-data/index.ts'

export async function prepareDatabase (db: Db, config: AppConfig, log: FastifyBaseLogger, now: () => number) {
  const applied = await migrateToLatest(db)
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied')
  // Counted, not listed: the addresses are personal data; `npm run cli -- migrate` lists them.
  const unsettled = (await listUnsettledEmailCollisions(db)).length
  if (unsettled > 0) log.warn({ accounts: unsettled }, 'accounts left with a non-canonical email address: run `npm run cli -- migrate` to list them')
  await seedProfessions(db)
  // Before the demo data: the deployment's super-administrator exists whatever the demo holds.
  if (config.bootstrapSuperadmin) {
    const created = await createSuperadmin(flowContext(db, config, now), config.bootstrapSuperadmin)
    if (created) log.info({ email: config.bootstrapSuperadmin.email }, 'bootstrap super-administrator created')
  }
  if (config.demoData) {
    const created = await loadDemoData(flowContext(db, config, now))
    if (created.length > 0 && config.nodeEnv === 'development') {
      // Demo passwords are printed in development only, for a newcomer to log in with.
      log.info({ demoAccounts: created }, 'demo accounts created')
    }
  }
}
