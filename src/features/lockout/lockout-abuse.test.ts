/**
 * Lockout as a denial-of-service tool (user guide §3.5; docs/security.md « Lockout as a
 * denial-of-service tool »): three wrong passwords lock the account, but the lock only stops new
 * password logins. Sessions already open keep working (deactivation still ends them at once), and
 * one client address can lock at most rules.accountLocksPerAddress accounts per
 * rules.accountLockRateLimitWindow: past that, every password attempt from it is refused as
 * rate-limited before the account is read, so it neither counts nor reveals who has an account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { logIn, submitPassword } from '../../../test/helpers/login.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { hours } from '../../config.ts'

const wrongPassword = 'Pas-le-bon-42!'
const locksPerAddress = 2

describe(`lockout cannot be used to log people out (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let n = 0
  let address = 0
  beforeAll(async () => {
    // X-Forwarded-For from the test's own "load balancer" gives each browser its client address.
    t = await buildTestApp({
      env: { TRUST_PROXY: '1' },
      rules: { loginAttemptsPerIp: 10_000, oneTimeCodeAttemptsPerIp: 10_000, accountLocksPerAddress: locksPerAddress },
    })
    a = await createTwoHospitals(t.db).then((h) => h.a)
  })
  afterAll(async () => { await t.close() })

  async function newAccount (fields: { isSuperadmin?: boolean } = {}) {
    const email = `cible${++n}@chu-a.fr`
    const id = await createAccount(t.db, { email, siteIds: [fields.isSuperadmin ? a.adminSiteId : a.siteIds[0] as string], ...fields })
    return { email, id }
  }
  /** A browser at a client address of its own (or the one given). */
  const browserAt = (ip = `198.51.100.${++address}`) => new TestBrowser(t.app, { 'x-forwarded-for': ip })
  const accountRow = (id: string) => t.db.selectFrom('account').select(['locked_at', 'failed_password_count']).where('id', '=', id).executeTakeFirstOrThrow()
  const lockEvents = (id: string) => t.db.selectFrom('audit_event').select(['ip']).where('target_id', '=', id).where('type', '=', 'account.locked').execute()
  const sessionsOf = (id: string) => t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()
  async function lockFrom (browser: TestBrowser, email: string) {
    return Promise.all([1, 2, 3].map(() => submitPassword(browser, email, wrongPassword)))
  }

  it("keeps a super-administrator's open session working when an attacker locks the account, and audits the lock", async () => {
    const { email, id } = await newAccount({ isSuperadmin: true })
    const victim = browserAt()
    await logIn(t, victim, email)
    expect((await victim.get('/mon-compte')).statusCode).toBe(200)

    const attacker = browserAt('203.0.113.7')
    for (let i = 0; i < 3; i++) expect((await submitPassword(attacker, email, wrongPassword)).statusCode).toBe(401)
    expect((await accountRow(id)).locked_at).not.toBeNull()
    expect(await lockEvents(id)).toEqual([{ ip: '203.0.113.7' }])

    // The open session goes on, pages and console included, and stays open after the next request.
    const myAccount = await victim.get('/mon-compte')
    expect(myAccount.statusCode).toBe(200)
    expect(myAccount.body).toContain(email)
    expect((await victim.get('/gestion')).statusCode).toBe(200)
    expect(await sessionsOf(id)).toHaveLength(1)
    // The lock still stops new password logins, the correct password included.
    expect((await submitPassword(browserAt(), email, testPassword)).statusCode).toBe(401)
  })

  it('still ends the sessions of a locked account at once when it is deactivated', async () => {
    const { email, id } = await newAccount()
    const victim = browserAt()
    await logIn(t, victim, email)
    await lockFrom(browserAt(), email)
    expect((await accountRow(id)).locked_at).not.toBeNull()
    expect((await victim.get('/mon-compte')).statusCode).toBe(200)

    const superadmin = await createAccount(t.db, { email: `super${++n}@chu-a.fr`, siteIds: [a.adminSiteId], isSuperadmin: true })
    const console = browserAt()
    await signIn(t, console, superadmin)
    expect((await console.post(`/gestion/comptes/${id}/desactiver`, {})).statusCode).toBe(303)
    expect(await sessionsOf(id)).toHaveLength(0)
    const after = await victim.get('/mon-compte')
    expect(after.statusCode).toBe(303)
    expect(after.headers.location).toMatch(/^\/connexion/)
  })

  it('lets one address lock at most the allowed number of accounts per hour; other addresses still can', async () => {
    const attacker = browserAt()
    const accounts = await Promise.all(Array.from({ length: locksPerAddress + 1 }, () => newAccount()))
    for (const { email } of accounts.slice(0, locksPerAddress)) await lockFrom(attacker, email)
    for (const { id } of accounts.slice(0, locksPerAddress)) expect((await accountRow(id)).locked_at).not.toBeNull()

    // Past the cap every password attempt from that address is refused before it is counted:
    // same 429 for a known account, an unknown email and a correct password (no oracle).
    const next = accounts[locksPerAddress]!
    for (let i = 0; i < 3; i++) {
      const refused = await submitPassword(attacker, next.email, wrongPassword)
      expect(refused.statusCode).toBe(429)
      expect(refused.body).toContain('Trop de tentatives')
    }
    expect(await accountRow(next.id)).toEqual({ locked_at: null, failed_password_count: 0 })
    const unknown = await submitPassword(attacker, `personne${n}@chu-a.fr`, wrongPassword)
    const correct = await submitPassword(attacker, next.email, testPassword)
    expect([unknown.statusCode, correct.statusCode]).toEqual([429, 429])
    expect(unknown.headers['retry-after']).toBe(correct.headers['retry-after'])
    expect(await t.db.selectFrom('login_challenge').select('account_id').where('account_id', '=', next.id).execute()).toEqual([])

    // Another address is not concerned; the capped one may lock again once the hour is over.
    await lockFrom(browserAt(), next.email)
    expect((await accountRow(next.id)).locked_at).not.toBeNull()
    t.clock.advance(hours(1))
    const later = await newAccount()
    await lockFrom(attacker, later.email)
    expect((await accountRow(later.id)).locked_at).not.toBeNull()
  })

  it('holds the cap against parallel wrong passwords on many accounts from one address', async () => {
    const accounts = await Promise.all(Array.from({ length: 6 }, () => newAccount()))
    const attackerIp = `192.0.2.${++address}`
    const browsers = accounts.flatMap(() => [1, 2, 3].map(() => browserAt(attackerIp)))
    await Promise.all(browsers.map((b) => b.csrfToken()))
    const answers = await Promise.all(browsers.map((b, i) => submitPassword(b, accounts[Math.floor(i / 3)]!.email, wrongPassword)))
    for (const answer of answers) expect([401, 429]).toContain(answer.statusCode)
    const locked = (await Promise.all(accounts.map(({ id }) => accountRow(id)))).filter((row) => row.locked_at !== null)
    expect(locked).toHaveLength(locksPerAddress)
    const events = await t.db.selectFrom('audit_event').select('target_id').where('type', '=', 'account.locked').where('ip', '=', attackerIp).execute()
    expect(events).toHaveLength(locksPerAddress)
  })
})
