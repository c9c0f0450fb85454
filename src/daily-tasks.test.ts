/**
 * The in-process scheduler of the daily tasks: fired in every instance at DAILY_TASKS_AT
 * (Europe/Paris), run once a day for the whole deployment through the day's lease, taken over
 * when its holder stops renewing it. Two apps share one database here, with the test's clock;
 * test/reliability/daily-tasks-takeover.test.ts kills a real server process in the middle of a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine, TestClock, type TestApp, type TestDatabase } from '../test/helpers/test-app.ts'
import { createAccount, createTwoHospitals } from '../test/helpers/fixtures.ts'
import { DailyTasksScheduler, dailyTasksName, dueDay } from './daily-tasks.ts'
import { claimTaskLease } from './kernel/db/task-lease.ts'
import { hours, minutes, seconds } from './config.ts'

describe('when the daily tasks are due (Europe/Paris)', () => {
  it('is today once DAILY_TASKS_AT has passed in Paris, yesterday before', () => {
    // 27 November 2026: Paris is UTC+1.
    expect(dueDay(Date.UTC(2026, 10, 27, 1, 59, 59), '03:00:00')).toBe('2026-11-26')
    expect(dueDay(Date.UTC(2026, 10, 27, 2, 0, 0), '03:00:00')).toBe('2026-11-27')
    // Summer time (UTC+2), and the turn of a month.
    expect(dueDay(Date.UTC(2026, 6, 1, 0, 59, 0), '03:00:00')).toBe('2026-06-30')
    expect(dueDay(Date.UTC(2026, 6, 1, 1, 0, 0), '03:00:00')).toBe('2026-07-01')
  })

  it('fires at 03:00 Paris time by default, and not at all with DAILY_TASKS_AT=off', async () => {
    const clock = new TestClock()
    const app = await buildTestApp({ clock })
    try {
      expect(app.config.dailyTasksAt).toBe('03:00:00')
      const scheduler = new DailyTasksScheduler({ db: app.db, config: app.config, now: clock.now, log: app.app.log })
      scheduler.start()
      const next = scheduler.nextRun()
      await scheduler.stop()
      expect(next).not.toBeNull()
      const paris = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(next as Date)
      expect(paris).toBe('03:00:00')
      expect((next as Date).getTime() - Date.now()).toBeLessThanOrEqual(hours(24) + hours(1))

      const off = new DailyTasksScheduler({ db: app.db, config: { ...app.config, dailyTasksAt: undefined }, now: clock.now, log: app.app.log })
      off.start()
      expect(off.nextRun()).toBeNull()
      await off.stop()
    } finally {
      await app.close()
    }
  })
})

describe(`daily tasks on two instances sharing one database (${testEngine})`, () => {
  let database: TestDatabase
  let one: TestApp
  let two: TestApp
  let managerEmail: string
  // Both instances read the same (fake) clock: 03:00 in Paris on 27 November 2026.
  const clock = new TestClock(Date.UTC(2026, 10, 27, 2, 0, 0))

  beforeAll(async () => {
    database = await createTestDatabase()
    one = await buildTestApp({ database, clock })
    two = await buildTestApp({ database, clock })
    const { a } = await createTwoHospitals(one.db)
    managerEmail = 'gestion.daily@chu-a.fr'
    await createAccount(one.db, { email: managerEmail, siteIds: [a.adminSiteId] })
    await createAccount(one.db, { email: 'attente.daily@chu-a.fr', siteIds: [a.siteIds[0] as string], state: 'pendingActivation' })
  }, 60_000)

  afterAll(async () => {
    await one?.close()
    await two?.close()
    await database?.drop()
  })

  const purges = async () => (await one.db.selectFrom('audit_event').select('id').where('type', '=', 'audit.purged').execute()).length
  const digests = async () => (await one.db.selectFrom('outbox').select('id')
    .where('template', '=', 'activationDigest').where('recipient', '=', managerEmail).execute()).length

  it('runs the tasks exactly once when both instances fire at the same moment', async () => {
    const attempts = await Promise.all([one.app.dailyTasks.runIfDue('scheduled'), two.app.dailyTasks.runIfDue('scheduled')])
    expect(attempts.sort()).toEqual(['heldElsewhere', 'ran'])
    expect(await purges()).toBe(1)
    expect(await digests()).toBe(1)
    const lease = await one.db.selectFrom('task_lease').selectAll().where('task', '=', dailyTasksName).execute()
    expect(lease).toHaveLength(1)
    expect(lease[0]).toMatchObject({ day: '2026-11-27', attempts: 1 })
    expect(lease[0]?.finished_at).not.toBeNull()
    expect([one.app.dailyTasks.holder, two.app.dailyTasks.holder]).toContain(lease[0]?.holder)
  })

  it('does not run them again that day, whoever fires or checks (an instance started later included)', async () => {
    clock.advance(hours(5))
    const three = await buildTestApp({ database, clock })
    try {
      const attempts = await Promise.all([
        one.app.dailyTasks.runIfDue('scheduled'), two.app.dailyTasks.runIfDue('takeover'),
        three.app.dailyTasks.runIfDue('scheduled'), three.app.dailyTasks.runIfDue('takeover'),
      ])
      expect(attempts).toEqual(['heldElsewhere', 'heldElsewhere', 'heldElsewhere', 'heldElsewhere'])
    } finally {
      await three.close()
    }
    expect(await purges()).toBe(1)
  })

  it('runs them once again the next day', async () => {
    clock.advance(hours(19)) // 03:00 in Paris, 28 November
    const attempts = await Promise.all([two.app.dailyTasks.runIfDue('scheduled'), one.app.dailyTasks.runIfDue('scheduled')])
    expect(attempts.sort()).toEqual(['heldElsewhere', 'ran'])
    expect(await purges()).toBe(2)
    const days = await one.db.selectFrom('task_lease').select('day').orderBy('day').execute()
    expect(days.map((row) => row.day)).toEqual(['2026-11-27', '2026-11-28'])
  })

  it('takes over the run of an instance that stopped renewing its lease, only once the lease has expired', async () => {
    clock.advance(hours(24)) // 29 November, 03:00 Paris
    const day = dueDay(clock.now(), '03:00:00')
    // An instance that claimed the day's run and died before finishing it.
    const ttl = one.config.rules.dailyTasksLeaseTtl
    expect(await claimTaskLease(one.db, { task: dailyTasksName, day, holder: 'mort/1/000000', now: clock.now(), ttl }, 3)).toBe(true)

    clock.advance(seconds(30))
    expect(await one.app.dailyTasks.runIfDue('takeover')).toBe('heldElsewhere')
    expect(await one.app.dailyTasks.runIfDue('scheduled')).toBe('heldElsewhere')
    expect(await purges()).toBe(2)

    clock.advance(ttl)
    const attempts = await Promise.all([one.app.dailyTasks.runIfDue('takeover'), two.app.dailyTasks.runIfDue('takeover')])
    expect(attempts.sort()).toEqual(['heldElsewhere', 'ran'])
    expect(await purges()).toBe(3)
    const lease = await one.db.selectFrom('task_lease').selectAll().where('day', '=', day).executeTakeFirstOrThrow()
    expect(lease.attempts).toBe(2)
    expect(lease.finished_at).not.toBeNull()
    expect(lease.holder).not.toBe('mort/1/000000')
  })

  it('gives up a day after dailyTasksMaximumAttempts takeovers (a task failing every time is not retried forever)', async () => {
    clock.advance(hours(24))
    const day = dueDay(clock.now(), '03:00:00')
    const ttl = minutes(2)
    const maximum = one.config.rules.dailyTasksMaximumAttempts
    for (let i = 0; i < maximum; i++) {
      expect(await claimTaskLease(one.db, { task: dailyTasksName, day, holder: `mort/${i}/000000`, now: clock.now(), ttl }, maximum)).toBe(true)
      clock.advance(ttl + seconds(1))
    }
    expect(await one.app.dailyTasks.runIfDue('takeover')).toBe('heldElsewhere')
  })

  it('counts a firing a moment before DAILY_TASKS_AT (a timer slightly early) for the day it was meant for', async () => {
    const early = new TestClock(Date.UTC(2026, 10, 26, 1, 59, 58)) // 02:59:58 in Paris, 26 November
    const app = await buildTestApp({ database, clock: early })
    try {
      expect(await app.app.dailyTasks.runIfDue('scheduled')).toBe('ran')
      const lease = await app.db.selectFrom('task_lease').select('day').where('day', '=', '2026-11-26').executeTakeFirst()
      expect(lease?.day).toBe('2026-11-26')
      // The takeover check, at the same moment, looks at the day before: it starts nothing.
      expect(await app.app.dailyTasks.runIfDue('takeover')).toBe('heldElsewhere')
    } finally {
      await app.close()
    }
  })
})
