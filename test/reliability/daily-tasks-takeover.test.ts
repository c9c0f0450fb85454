/**
 * The daily tasks on two real server processes sharing one PostgreSQL database: both fire at
 * DAILY_TASKS_AT, one takes the day's lease and is killed (SIGKILL) in the middle of the run;
 * once its lease has expired the other instance runs the tasks, and they take effect once.
 *
 * The run is held in the middle by the test: it locks the audit table (SHARE mode: reads pass,
 * the purge's DELETE waits), so the first task of the holder cannot finish before the kill.
 * The lease's expiry (rules.dailyTasksLeaseTtl, 2 minutes) is brought forward by writing it,
 * as the dead instance no longer renews it; the survivor's own 30-second check does the rest.
 *
 * PostgreSQL only, as test/reliability/several-instances.test.ts (several processes on one
 * SQLite file is not a supported deployment).
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine, type TestApp, type TestDatabase } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals } from '../helpers/fixtures.ts'
import { ensureBuilt, sleep, startServer, waitFor, type ServerProcess } from '../helpers/processes.ts'

/** Paris wall-clock time `ahead` ms from now, as DAILY_TASKS_AT accepts it (HH:MM:SS). */
function parisTimeIn (ahead: number): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(Date.now() + ahead)
}

describe.skipIf(testEngine !== 'postgres')('daily tasks: an instance killed during the run', () => {
  let database: TestDatabase
  let seed: TestApp
  let servers: ServerProcess[] = []
  let locker: pg.Client | undefined
  const managerEmail = 'gestion.relais@chu-a.fr'

  beforeAll(async () => {
    database = await createTestDatabase()
    seed = await buildTestApp({ database })
    const { a } = await createTwoHospitals(seed.db)
    await createAccount(seed.db, { email: managerEmail, siteIds: [a.adminSiteId] })
    await createAccount(seed.db, { email: 'attente.relais@chu-a.fr', siteIds: [a.siteIds[0] as string], state: 'pendingActivation' })
  }, 60_000)

  afterAll(async () => {
    await locker?.end().catch(() => {})
    await Promise.all(servers.map((server) => server.stop('SIGKILL')))
    await seed?.close()
    await database?.drop()
  })

  it('lets the other instance take the run over, and the tasks take effect once', async () => {
    locker = new pg.Client({ connectionString: database.env.DATABASE_URL })
    await locker.connect()
    await locker.query('begin')
    await locker.query('lock table audit_event in share mode')

    ensureBuilt() // before the time is chosen: a build takes longer than the start
    const at = parisTimeIn(25_000)
    servers = await Promise.all([0, 1].map(() => startServer({ ...database.env, DAILY_TASKS_AT: at, LOG_LEVEL: 'info' })))
    const lease = await waitFor(async () => seed.db.selectFrom('task_lease').selectAll().executeTakeFirst(), { timeout: 60_000, what: 'the day’s lease' })
      .catch((error: unknown) => { throw new Error(`${String(error)} (DAILY_TASKS_AT=${at}, now ${parisTimeIn(0)})\n${servers.map((s) => s.output()).join('\n---\n')}`) })
    const holder = servers.find((server) => lease.holder.split('/')[1] === String(server.pid))
    const survivor = servers.find((server) => server !== holder)
    expect(holder).toBeDefined()
    expect(survivor).toBeDefined()
    await sleep(1000)
    // Both fired; one holds the lease, held in the middle of its run by the lock.
    expect(await seed.db.selectFrom('task_lease').select(['holder', 'finished_at', 'attempts']).execute())
      .toEqual([{ holder: lease.holder, finished_at: null, attempts: 1 }])

    expect(await holder?.stop('SIGKILL')).toBeNull()
    await locker.query('rollback')
    await locker.end()
    locker = undefined

    // Not taken over while the lease runs (the survivor checks every 30 s) …
    await sleep(1500)
    expect((await seed.db.selectFrom('task_lease').select('holder').executeTakeFirstOrThrow()).holder).toBe(lease.holder)
    // … and taken over once it has expired.
    await seed.db.updateTable('task_lease').set({ expires_at: Date.now() - 1 }).execute()
    const done = await waitFor(async () => {
      const row = await seed.db.selectFrom('task_lease').selectAll().executeTakeFirstOrThrow()
      return row.finished_at !== null ? row : undefined
    }, { timeout: 45_000, what: 'the run taken over and finished' })
    expect(done.holder.split('/')[1]).toBe(String(survivor?.pid))
    expect(done.attempts).toBe(2)

    // The killed run's purge was rolled back with its connection: one purge, one digest.
    const purges = await seed.db.selectFrom('audit_event').select('id').where('type', '=', 'audit.purged').execute()
    expect(purges).toHaveLength(1)
    const digests = await seed.db.selectFrom('outbox').select('id').where('template', '=', 'activationDigest').where('recipient', '=', managerEmail).execute()
    expect(digests).toHaveLength(1)
    expect(survivor?.output()).toMatch(/daily tasks done/)
    expect(await survivor?.stop()).toBe(0)
  }, 150_000)
})
