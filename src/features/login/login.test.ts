import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword, type TestAccountFields } from '../../../test/helpers/fixtures.ts'
import { numberedAccounts, suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'
import { emailsTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { lastLoginCode, logIn, submitPassword } from '../../../test/helpers/login.ts'
import { issueToken } from '../../kernel/security/tokens.ts'

const wrongPassword = 'Pas-le-bon-42!'

/** The body without what differs per response by design: the CSP nonce and the typed email. */
function comparable (body: string, typedEmail: string) {
  return body.replace(/nonce="[^"]*"/g, 'nonce=""').replaceAll(typedEmail, 'EMAIL')
}

describe(`login, password step (user guide §3.1) (${testEngine})`, () => {
  const s = suiteWithTwoHospitals({ rules: { loginAttemptsPerIp: 10_000, oneTimeCodeAttemptsPerIp: 10_000, loginAttemptsPerAccount: 4 } })
  const numberedAccount = numberedAccounts(s, 'compte')
  const newAccount = (fields: Partial<TestAccountFields> = {}) => numberedAccount({ siteIds: [s.a.siteIds[0] as string], ...fields })
  const codeEmails = async (email: string) => (await emailsTo(s.t.db, email)).filter((e) => e.template === 'oneTimeCode')

  it('shows the login box with the guide’s labels and the links under it', async () => {
    const page = await new TestBrowser(s.t.app).get('/connexion')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<label for="email">Adresse email</label>')
    expect(page.body).toContain('<label for="password">Mot de passe</label>')
    expect(page.body).toMatch(/<button type="submit" class="primary">Se connecter<\/button>/)
    expect(page.body).toContain('<a href="/mot-de-passe-oublie">Mot de passe oublié ?</a>')
    expect(page.body).toContain('<a href="/inscription">S’inscrire</a>')
    expect(page.body).toContain('autocomplete="current-password"')
    expect(page.body).toContain('type="password"')
  })

  it('logs in through the password and the emailed code: a new session cookie without expiry date', async () => {
    const { email, id } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const passwordStep = await submitPassword(browser, email)
    expect(passwordStep.statusCode).toBe(303)
    expect(passwordStep.headers.location).toBe('/connexion/code')
    const preLogin = String(passwordStep.headers['set-cookie'])
    expect(preLogin).toMatch(/preconnexion=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/)
    expect(preLogin).not.toMatch(/Expires|Max-Age/i)
    const mail = (await codeEmails(email))[0]!
    expect(mail.subject).toBe('BaMaRa - Mot de passe à usage unique')
    expect(mail.text).toMatch(/\n\d{8}\n/)

    const page = await browser.get('/connexion/code')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Code à usage unique')
    expect(page.body).toContain('inputmode="numeric"')
    expect(page.body).toContain('autocomplete="one-time-code"')
    expect(page.body).toContain('Envoyer un nouveau code')

    const done = await browser.post('/connexion/code', { code: await lastLoginCode(s.t, email) })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/mon-compte')
    const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? [])
    const session = cookies.find((c) => c.startsWith(`${s.t.app.sessionCookie}=`)) as string
    expect(session).toMatch(/^session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(cookies.some((c) => c.startsWith('preconnexion=;'))).toBe(true)
    const row = await s.t.db.selectFrom('account').select(['last_login_at', 'failed_password_count']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.last_login_at).toBe(s.t.clock.now())
    expect(await s.t.db.selectFrom('login_challenge').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
    const events = await s.t.db.selectFrom('audit_event').select('type').where('target_id', '=', id).orderBy('seq').execute()
    expect(events.map((e) => e.type)).toEqual(['login.codeSent', 'login.succeeded'])
    // Logged in: the login page sends the user on.
    expect((await browser.get('/connexion')).statusCode).toBe(303)
  })

  it('gives an unknown email, a wrong password and a locked account the same status and body', async () => {
    const wrong = await newAccount()
    const locked = await newAccount({ locked: true })
    const unknown = 'compteX@chu-a.fr'
    expect(unknown.length).toBe(wrong.email.length)
    const browser = new TestBrowser(s.t.app)
    await browser.csrfToken()
    const answers = [
      [await submitPassword(browser, unknown, wrongPassword), unknown],
      [await submitPassword(browser, wrong.email, wrongPassword), wrong.email],
      [await submitPassword(browser, locked.email, wrongPassword), locked.email],
      [await submitPassword(browser, locked.email, testPassword), locked.email],
    ] as const
    for (const [response, email] of answers) {
      expect(response.statusCode).toBe(401)
      expect(response.headers['set-cookie']).toBeUndefined()
      expect(comparable(response.body, email)).toBe(comparable(answers[0][0].body, unknown))
      expect(response.body).toContain('Adresse email ou mot de passe incorrect.')
    }
    expect(await codeEmails(locked.email)).toHaveLength(0)
  })

  it('spends as long on an unknown email as on a known one (a dummy hash is verified)', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    await browser.csrfToken()
    const time = async (typed: string) => {
      const start = performance.now()
      await submitPassword(browser, typed, wrongPassword)
      return performance.now() - start
    }
    const known: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < 2; i++) {
      known.push(await time(email))
      unknown.push(await time(`personne${i}@chu-a.fr`))
    }
    // Lenient (shared CI cores): without the dummy hash an unknown email answers ~50× faster.
    expect(Math.min(...unknown)).toBeGreaterThan(Math.min(...known) / 4)
  })

  it('says why only after the correct password: unconfirmed, awaiting activation, deactivated', async () => {
    const cases = [
      { state: 'unconfirmed' as const, title: 'Adresse email non confirmée', text: 'Veuillez confirmer votre adresse email' },
      { state: 'pendingActivation' as const, title: 'Compte en attente d’activation', text: 'n’a pas encore été activé par un gestionnaire de comptes' },
      { state: 'deactivated' as const, title: 'Compte désactivé', text: 'Votre compte a été désactivé' },
    ]
    for (const c of cases) {
      const { email, id } = await newAccount({ state: c.state })
      const browser = new TestBrowser(s.t.app)
      const wrong = await submitPassword(browser, email, wrongPassword)
      expect(wrong.statusCode).toBe(401)
      expect(wrong.body).not.toContain(c.title)
      const right = await submitPassword(browser, email, testPassword)
      expect(right.statusCode).toBe(403)
      expect(right.body).toContain(c.title)
      expect(right.body).toContain(c.text)
      expect(right.headers['set-cookie']).toBeUndefined()
      expect(await codeEmails(email)).toHaveLength(0)
      expect(await s.t.db.selectFrom('login_challenge').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
      expect(await s.t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
      const row = await s.t.db.selectFrom('account').select('failed_password_count').where('id', '=', id).executeTakeFirstOrThrow()
      expect(row.failed_password_count).toBe(0)
      if (c.state === 'unconfirmed') {
        expect(right.body).toContain('action="/confirmation/renvoyer"')
        expect(right.body).toContain(`name="email" value="${email}"`)
        expect((await browser.post('/confirmation/renvoyer', { email })).statusCode).toBe(303)
        expect((await emailsTo(s.t.db, email)).length).toBeGreaterThan(0)
      }
    }
  })

  it('tells an account manager awaiting activation that the super-administrators activate it', async () => {
    const { email } = await newAccount({ state: 'pendingActivation', siteIds: [s.a.adminSiteId] })
    const right = await submitPassword(new TestBrowser(s.t.app), email, testPassword)
    expect(right.statusCode).toBe(403)
    expect(right.body).toContain('Votre compte n’a pas encore été activé par les super-administrateurs')
  })

  it('leaves no account state behind failures on an unknown email, nor the typed email in the rate-limit table', async () => {
    const email = 'futur.inscrit@chu-a.fr'
    await submitPassword(new TestBrowser(s.t.app), email, wrongPassword)
    expect(await s.t.db.selectFrom('account').select('id').where('email', '=', email).execute()).toHaveLength(0)
    const keys = await s.t.db.selectFrom('rate_limit').select('key').execute()
    expect(keys.some((k) => k.key.includes('futur'))).toBe(false)
    await createAccount(s.t.db, { email, siteIds: [s.a.siteIds[0] as string] })
    expect((await submitPassword(new TestBrowser(s.t.app), email, testPassword)).statusCode).toBe(303)
  })

  it('refuses unknown emails and locked accounts alike past the per-email limit, but never a correct password on an unlocked account', async () => {
    const browser = new TestBrowser(s.t.app)
    const unknown = 'inconnu.limite@chu-a.fr'
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await submitPassword(browser, unknown, wrongPassword)).statusCode)
    expect(statuses).toEqual([401, 401, 401, 401, 429])

    const victim = await newAccount()
    const attacker = new TestBrowser(s.t.app)
    const victimStatuses = []
    for (let i = 0; i < 5; i++) victimStatuses.push((await submitPassword(attacker, victim.email, wrongPassword)).statusCode)
    expect(victimStatuses).toEqual([401, 401, 401, 401, 429])

    // An open account whose email was hammered past the limit still logs in with its password.
    const owner = await newAccount()
    for (let i = 0; i < 2; i++) await submitPassword(attacker, owner.email, wrongPassword)
    await logIn(s.t, new TestBrowser(s.t.app), owner.email)
    for (let i = 0; i < 2; i++) await submitPassword(attacker, owner.email, wrongPassword)
    const ownerStep = await submitPassword(new TestBrowser(s.t.app), owner.email, testPassword)
    expect(ownerStep.statusCode).toBe(303)
  })

  it('sends at most rules.oneTimeCodesSentPerAccount codes per window: a known password cannot flood the inbox', async () => {
    const { email } = await newAccount()
    const limit = s.t.config.rules.oneTimeCodesSentPerAccount
    const browsers = Array.from({ length: limit + 1 }, () => new TestBrowser(s.t.app))
    const statuses: number[] = []
    for (const browser of browsers) statuses.push((await submitPassword(browser, email)).statusCode)
    expect(statuses).toEqual([...Array.from({ length: limit }, () => 303), 429])
    expect(await codeEmails(email)).toHaveLength(limit)
    // The refused attempt rolled back: the last accepted browser's code still works.
    const last = browsers[limit - 1]!
    const code = await lastLoginCode(s.t, email)
    expect((await last.post('/connexion/code', { code })).statusCode).toBe(303)
  })

  it('keeps « retour » through the whole login and refuses to send the user to another site', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const page = await browser.get('/connexion?retour=%2Fgestion%2Fcomptes%3Fpage%3D2&expiree=1')
    expect(page.body).toContain('name="retour" value="/gestion/comptes?page=2"')
    expect(page.body).toContain('Votre session a expiré')
    const done = await logIn(s.t, browser, email, testPassword, '/gestion/comptes?page=2')
    expect(done.headers.location).toBe('/gestion/comptes?page=2')

    for (const retour of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const other = new TestBrowser(s.t.app)
      // Only the language switch's own « retour » remains; the login form carries none.
      expect((await other.get(`/connexion?retour=${encodeURIComponent(retour)}`)).body.match(/name="retour"/g)).toHaveLength(1)
      expect((await logIn(s.t, other, email, testPassword, retour)).headers.location).toBe('/mon-compte')
    }
  })

  it('gives the login a new session id: a cookie planted before login is never adopted', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const planted = issueToken().token
    browser.cookies.set(s.t.app.sessionCookie, planted)
    await logIn(s.t, browser, email)
    const session = browser.cookies.get(s.t.app.sessionCookie)
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(session).not.toBe(planted)

    // An attacker's own valid session planted in the victim's browser is ended, not kept.
    const attacker = await newAccount()
    const attackerBrowser = new TestBrowser(s.t.app)
    await logIn(s.t, attackerBrowser, attacker.email)
    const victimBrowser = new TestBrowser(s.t.app)
    const attackerSession = attackerBrowser.cookies.get(s.t.app.sessionCookie) as string
    victimBrowser.cookies.set(s.t.app.sessionCookie, attackerSession)
    const victim = await newAccount()
    await submitPassword(victimBrowser, victim.email)
    await victimBrowser.post('/connexion/code', { code: await lastLoginCode(s.t, victim.email) })
    expect(victimBrowser.cookies.get(s.t.app.sessionCookie)).not.toBe(attackerSession)
    const sessions = await s.t.db.selectFrom('session').select('account_id').where('account_id', '=', attacker.id).execute()
    expect(sessions).toHaveLength(0)
  })

  it('answers malformed forms with the form and a 400, never a 500, and refuses a forged request', async () => {
    const browser = new TestBrowser(s.t.app)
    const forms: Array<Record<string, string | string[]>> = [
      {}, { email: '' , password: '' }, { email: 'a@b.fr' }, { password: 'x' },
      { email: 'x'.repeat(10_000), password: 'y' }, { email: 'a@b.fr', password: 'y'.repeat(5000) },
      { email: ['a@b.fr', 'c@d.fr'], password: 'x' }, { email: 'a@b.fr', password: ['x', 'y'] },
      { email: 'a@b.fr', password: 'x', retour: 'z'.repeat(1000) },
    ]
    for (const form of forms) {
      const response = await browser.post('/connexion', form)
      expect(response.statusCode, JSON.stringify(form).slice(0, 80)).toBe(400)
      expect(response.body).toContain('Le formulaire contient')
    }
    const unicode = await browser.post('/connexion', { email: 'éèœ😀@hôpital.fr', password: '密码🔑\u0000' })
    expect(unicode.statusCode).toBe(401)
    expect((await browser.post('/connexion', { email: 'a@b.fr', password: 'x' }, { csrf: false })).statusCode).toBe(403)
    expect((await browser.post('/connexion', { email: 'a@b.fr', password: 'x' }, { headers: { 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403)
    expect((await browser.get('/connexion?retour=' + 'x'.repeat(2000))).statusCode).toBe(200)
  })

  it('stores no password, code, token or session id in clear in the database', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    for (let i = 0; i < 3; i++) await submitPassword(browser, email, wrongPassword)
    const unlock = (await emailsTo(s.t.db, email)).find((e) => e.template === 'unlock')!
    const unlockToken = new URL(pathOfLinkIn(unlock), 'http://x').searchParams.get('jeton') as string
    await browser.post('/deverrouillage', { jeton: unlockToken })
    await submitPassword(browser, email)
    const preLogin = browser.cookies.get('preconnexion') as string
    const code = await lastLoginCode(s.t, email)
    await browser.post('/connexion/code', { code })
    const session = browser.cookies.get(s.t.app.sessionCookie) as string
    expect(session).toBeTruthy()

    const tables = ['account', 'session', 'login_challenge', 'account_token', 'rate_limit', 'audit_event', 'outbox'] as const
    let dump = ''
    for (const table of tables) {
      const rows = await s.t.db.selectFrom(table).selectAll().execute()
      // Outbox bodies are the emails themselves: kept only by the dev mailbox, erased once sent over SMTP.
      dump += JSON.stringify(rows.map((r) => ({ ...r, text_body: undefined, html_body: undefined })))
    }
    for (const secret of [testPassword, wrongPassword, code, unlockToken, preLogin, session]) {
      expect(dump.includes(secret), secret).toBe(false)
    }
  })
})

describe(`login rate limits (${testEngine})`, () => {
  let t: TestApp
  let siteId: string
  beforeAll(async () => {
    t = await buildTestApp({ rules: { loginAttemptsPerIp: 3, oneTimeCodeAttemptsPerIp: 3 } })
    siteId = (await createTwoHospitals(t.db)).a.siteIds[0] as string
  })
  afterAll(async () => { await t.close() })

  it('limits password attempts per IP address, with a French message and Retry-After', async () => {
    const browser = new TestBrowser(t.app)
    for (let i = 0; i < 3; i++) expect((await submitPassword(browser, `x${i}@chu-a.fr`, wrongPassword)).statusCode).toBe(401)
    const limited = await submitPassword(browser, 'x9@chu-a.fr', wrongPassword)
    expect(limited.statusCode).toBe(429)
    expect(limited.body).toContain('Trop de demandes en peu de temps')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('limits code attempts and resends per IP address', async () => {
    t.clock.advance(t.config.rules.loginRateLimitWindow)
    const email = 'limite.code@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [siteId] })
    const browser = new TestBrowser(t.app)
    await submitPassword(browser, email)
    const code = await lastLoginCode(t, email)
    const wrong = String((Number(code) + 1) % 100_000_000).padStart(8, '0')
    for (let i = 0; i < 2; i++) expect((await browser.post('/connexion/code', { code: wrong })).statusCode).toBe(401)
    expect((await browser.post('/connexion/nouveau-code', {})).statusCode).toBe(429) // too soon (20 s)
    const limited = await browser.post('/connexion/code', { code })
    expect(limited.statusCode).toBe(429)
    expect(limited.body).toContain('Trop de demandes en peu de temps')
  })
})
