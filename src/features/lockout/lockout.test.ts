import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword } from '../../../test/helpers/fixtures.ts'
import { emailsTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { lastLoginCode, logIn, submitPassword } from '../../../test/helpers/login.ts'
import { hours } from '../../config.ts'
import { resetFailedPasswordCount, sendUnlockEmail } from './index.ts'

const wrongPassword = 'Pas-le-bon-42!'

describe(`lockout (user guide §3.5) (${testEngine})`, () => {
  let t: TestApp
  let siteId: string
  let n = 0
  beforeAll(async () => {
    // Generous per-IP limits: this file fires many logins from one address on purpose.
    t = await buildTestApp({ rules: { loginAttemptsPerIp: 10_000, oneTimeCodeAttemptsPerIp: 10_000 } })
    const { a } = await createTwoHospitals(t.db)
    siteId = a.siteIds[0] as string
  })
  afterAll(async () => { await t.close() })

  async function newAccount (locked = false) {
    const email = `verrou${++n}@chu-a.fr`
    const id = await createAccount(t.db, { email, siteIds: [siteId], locked })
    return { email, id }
  }
  const accountRow = (id: string) => t.db.selectFrom('account').select(['locked_at', 'failed_password_count', 'last_login_at']).where('id', '=', id).executeTakeFirstOrThrow()
  const unlockEmails = async (email: string) => (await emailsTo(t.db, email)).filter((e) => e.template === 'unlock')
  const codeEmails = async (email: string) => (await emailsTo(t.db, email)).filter((e) => e.template === 'oneTimeCode')
  const passwordRejectionReasons = async (id: string) => (await t.db.selectFrom('audit_event').select('details')
    .where('target_id', '=', id).where('type', '=', 'login.passwordRejected').execute()).map((e) => (JSON.parse(e.details ?? '{}') as { reason?: string }).reason)

  it('locks the account on the third wrong password and emails one unlock link', async () => {
    const { email, id } = await newAccount()
    const browser = new TestBrowser(t.app)
    for (let i = 1; i <= 3; i++) {
      expect((await submitPassword(browser, email, wrongPassword)).statusCode).toBe(401)
      expect((await accountRow(id)).failed_password_count).toBe(i)
    }
    expect((await accountRow(id)).locked_at).toBe(t.clock.now())
    const mails = await unlockEmails(email)
    expect(mails).toHaveLength(1)
    expect(mails[0]?.subject).toBe('BaMaRa - Déverrouillez votre compte')
    expect(pathOfLinkIn(mails[0]!)).toMatch(/^\/deverrouillage\?jeton=[A-Za-z0-9_-]{43}$/)
    const events = await t.db.selectFrom('audit_event').select('type').where('target_id', '=', id).where('type', '=', 'account.locked').execute()
    expect(events).toHaveLength(1)
  })

  it('refuses the correct password of a locked account with the wrong-password answer, and changes nothing', async () => {
    const { email, id } = await newAccount()
    const browser = new TestBrowser(t.app)
    for (let i = 0; i < 3; i++) await submitPassword(browser, email, wrongPassword)
    const before = await accountRow(id)
    const correct = await submitPassword(browser, email, testPassword)
    const wrong = await submitPassword(browser, email, wrongPassword)
    expect(correct.statusCode).toBe(401)
    expect(correct.body).toContain('Adresse email ou mot de passe incorrect.')
    expect(wrong.statusCode).toBe(401)
    expect(await accountRow(id)).toEqual(before)
    expect(await unlockEmails(email)).toHaveLength(1)
    expect(await codeEmails(email)).toHaveLength(0)
  })

  it('counts 20 parallel wrong passwords, locks once with exactly one email, and refuses a later correct password', async () => {
    const { email, id } = await newAccount()
    const browsers = Array.from({ length: 20 }, () => new TestBrowser(t.app))
    await Promise.all(browsers.map((b) => b.csrfToken()))
    const statuses = (await Promise.all(browsers.map((b) => submitPassword(b, email, wrongPassword)))).map((r) => r.statusCode)
    // An attempt that reads the account once the others have locked it is refused as locked
    // (401, not counted), or 429 past the per-email limit: which ones do depends on the
    // interleaving (on a busy machine some wait for a database connection). Whatever it is,
    // every attempt is refused, and every wrong password read on the unlocked account is counted.
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([])
    const reasons = await passwordRejectionReasons(id)
    expect(reasons.length + statuses.filter((s) => s === 429).length).toBe(20)
    const row = await accountRow(id)
    expect(row.failed_password_count).toBe(reasons.filter((r) => r === 'wrongPassword').length)
    expect(row.failed_password_count).toBeGreaterThanOrEqual(3)
    expect(row.locked_at).not.toBeNull()
    expect(await unlockEmails(email)).toHaveLength(1)
    // 401 like any wrong password, or 429 once the per-email limit is spent (as for an unknown email).
    expect([401, 429]).toContain((await submitPassword(new TestBrowser(t.app), email, testPassword)).statusCode)
    expect(await codeEmails(email)).toHaveLength(0)
  })

  it('resets the count on a correct password: 2 wrong, 1 right, 2 wrong leaves the account unlocked', async () => {
    const { email, id } = await newAccount()
    const browser = new TestBrowser(t.app)
    await submitPassword(browser, email, wrongPassword)
    await submitPassword(browser, email, wrongPassword)
    expect((await submitPassword(browser, email, testPassword)).statusCode).toBe(303)
    expect((await accountRow(id)).failed_password_count).toBe(0)
    await submitPassword(browser, email, wrongPassword)
    await submitPassword(browser, email, wrongPassword)
    expect(await accountRow(id)).toMatchObject({ locked_at: null, failed_password_count: 2 })
    expect(await unlockEmails(email)).toHaveLength(0)
  })

  it('counts case and space variants of the email against the same account', async () => {
    const { email, id } = await newAccount()
    const browser = new TestBrowser(t.app)
    await submitPassword(browser, email.toUpperCase(), wrongPassword)
    await submitPassword(browser, `  ${email} `, wrongPassword)
    await submitPassword(browser, ` ${email.replace('verrou', 'VERROU')}`, wrongPassword)
    expect((await accountRow(id)).locked_at).not.toBeNull()
    expect(await unlockEmails(email)).toHaveLength(1)
  })

  it('never lets a correct password racing 3 wrong ones leave the account both locked and logged in', async () => {
    for (let round = 0; round < 4; round++) {
      const { email, id } = await newAccount()
      const browsers = Array.from({ length: 4 }, () => new TestBrowser(t.app))
      await Promise.all(browsers.map((b) => b.csrfToken()))
      const [correct] = await Promise.all([
        submitPassword(browsers[0]!, email, testPassword),
        ...browsers.slice(1).map((b) => submitPassword(b, email, wrongPassword)),
      ])
      const locked = (await accountRow(id)).locked_at !== null
      if (correct!.statusCode === 303) {
        const codeStep = await browsers[0]!.post('/connexion/code', { code: await lastLoginCode(t, email) })
        const sessions = await t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()
        // Locked after the password was accepted: the code step must refuse.
        expect(sessions.length === 1).toBe(!locked)
        expect(codeStep.headers.location === '/mon-compte').toBe(!locked)
      } else {
        expect(correct!.statusCode).toBe(401)
        expect(locked).toBe(true)
      }
      expect(await unlockEmails(email)).toHaveLength(locked ? 1 : 0)
    }
  })

  it('refuses to reset the count of an account locked meanwhile (the re-check of a correct password)', async () => {
    const { id } = await newAccount(true)
    expect(await t.db.transaction().execute((tx) => resetFailedPasswordCount(tx, id))).toBeUndefined()
    expect(await accountRow(id)).toMatchObject({ failed_password_count: 3 })
  })

  it('unlocks with the emailed link: a GET page with one button, a single-use POST that does not log in', async () => {
    const { email, id } = await newAccount()
    const browser = new TestBrowser(t.app)
    for (let i = 0; i < 3; i++) await submitPassword(browser, email, wrongPassword)
    const link = pathOfLinkIn((await unlockEmails(email))[0]!)
    const token = new URL(link, 'http://x').searchParams.get('jeton') as string

    const page = await browser.get(link)
    expect(page.statusCode).toBe(200)
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.body).toContain('Déverrouiller mon compte')
    expect((await accountRow(id)).locked_at).not.toBeNull()

    const unlocked = await browser.post('/deverrouillage', { jeton: token })
    expect(unlocked.statusCode).toBe(303)
    expect(unlocked.headers.location).toBe('/connexion?deverrouille=1')
    expect(await accountRow(id)).toMatchObject({ locked_at: null, failed_password_count: 0 })
    expect([...browser.cookies.keys()].some((k) => k.endsWith('session'))).toBe(false)
    expect(await t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
    expect((await browser.get('/connexion?deverrouille=1')).body).toContain('Votre compte est déverrouillé')

    const replay = await browser.post('/deverrouillage', { jeton: token })
    expect(replay.statusCode).toBe(400)
    expect(replay.body).toContain('Lien de déverrouillage invalide')
    expect((await browser.get(link)).statusCode).toBe(400)

    expect((await logIn(t, browser, email)).headers.location).toBe('/mon-compte')
    const events = await t.db.selectFrom('audit_event').select('type').where('target_id', '=', id).where('type', '=', 'account.unlocked').execute()
    expect(events).toHaveLength(1)
  })

  it('refuses an expired, blank, forged or malformed unlock link with a generic page, never a 500', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(t.app)
    for (let i = 0; i < 3; i++) await submitPassword(browser, email, wrongPassword)
    const link = pathOfLinkIn((await unlockEmails(email))[0]!)
    t.clock.advance(hours(24) + 1)
    expect((await browser.get(link)).statusCode).toBe(400)
    for (const jeton of ['', 'x'.repeat(43), 'a'.repeat(5000), '<script>', '../../etc']) {
      expect((await browser.post('/deverrouillage', { jeton })).statusCode).toBe(400)
      expect((await browser.get(`/deverrouillage?jeton=${encodeURIComponent(jeton)}`)).statusCode).toBe(400)
    }
    expect((await browser.get('/deverrouillage')).statusCode).toBe(400)
    expect((await browser.post('/deverrouillage', {})).statusCode).toBe(400)
    expect((await browser.post('/deverrouillage', { jeton: ['a', 'b'] })).statusCode).toBe(400)
    expect((await browser.post('/deverrouillage', { jeton: new URL(link, 'http://x').searchParams.get('jeton')! }, { csrf: false })).statusCode).toBe(403)
  })

  it('accepts an unlock link once even when two submissions race', async () => {
    const { email, id } = await newAccount()
    const browser = new TestBrowser(t.app)
    for (let i = 0; i < 3; i++) await submitPassword(browser, email, wrongPassword)
    const jeton = new URL(pathOfLinkIn((await unlockEmails(email))[0]!), 'http://x').searchParams.get('jeton') as string
    const results = await Promise.all([browser.post('/deverrouillage', { jeton }), browser.post('/deverrouillage', { jeton })])
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 400])
    const events = await t.db.selectFrom('audit_event').select('type').where('target_id', '=', id).where('type', '=', 'account.unlocked').execute()
    expect(events).toHaveLength(1)
  })

  it('lets the admin console send a new unlock link, which voids the previous one', async () => {
    const { email, id } = await newAccount(true)
    const sent = await t.db.transaction().execute((tx) => sendUnlockEmail(t.app.flow, tx, id))
    expect(sent).toBe(true)
    const first = pathOfLinkIn((await unlockEmails(email))[0]!)
    await t.db.transaction().execute((tx) => sendUnlockEmail(t.app.flow, tx, id))
    const mails = await unlockEmails(email)
    expect(mails).toHaveLength(2)
    const browser = new TestBrowser(t.app)
    expect((await browser.get(first)).statusCode).toBe(400)
    expect((await browser.get(pathOfLinkIn(mails[1]!))).statusCode).toBe(200)

    const { id: openId, email: openEmail } = await newAccount()
    expect(await t.db.transaction().execute((tx) => sendUnlockEmail(t.app.flow, tx, openId))).toBe(false)
    expect(await unlockEmails(openEmail)).toHaveLength(0)
  })
})
