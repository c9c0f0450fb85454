/**
 * The audit trail (ASVS 16, docs/security.md « Audit trail »): every security event of the self-service and console flows, driven
 * through the real pages, is recorded with UTC time, actor and role, target, hospital, IP, user
 * agent, outcome and reason; after the whole run no password, code, token or session id is
 * found in any table or in the debug logs; with real SMTP the outbox bodies are erased once sent.
 */
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { codeIn, emailsTo, lastEmailTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { lastLoginCode, logIn, submitPassword } from '../../../test/helpers/login.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { SmtpCapture } from '../../../test/helpers/browser-harness.ts'
import { minutes } from '../../config.ts'
import type { Database } from '../../kernel/db/schema.ts'
import { verifyAuditChain } from './index.ts'
import { sealAuditEvents } from '../../kernel/audit/audit-seal.ts'

const userAgent = 'AuditCoverage/1.0 (test)'
const registrationPassword = 'Tulipe-Rouge-1987!'
const wrongPassword = 'Mauvais-Mot-De-Passe-9?'
const resetPassword = 'Hortensia-Verte-2031!'
const changedPassword = 'Capucine-Jaune-4477!'

class LogCapture extends Writable {
  text = ''
  override _write (chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString('utf8')
    done()
  }
}

function jetonOf (path: string): string {
  return new URL(path, 'http://x').searchParams.get('jeton') ?? ''
}

describe(`audit coverage of every security event (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let b: TestHospital
  const logs = new LogCapture()
  const secrets = new Set<string>([registrationPassword, wrongPassword, resetPassword, changedPassword, testPassword])
  const email = 'anne.lefevre@chu-a.fr'
  let userId = ''
  let managerA = ''

  beforeAll(async () => {
    t = await buildTestApp({ env: { LOG_LEVEL: 'debug' }, logStream: logs })
    ;({ a, b } = await createTwoHospitals(t.db))
    managerA = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId] })
  })
  afterAll(async () => { await t?.close() })

  const events = (type: string) => t.db.selectFrom('audit_event').selectAll().where('type', '=', type).orderBy('seq').execute()
  const keepCookies = (browser: TestBrowser) => {
    for (const [name, value] of browser.cookies) if (!/csrf|langue/.test(name)) secrets.add(value)
  }
  const keepCodes = async (to: string) => {
    for (const e of await emailsTo(t.db, to)) {
      try { secrets.add(codeIn(e)) } catch { /* no code in this email */ }
      try { const j = jetonOf(pathOfLinkIn(e)); if (j) secrets.add(j) } catch { /* no link */ }
    }
  }

  function expectRequestFields (row: Database['audit_event'] & { hospital_id: string | null }, fields: { outcome?: string; hospital?: string; actorRole?: string | null; reason?: string }) {
    expect(row.ip).toBe('127.0.0.1')
    expect(row.user_agent).toBe(userAgent)
    expect(row.outcome).toBe(fields.outcome ?? 'success')
    expect(Number(row.at)).toBeGreaterThan(0)
    if (fields.hospital !== undefined) expect(row.hospital_id).toBe(fields.hospital)
    if (fields.actorRole !== undefined) expect(row.actor_role).toBe(fields.actorRole)
    if (fields.reason !== undefined) expect(JSON.parse(row.details ?? '{}')).toMatchObject({ reason: fields.reason })
  }

  it('records registration, confirmation, activation, login, code, lock, unlock, reset, change, logout and expiry with their fields', async () => {
    const browser = new TestBrowser(t.app, { 'user-agent': userAgent })
    // Registration (user guide §2.1)
    const registered = await browser.post('/inscription', {
      civilite: 'mme', nom: 'Lefèvre', prenom: 'Anne', email, motDePasse: registrationPassword, confirmationMotDePasse: registrationPassword,
      profession: 'medecin', hopital: a.id, sites: [a.siteIds[0] as string], cgu: 'oui',
    })
    expect(registered.statusCode).toBe(303)
    userId = (await t.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id
    const [registration] = await events('account.registered')
    expect(registration?.target_id).toBe(userId)
    expectRequestFields(registration!, { hospital: a.id, actorRole: 'user' })

    // Email confirmation (§2.1)
    const confirmation = pathOfLinkIn(await lastEmailTo(t.db, email))
    expect((await browser.get(confirmation)).statusCode).toBe(200)
    expect((await browser.post('/confirmation', { jeton: jetonOf(confirmation) })).statusCode).toBe(200)
    expectRequestFields((await events('account.emailConfirmed'))[0]!, { hospital: a.id, actorRole: 'user' })

    // Activation by the hospital's account manager (admin guide §4)
    const manager = new TestBrowser(t.app, { 'user-agent': userAgent })
    secrets.add(await signIn(t, manager, managerA))
    expect((await manager.post(`/gestion/comptes/${userId}/activer`, {})).statusCode).toBe(303)
    const [activation] = await events('admin.accountActivated')
    expectRequestFields(activation!, { hospital: a.id, actorRole: 'accountManager' })
    expect(activation?.actor_id).toBe(managerA)

    // Login with the code (§3.1–3.2): code sent, then accepted
    await logIn(t, browser, email, registrationPassword)
    keepCookies(browser)
    expectRequestFields((await events('login.codeSent'))[0]!, { hospital: a.id, actorRole: 'user' })
    expectRequestFields((await events('login.succeeded'))[0]!, { hospital: a.id, actorRole: 'user' })

    // A wrong code
    const other = new TestBrowser(t.app, { 'user-agent': userAgent })
    await submitPassword(other, email, registrationPassword)
    keepCookies(other)
    secrets.add(await lastLoginCode(t, email))
    expect((await other.post('/connexion/code', { code: '00000000' })).statusCode).toBe(401)
    expectRequestFields((await events('login.codeRejected'))[0]!, { outcome: 'failure', hospital: a.id, reason: 'wrongCode' })

    // Wrong passwords until the lock (§3.5)
    for (let i = 0; i < 3; i++) await submitPassword(other, email, wrongPassword)
    const rejected = await events('login.passwordRejected')
    expect(rejected.length).toBeGreaterThanOrEqual(3)
    expectRequestFields(rejected[0]!, { outcome: 'failure', hospital: a.id, reason: 'wrongPassword' })
    expectRequestFields((await events('account.locked'))[0]!, { hospital: a.id })

    // Unlock from the emailed link
    const unlock = pathOfLinkIn(await lastEmailTo(t.db, email))
    expect((await other.post('/deverrouillage', { jeton: jetonOf(unlock) })).statusCode).toBe(303)
    expectRequestFields((await events('account.unlocked'))[0]!, { hospital: a.id, actorRole: 'user' })

    // Password reset (§3.3): requested, then done
    expect((await other.post('/mot-de-passe-oublie', { email })).statusCode).toBe(303)
    expectRequestFields((await events('password.resetRequested'))[0]!, { hospital: a.id })
    const reset = pathOfLinkIn(await lastEmailTo(t.db, email))
    await other.get(reset)
    expect((await other.post('/reinitialisation', { jeton: jetonOf(reset), nouveauMotDePasse: resetPassword, confirmation: resetPassword })).statusCode).toBe(303)
    expectRequestFields((await events('password.reset'))[0]!, { hospital: a.id, actorRole: 'user' })

    // Password changed from « Mon compte », after one wrong current password
    await logIn(t, other, email, resetPassword)
    keepCookies(other)
    await other.post('/mon-compte/mot-de-passe', { motDePasseActuel: wrongPassword, nouveauMotDePasse: changedPassword, confirmation: changedPassword })
    expect((await other.post('/mon-compte/mot-de-passe', { motDePasseActuel: resetPassword, nouveauMotDePasse: changedPassword, confirmation: changedPassword })).statusCode).toBe(303)
    const changes = await events('password.changed')
    expectRequestFields(changes.find((e) => e.outcome === 'failure')!, { outcome: 'failure', reason: 'wrongCurrentPassword', hospital: a.id })
    expectRequestFields(changes.find((e) => e.outcome === 'success')!, { hospital: a.id, actorRole: 'user' })

    // Logout (§3.4)
    keepCookies(other)
    expect((await other.post('/deconnexion', {})).statusCode).toBe(303)
    expectRequestFields((await events('session.loggedOut'))[0]!, { hospital: a.id, actorRole: 'user' })

    // Session expired after the idle time
    await logIn(t, other, email, changedPassword)
    keepCookies(other)
    t.clock.advance(minutes(31))
    await other.get('/mon-compte')
    const [expired] = await events('session.expired')
    expectRequestFields(expired!, { hospital: a.id })
    expect(JSON.parse(expired?.details ?? '{}')).toMatchObject({ reason: 'idle' })
    await keepCodes(email)
  })

  it('records refused actions (403 role, 404 other hospital) with the actor and the request', async () => {
    const user = new TestBrowser(t.app, { 'user-agent': userAgent })
    secrets.add(await signIn(t, user, userId))
    expect((await user.get('/gestion/journal')).statusCode).toBe(403)
    const managerB = await createAccount(t.db, { email: 'gestion@chu-b.fr', siteIds: [b.adminSiteId] })
    const intruder = new TestBrowser(t.app, { 'user-agent': userAgent })
    secrets.add(await signIn(t, intruder, managerB))
    expect((await intruder.post(`/gestion/comptes/${userId}/desactiver`, {})).statusCode).toBe(404)
    const refused = await events('admin.actionRefused')
    const roleRefusal = refused.find((e) => e.actor_id === userId)
    expectRequestFields(roleRefusal!, { outcome: 'refused', actorRole: 'user' })
    const scopeRefusal = refused.find((e) => e.actor_id === managerB)
    expectRequestFields(scopeRefusal!, { outcome: 'refused', actorRole: 'accountManager' })
    expect(scopeRefusal?.target_id).toBe(userId)
    const activated = await t.db.selectFrom('account').select('deactivated_at').where('id', '=', userId).executeTakeFirstOrThrow()
    expect(activated.deactivated_at).toBeNull()
  })

  it('keeps the chain verifiable, and names an edited row', async () => {
    await sealAuditEvents(t.db)
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: true, unsealed: 0 })
    const victim = (await events('login.passwordRejected'))[0]!
    await t.db.updateTable('audit_event').set({ ip: '198.51.100.1' }).where('id', '=', victim.id).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: false, brokenAtSeq: Number(victim.chain_seq), reason: 'content altered' })
    await t.db.updateTable('audit_event').set({ ip: victim.ip }).where('id', '=', victim.id).execute()
  })

  it('leaves no password, code, token or session id in any table or in the debug logs', async () => {
    expect(secrets.size).toBeGreaterThan(10)
    const tables: Array<keyof Database> = ['hospital', 'hospital_email_domain', 'site', 'profession', 'account', 'account_site', 'session',
      'login_challenge', 'account_token', 'rate_limit', 'audit_event', 'audit_chain_head', 'access_review_campaign', 'access_review_notice']
    const dumps: string[] = []
    for (const table of tables) dumps.push(JSON.stringify(await t.db.selectFrom(table).selectAll().execute()))
    dumps.push(JSON.stringify(await t.db.selectFrom('outbox').select(['id', 'recipient', 'subject', 'template', 'status', 'last_error']).execute()))
    const everything = dumps.join('\n')
    expect(logs.text.length).toBeGreaterThan(1000)
    for (const secret of secrets) {
      expect(everything.includes(secret), `secret found in the database: ${secret.slice(0, 3)}…`).toBe(false)
      expect(logs.text.includes(secret), `secret found in the logs: ${secret.slice(0, 3)}…`).toBe(false)
    }
  })
})

describe(`outbox bodies with real SMTP (${testEngine})`, () => {
  it('erases the body of an email holding a link once it is sent', async () => {
    const smtp = await SmtpCapture.start()
    const t = await buildTestApp({ env: { SMTP_URL: smtp.url } })
    try {
      const { a } = await createTwoHospitals(t.db)
      await createAccount(t.db, { email: 'claire@chu-a.fr', siteIds: [a.siteIds[0] as string] })
      const browser = new TestBrowser(t.app)
      expect((await browser.post('/mot-de-passe-oublie', { email: 'claire@chu-a.fr' })).statusCode).toBe(303)
      await t.app.mail.deliverDue()
      const sent = await smtp.waitForEmail('claire@chu-a.fr')
      const token = jetonOf(new URL(/https?:\/\/\S+/.exec(sent.text)?.[0] ?? 'http://x').pathname + new URL(/https?:\/\/\S+/.exec(sent.text)?.[0] ?? 'http://x').search)
      expect(token.length).toBeGreaterThan(20)
      // The request's own kick may be the one delivering: wait for its status update.
      let rows = await t.db.selectFrom('outbox').selectAll().execute()
      for (let i = 0; i < 50 && rows.some((r) => r.status !== 'sent'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        rows = await t.db.selectFrom('outbox').selectAll().execute()
      }
      expect(rows.map((r) => [r.status, r.text_body, r.html_body])).toEqual([['sent', null, null]])
      expect(JSON.stringify(await t.db.selectFrom('account_token').selectAll().execute())).not.toContain(token)
    } finally {
      await t.close()
      await smtp.stop()
    }
  })
})
