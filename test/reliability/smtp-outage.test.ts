/**
 * SMTP down during registration, login code, password reset and lockout (docs/security.md « What is defended, how, which test »: faults):
 * every request still succeeds (the email waits in the outbox, written in the same transaction
 * as the change), the code page says plainly that its email could not be sent yet,
 * « Envoyer un nouveau code » works, and once SMTP answers again every email leaves exactly
 * once and its link or code works. A real SMTP server (answering 451 while « down »), the app
 * in-process with a controlled clock so the dispatcher's back-off is stepped, not waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { codeIn, pathOfLinkIn } from '../helpers/mailbox.ts'
import { startSmtpCapture, type SmtpCapture } from '../helpers/browser-harness.ts'
import { seconds } from '../../src/config.ts'

const delayedNotice = 'L’email contenant votre code n’a pas encore pu être envoyé'

async function outboxRows (t: TestApp) {
  return t.db.selectFrom('outbox').select(['id', 'recipient', 'subject', 'template', 'status', 'attempts']).orderBy('id').execute()
}

describe(`SMTP down during the flows that send email (${testEngine})`, () => {
  let t: TestApp
  let smtp: SmtpCapture
  let a: TestHospital
  beforeAll(async () => {
    smtp = await startSmtpCapture()
    t = await buildTestApp({ env: { SMTP_URL: smtp.url }, rules: { passwordResetRequestMinimumDuration: 0 } })
    ;({ a } = await createTwoHospitals(t.db))
  })
  afterAll(async () => {
    await t?.close()
    await smtp?.stop()
  })

  it('accepts every request, says the code is delayed, then sends each email once when SMTP is back', async () => {
    const codeUser = 'code.user@chu-a.fr'
    const resetUser = 'reset.user@chu-a.fr'
    const lockUser = 'lock.user@chu-a.fr'
    const newcomer = 'new.comer@chu-a.fr'
    for (const email of [codeUser, resetUser, lockUser]) await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string] })

    smtp.failing = true

    // Registration (user guide §2.1).
    const registering = new TestBrowser(t.app)
    const registered = await registering.post('/inscription', {
      civilite: 'mme', nom: 'Comer', prenom: 'Nina', email: newcomer,
      motDePasse: 'Tulipe-Rouge-1987!', confirmationMotDePasse: 'Tulipe-Rouge-1987!',
      profession: 'medecin', hopital: a.id, sites: [a.siteIds[1] as string], cgu: 'oui',
    })
    expect(registered.statusCode).toBe(303)
    expect(registered.headers.location).toBe('/inscription/envoyee')

    // Login code (§3.2): the page says plainly that the email has not left yet.
    const loggingIn = new TestBrowser(t.app)
    const passwordStep = await loggingIn.post('/connexion', { email: codeUser, password: testPassword })
    expect(passwordStep.statusCode).toBe(303)
    expect(passwordStep.headers.location).toBe('/connexion/code')
    const codePage = await loggingIn.get('/connexion/code')
    expect(codePage.statusCode).toBe(200)
    expect(codePage.body).toContain(delayedNotice)
    expect(codePage.body).toContain('Envoyer un nouveau code')

    // Password reset (§3.3).
    const resetting = new TestBrowser(t.app)
    const requested = await resetting.post('/mot-de-passe-oublie', { email: resetUser })
    expect(requested.statusCode).toBe(303)

    // Lockout (§3.5): the third wrong password locks and queues the unlock email.
    const attacker = new TestBrowser(t.app)
    for (let i = 0; i < 3; i++) {
      expect((await attacker.post('/connexion', { email: lockUser, password: 'wrong-password' })).statusCode).toBe(401)
    }
    const locked = await t.db.selectFrom('account').select('locked_at').where('email', '=', lockUser).executeTakeFirstOrThrow()
    expect(locked.locked_at).not.toBeNull()

    await t.app.mail.kick()
    expect(smtp.messages).toHaveLength(0)
    let rows = await outboxRows(t)
    expect(rows.map((r) => r.template).sort()).toEqual(['emailConfirmation', 'oneTimeCode', 'passwordReset', 'unlock'])
    expect(rows.every((r) => r.status === 'pending' && r.attempts >= 1)).toBe(true)

    // « Envoyer un nouveau code » while SMTP is still down: accepted, and the page still says it.
    t.clock.advance(seconds(20))
    const resent = await loggingIn.post('/connexion/nouveau-code', {})
    expect(resent.statusCode).toBe(303)
    expect(resent.headers.location).toBe('/connexion/code?nouveau=1')
    const afterResend = await loggingIn.get('/connexion/code?nouveau=1')
    expect(afterResend.body).toContain(delayedNotice)
    expect(afterResend.body).not.toContain('Un nouveau code vient de vous être envoyé')

    // SMTP is back: past the back-off every email leaves, once.
    smtp.failing = false
    t.clock.advance(seconds(10))
    await t.app.mail.kick()
    rows = await outboxRows(t)
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([])
    expect(smtp.messages).toHaveLength(rows.length)
    for (const row of rows) {
      expect(smtp.messages.filter((m) => m.to === row.recipient && m.subject === row.subject).length)
        .toBe(rows.filter((r) => r.recipient === row.recipient && r.subject === row.subject).length)
    }
    // What arrived works: the newest code logs in, the links open their pages.
    const codes = smtp.emailsTo(codeUser)
    expect(codes).toHaveLength(2)
    // They may arrive in either order (back-off): the replaced code is refused, the new one logs in.
    let loggedIn = await loggingIn.post('/connexion/code', { code: codeIn(codes[0] as never) })
    if (loggedIn.statusCode === 401) loggedIn = await loggingIn.post('/connexion/code', { code: codeIn(codes[1] as never) })
    expect(loggedIn.statusCode).toBe(303)
    expect(loggedIn.headers.location).toBe('/mon-compte')
    expect((await loggingIn.get('/mon-compte')).statusCode).toBe(200)
    for (const address of [newcomer, resetUser, lockUser]) {
      const [email] = smtp.emailsTo(address)
      const page = await new TestBrowser(t.app).get(pathOfLinkIn(email as never))
      expect(page.statusCode, address).toBe(200)
    }
    // Later rounds send nothing more.
    t.clock.advance(seconds(60))
    await t.app.mail.kick()
    expect(smtp.messages).toHaveLength(rows.length)
  })

  it('on the code page says nothing when the email did leave', async () => {
    const email = 'prompt.user@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string] })
    const browser = new TestBrowser(t.app)
    expect((await browser.post('/connexion', { email, password: testPassword })).statusCode).toBe(303)
    const page = await browser.get('/connexion/code')
    expect(page.body).not.toContain(delayedNotice)
    expect(smtp.emailsTo(email)).toHaveLength(1)
  })
})
