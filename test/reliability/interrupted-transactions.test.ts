/**
 * A transaction killed half-way (docs/security.md « What is defended, how, which test »: faults): a database trigger makes one write fail
 * (the outbox email, or the audit event) after the state change before it in the same
 * transaction. Registration, login code, password reset, activation and lock must leave no
 * partial state (no account without its email, no lock without its unlock email, no password
 * changed without its notice…), answer a clean error page (no stack trace), and work again once
 * the failure is gone. Runs on both engines (SQLite and PostgreSQL triggers).
 */
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { emailsTo, lastEmailTo, pathOfLinkIn } from '../helpers/mailbox.ts'
import { signIn } from '../helpers/session.ts'
import type { Db } from '../../src/kernel/db/database.ts'

const errorTitle = 'Une erreur est survenue'
const newPassword = 'Jonquille-Verte-2024!'

/** Makes every insert into `table` whose `column` equals `value` fail, until removeInjectedFailure(). */
async function injectFailure (db: Db, table: 'outbox' | 'audit_event', column: 'template' | 'type', value: string) {
  const condition = sql.raw(`new.${column} = '${value.replace(/'/g, "''")}'`)
  if (testEngine === 'sqlite') {
    await sql`create trigger inject_failure before insert on ${sql.table(table)} when ${condition} begin select raise(abort, 'injected failure'); end`.execute(db)
  } else {
    await sql`create or replace function inject_failure() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`.execute(db)
    await sql`create trigger inject_failure before insert on ${sql.table(table)} for each row when (${condition}) execute function inject_failure()`.execute(db)
  }
  injectedOn = table
}
let injectedOn: string | undefined

async function removeInjectedFailure (db: Db) {
  if (!injectedOn) return
  if (testEngine === 'sqlite') await sql`drop trigger if exists inject_failure`.execute(db)
  else await sql`drop trigger if exists inject_failure on ${sql.table(injectedOn)}`.execute(db)
  injectedOn = undefined
}

