/**
 * Retention of expired rows (`daily-tasks`): under a loop of anonymous requests and logins the
 * session, token, login-attempt and rate-limit tables stop growing once the purge runs; the purge
 * deletes in bounded batches and keeps every row a rule may still read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine, type TestApp, type TestDatabase } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { logIn, submitPassword } from '../../../test/helpers/login.ts'
import { runCli, exitCodes } from '../../cli.ts'
import { days, defaultRules, minutes } from '../../config.ts'
import { purgeExpiredRows } from './expired-rows.ts'

const tables = ['session', 'account_token', 'login_challenge', 'rate_limit'] as const

describe(`purge of expired rows (${testEngine})`, () => {
  let database: TestDatabase
  let t: TestApp
  let siteId: string
  const out: string[] = []
  const dailyTasks = () => runCli(['daily-tasks'], {
    env: { NODE_ENV: 'test', DEMO_DATA: 'false', ...database.env }, out: (l) => out.push(l), err: (l) => out.push(l),
    readPassword: async () => undefined, now: t.clock.now,
  })
  const countRows = async () => Object.fromEntries(await Promise.all(tables.map(async (table) => {
    const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return [table, Number(row.n)] as const
  })))

  beforeAll(async () => {
    database = await createTestDatabase()
    t = await buildTestApp({ database, env: { TRUST_PROXY: '1' } })
    siteId = (await createTwoHospitals(t.db)).a.siteIds[0] as string
  })
  afterAll(async () => {
    await t?.close()
    await database?.drop()
  })

  it('keeps the tables from growing under a loop of anonymous requests, and keeps the live session', async () => {
    const email = 'fidele@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [siteId] })
    const distracted = 'distrait@chu-a.fr'
    await createAccount(t.db, { email: distracted, siteIds: [siteId] })
    const after: Array<Record<string, number>> = []
    for (let round = 0; round < 3; round++) {
      // Anonymous traffic (unknown emails from ten addresses, reset requests), a login, an abandoned one.
      for (let i = 0; i < 20; i++) {
        const browser = new TestBrowser(t.app, { 'x-forwarded-for': `198.51.100.${(i % 10) + 1}` })
        expect((await submitPassword(browser, `inconnu-${round}-${i}@exemple.fr`, 'Pas-le-bon-42!')).statusCode).toBe(401)
      }
      for (let i = 0; i < 3; i++) {
        expect((await new TestBrowser(t.app).post('/mot-de-passe-oublie', { email })).statusCode).toBe(303)
      }
      await logIn(t, new TestBrowser(t.app), email)
      expect((await submitPassword(new TestBrowser(t.app), distracted)).statusCode).toBe(303)
      const before = await countRows()
      expect(before.rate_limit).toBeGreaterThan(30)
      expect(before.account_token).toBeGreaterThanOrEqual(3)
      expect(before.login_challenge).toBeGreaterThanOrEqual(1)

      // Two days later the user logs in again and keeps browsing while the cron runs.
      t.clock.advance(days(2))
      const user = new TestBrowser(t.app)
      await logIn(t, user, email)
      expect(await dailyTasks()).toBe(exitCodes.ok)
      expect((await user.get('/mon-compte')).statusCode).toBe(200)
      after.push(await countRows())
    }
    expect(after[0]).toMatchObject({ session: 1, account_token: 0, login_challenge: 0 })
    expect(after[1]).toEqual(after[0])
    expect(after[2]).toEqual(after[0])
    expect(out.join('\n')).toMatch(/Purge : 2 sessions expirées, 3 liens utilisés ou expirés, 1 connexion abandonnée, \d+ compteurs? de limitation supprimés?, 0 jeton ou session OpenID Connect expiré, 0 clé de signature retirée\./)
  }, 180_000)

  it('deletes in bounded batches and keeps every row that a rule may still read', async () => {
    const now = t.clock.now()
    const rules = { ...t.config.rules, purgeBatchSize: 7 }
    const accountId = await createAccount(t.db, { email: `lot-${now}@chu-a.fr`, siteIds: [siteId] })
    await t.db.deleteFrom('session').execute()
    await t.db.deleteFrom('rate_limit').execute()
    await t.db.deleteFrom('account_token').execute()
    await t.db.deleteFrom('login_challenge').execute()
    const idleLimit = now - rules.sessionIdleTimeout - rules.expiredRowRetention
    const ageLimit = now - rules.sessionAbsoluteTimeout - rules.expiredRowRetention
    const session = (id: string, createdAt: number, lastSeenAt: number) => ({ id_digest: id, account_id: accountId, created_at: createdAt, last_seen_at: lastSeenAt, ip: '198.51.100.1', user_agent: 'Navigateur' })
    await t.db.insertInto('session').values([
      ...Array.from({ length: 20 }, (_, i) => session(`idle-${i}`, idleLimit - 10, idleLimit - 1)),
      session('too-old', ageLimit - 1, now),
      session('idle-but-kept', idleLimit, idleLimit),
      session('live', now - minutes(5), now),
    ]).execute()
    const tokenLimit = now - rules.expiredRowRetention
    const token = (digest: string, expiresAt: number, usedAt: number | null) => ({ digest, account_id: accountId, purpose: 'passwordReset' as const, created_at: expiresAt - 1000, expires_at: expiresAt, used_at: usedAt, payload: null })
    await t.db.insertInto('account_token').values([
      ...Array.from({ length: 15 }, (_, i) => token(`used-${i}`, now + days(1), tokenLimit - 1)),
      token('expired', tokenLimit - 1, null),
      token('used-recently', now + days(1), tokenLimit),
      token('pending', now + minutes(30), null),
    ]).execute()
    const challengeLimit = now - rules.loginChallengeTtl - rules.expiredRowRetention
    const challenge = (id: string, createdAt: number) => ({ id_digest: id, account_id: accountId, code_digest: 'x', created_at: createdAt, code_sent_at: createdAt, code_expires_at: createdAt + 60_000, wrong_codes: 0, codes_sent: 1, return_to: null })
    // One login attempt per account (migration 0007): the abandoned one and the kept one are two accounts.
    const otherId = await createAccount(t.db, { email: `lot2-${now}@chu-a.fr`, siteIds: [siteId] })
    await t.db.insertInto('login_challenge').values([challenge('abandoned', challengeLimit - 1), { ...challenge('pending', challengeLimit), account_id: otherId }]).execute()
    const rateLimitLimit = now - rules.rateLimitRetention
    await t.db.insertInto('rate_limit').values([
      ...Array.from({ length: 30 }, (_, i) => ({ key: `old-${i}`, window_start: rateLimitLimit - 1, hits: 3 })),
      { key: 'recent', window_start: rateLimitLimit, hits: 3 },
    ]).execute()

    await t.db.deleteFrom('saved_form').execute()
    const savedForm = (id: string, createdAt: number) => ({ id_digest: id, account_id: accountId, return_to: '/mon-compte', posted_to: '/mon-compte', fields: '{}', created_at: createdAt })
    const savedFormLimit = now - rules.savedFormTtl
    await t.db.insertInto('saved_form').values([
      ...Array.from({ length: 9 }, (_, i) => savedForm(`form-${i}`, savedFormLimit - 1)),
      savedForm('form-kept', savedFormLimit),
    ]).execute()

    const report = await purgeExpiredRows(t.db, rules, now)
    expect(report).toEqual({ sessions: 21, accountTokens: 16, loginChallenges: 1, rateLimits: 30, savedForms: 9, oidcPayloads: 0, oidcKeys: 0, oidcLogouts: 0 })
    expect((await t.db.selectFrom('saved_form').select('id_digest').execute()).map((r) => r.id_digest)).toEqual(['form-kept'])
    const ids = async (table: 'session' | 'login_challenge') => (await t.db.selectFrom(table).select('id_digest').orderBy('id_digest').execute()).map((r) => r.id_digest)
    expect(await ids('session')).toEqual(['idle-but-kept', 'live'])
    expect((await t.db.selectFrom('account_token').select('digest').orderBy('digest').execute()).map((r) => r.digest)).toEqual(['pending', 'used-recently'])
    expect(await ids('login_challenge')).toEqual(['pending'])
    expect((await t.db.selectFrom('rate_limit').select('key').execute()).map((r) => r.key)).toEqual(['recent'])
    // A second run finds nothing more.
    expect(await purgeExpiredRows(t.db, rules, now)).toEqual({ sessions: 0, accountTokens: 0, loginChallenges: 0, rateLimits: 0, savedForms: 0, oidcPayloads: 0, oidcKeys: 0, oidcLogouts: 0 })
  })

  it('keeps rate-limit rows longer than every rate-limit window of the rules', () => {
    const windows = Object.entries(defaultRules).filter(([name]) => /Window$/.test(name))
    expect(windows.length).toBeGreaterThanOrEqual(5)
    for (const [name, value] of windows) expect(value, name).toBeLessThan(defaultRules.rateLimitRetention)
  })
})