function expectCleanErrorPage (response: { statusCode: number; body: string }) {
  expect(response.statusCode).toBe(500)
  expect(response.body).toContain(errorTitle)
  expect(response.body).not.toMatch(/injected failure|\s+at\s+\S+\s+\(|node_modules|\.ts:\d+|Error:/)
}

async function auditCount (t: TestApp, type: string, targetId?: string) {
  let query = t.db.selectFrom('audit_event').select('id').where('type', '=', type)
  if (targetId) query = query.where('target_id', '=', targetId)
  return (await query.execute()).length
}

describe(`a transaction killed half-way leaves nothing behind (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  beforeAll(async () => {
    t = await buildTestApp({
      rules: { passwordResetRequestMinimumDuration: 0, registrationsPerAddress: 1000, registrationsPerEmail: 1000 },
    })
    ;({ a } = await createTwoHospitals(t.db))
  })
  afterEach(async () => { await removeInjectedFailure(t.db) })
  afterAll(async () => { await t.close() })

  function registrationForm (email: string) {
    return {
      civilite: 'mme', nom: 'Durand', prenom: 'Léa', email,
      motDePasse: newPassword, confirmationMotDePasse: newPassword,
      profession: 'medecin', hopital: a.id, sites: [a.siteIds[0] as string], cgu: 'oui',
    }
  }

  async function accountByEmail (email: string) {
    return t.db.selectFrom('account').select(['id', 'password_hash', 'locked_at', 'failed_password_count', 'activated_at'])
      .where('email', '=', email).executeTakeFirst()
  }

  for (const [table, column, value] of [['outbox', 'template', 'emailConfirmation'], ['audit_event', 'type', 'account.registered']] as const) {
    it(`registration: no account when the ${table} write fails, and it works afterwards`, async () => {
      const email = `lea.durand.${table}@chu-a.fr`
      await injectFailure(t.db, table, column, value)
      expectCleanErrorPage(await new TestBrowser(t.app).post('/inscription', registrationForm(email)))
      expect(await accountByEmail(email)).toBeUndefined()
      expect(await emailsTo(t.db, email)).toEqual([])
      expect(await t.db.selectFrom('account_site').innerJoin('account', 'account.id', 'account_site.account_id').select('site_id').where('account.email', '=', email).execute()).toEqual([])

      await removeInjectedFailure(t.db)
      const retried = await new TestBrowser(t.app).post('/inscription', registrationForm(email))
      expect(retried.statusCode).toBe(303)
      const account = await accountByEmail(email)
      expect(account).toBeDefined()
      expect((await emailsTo(t.db, email)).map((e) => e.template)).toEqual(['emailConfirmation'])
      expect(await auditCount(t, 'account.registered', account?.id)).toBe(1)
    })
  }

  it('login code: no pending login without its code email', async () => {
    const email = 'code.half@chu-a.fr'
    const id = await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string] })
    await injectFailure(t.db, 'audit_event', 'type', 'login.codeSent')
    const browser = new TestBrowser(t.app)
    expectCleanErrorPage(await browser.post('/connexion', { email, password: testPassword }))
    expect(await t.db.selectFrom('login_challenge').select('id_digest').where('account_id', '=', id).execute()).toEqual([])
    expect(await emailsTo(t.db, email)).toEqual([])

    await removeInjectedFailure(t.db)
    const retried = await browser.post('/connexion', { email, password: testPassword })
    expect(retried.statusCode).toBe(303)
    expect((await emailsTo(t.db, email)).map((e) => e.template)).toEqual(['oneTimeCode'])
  })

  it('lock: no lock without its unlock email (the third wrong password is rolled back whole)', async () => {
    const email = 'lock.half@chu-a.fr'
    const id = await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string] })
    const browser = new TestBrowser(t.app)
    for (let i = 0; i < 2; i++) expect((await browser.post('/connexion', { email, password: 'Mauvais-1!' })).statusCode).toBe(401)
    await injectFailure(t.db, 'outbox', 'template', 'unlock')
    expectCleanErrorPage(await browser.post('/connexion', { email, password: 'Mauvais-1!' }))
    const account = await accountByEmail(email)
    expect(account?.locked_at).toBeNull()
    expect(account?.failed_password_count).toBe(2)
    expect(await auditCount(t, 'account.locked', id)).toBe(0)

    await removeInjectedFailure(t.db)
    expect((await browser.post('/connexion', { email, password: 'Mauvais-1!' })).statusCode).toBe(401)
    expect((await accountByEmail(email))?.locked_at).not.toBeNull()
    expect((await emailsTo(t.db, email)).map((e) => e.template)).toEqual(['unlock'])
    expect(await auditCount(t, 'account.locked', id)).toBe(1)
  })

  it('password reset: no link without its audit event, and no new password without its notice', async () => {
    const email = 'reset.half@chu-a.fr'
    const id = await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string] })
    const tokens = () => t.db.selectFrom('account_token').select(['digest', 'used_at']).where('account_id', '=', id).where('purpose', '=', 'passwordReset').execute()

    await injectFailure(t.db, 'audit_event', 'type', 'password.resetRequested')
    expectCleanErrorPage(await new TestBrowser(t.app).post('/mot-de-passe-oublie', { email }))
    expect(await tokens()).toEqual([])
    expect(await emailsTo(t.db, email)).toEqual([])
    await removeInjectedFailure(t.db)

    expect((await new TestBrowser(t.app).post('/mot-de-passe-oublie', { email })).statusCode).toBe(303)
    const link = pathOfLinkIn(await lastEmailTo(t.db, email))
    const jeton = new URL(link, 'http://x').searchParams.get('jeton') as string
    const before = await accountByEmail(email)
    const session = new TestBrowser(t.app)
    await signIn(t, session, id)

    await injectFailure(t.db, 'outbox', 'template', 'passwordChanged')
    const browser = new TestBrowser(t.app)
    expect((await browser.get(link)).statusCode).toBe(200)
    expectCleanErrorPage(await browser.post('/reinitialisation', { jeton, nouveauMotDePasse: newPassword, confirmation: newPassword }))
    expect((await accountByEmail(email))?.password_hash).toBe(before?.password_hash)
    expect((await tokens()).map((r) => r.used_at)).toEqual([null])
    expect((await session.get('/mon-compte')).statusCode).toBe(200)
    await removeInjectedFailure(t.db)

    const reset = await browser.post('/reinitialisation', { jeton, nouveauMotDePasse: newPassword, confirmation: newPassword })
    expect(reset.statusCode).toBe(303)
    expect((await accountByEmail(email))?.password_hash).not.toBe(before?.password_hash)
    expect((await emailsTo(t.db, email)).map((e) => e.template)).toEqual(['passwordReset', 'passwordChanged'])
  })

  it('activation: the account stays pending when the activation email cannot be queued', async () => {
    const managerId = await createAccount(t.db, { email: 'manager.half@chu-a.fr', siteIds: [a.adminSiteId] })
    const email = 'pending.half@chu-a.fr'
    const id = await createAccount(t.db, { email, siteIds: [a.siteIds[1] as string], state: 'pendingActivation' })
    const manager = new TestBrowser(t.app)
    await signIn(t, manager, managerId)
    expect((await manager.get(`/gestion/comptes/${id}/activer`)).statusCode).toBe(200)

    await injectFailure(t.db, 'outbox', 'template', 'accountActivated')
    expectCleanErrorPage(await manager.post(`/gestion/comptes/${id}/activer`, {}))
    expect((await accountByEmail(email))?.activated_at).toBeNull()
    expect(await auditCount(t, 'admin.accountActivated', id)).toBe(0)
    await removeInjectedFailure(t.db)

    const activated = await manager.post(`/gestion/comptes/${id}/activer`, {})
    expect(activated.statusCode).toBe(303)
    expect((await accountByEmail(email))?.activated_at).not.toBeNull()
    expect((await emailsTo(t.db, email)).map((e) => e.template)).toEqual(['accountActivated'])
    expect(await auditCount(t, 'admin.accountActivated', id)).toBe(1)
  })
})
