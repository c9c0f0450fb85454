import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hours, minutes } from '../../config.ts'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { codeIn, emailsTo, lastEmailTo, linkIn, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { numberedAccounts, suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'
import { verifyPassword } from '../../kernel/security/passwords.ts'

const newPassword = 'Lavande-Verte-2026?'
const passphrase = 'Correct horse battery staple 7! rouge cerise, gare du nord à 9h.'

describe(`forgotten password, user guide §3.3 (${testEngine})`, () => {
  // Per-IP limits are raised here (every test comes from 127.0.0.1); a test below checks them with the defaults.
  const s = suiteWithTwoHospitals({ rules: { passwordResetRequestsPerIp: 10_000, passwordResetAttemptsPerIp: 10_000, passwordResetRequestMinimumDuration: 0 } })
  const numberedAccount = numberedAccounts(s, 'claire.dupont.')
  const newAccount = (fields: { locked?: boolean } = {}) => numberedAccount({ siteIds: [s.a.siteIds[0] as string], ...fields })

  async function requestLink (browser: TestBrowser, email: string): Promise<string> {
    const response = await browser.post('/mot-de-passe-oublie', { email })
    expect(response.statusCode).toBe(303)
    return pathOfLinkIn(await lastEmailTo(s.t.db, email))
  }

  async function storedHash (id: string) {
    const row = await s.t.db.selectFrom('account').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()
    return row.password_hash
  }

  const resetForm = (token: string, password = newPassword, confirmation = password) =>
    ({ jeton: token, nouveauMotDePasse: password, confirmation })
  const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('jeton') as string

  it('follows the guide: request, email, new password, then the login page (no session)', async () => {
    const { id, email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const form = await browser.get('/mot-de-passe-oublie')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Envoyer la demande')

    const sent = await browser.post('/mot-de-passe-oublie', { email: ` ${email.toUpperCase()} ` })
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe('/mot-de-passe-oublie/envoye')
    const sentPage = await browser.get('/mot-de-passe-oublie/envoye')
    expect(sentPage.body).toContain('vous allez recevoir un email')

    const email1 = await lastEmailTo(s.t.db, email)
    expect(email1.subject).toBe('BaMaRa - Changez votre mot de passe')
    expect(email1.text).toContain('6 heures')
    const link = pathOfLinkIn(email1)
    expect(link).toMatch(/^\/reinitialisation\?jeton=[A-Za-z0-9_-]{43}$/)

    const page = await browser.get(link)
    expect(page.statusCode).toBe(200)
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.body).toContain('Nouveau mot de passe')
    expect(page.body).toContain('Confirmez votre nouveau mot de passe')
    expect(page.body).toContain('Changer mon mot de passe')
    expect(page.body).toContain('autocomplete="new-password"')
    expect(page.body).toContain(`name="jeton" value="${tokenOf(link)}"`)
    expect(page.body).toContain('data-password-rules="nouveauMotDePasse"')
    expect(page.body).toContain('src="/static/password-rules.js"')

    const done = await browser.post('/reinitialisation', resetForm(tokenOf(link)))
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/connexion?reinitialise=1')
    expect(done.headers['referrer-policy']).toBe('no-referrer')

    const hash = await storedHash(id)
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1')).toBe(true)
    expect(await verifyPassword(hash, newPassword)).toBe(true)
    expect(await verifyPassword(hash, testPassword)).toBe(false)

    const notice = await lastEmailTo(s.t.db, email)
    expect(notice.subject).toBe('BaMaRa - Votre mot de passe a été modifié')
    expect([...browser.cookies.keys()].some((k) => k.includes('session'))).toBe(false)
    expect(await s.t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
    const account = await browser.get('/mon-compte')
    expect(account.statusCode).toBe(303)

    const events = await s.t.db.selectFrom('audit_event').select(['type', 'outcome', 'details'])
      .where('target_id', '=', id).orderBy('seq').execute()
    expect(events.map((e) => e.type)).toEqual(['password.resetRequested', 'password.reset'])
    for (const e of events) expect(e.details ?? '').not.toContain(tokenOf(link))

    // The next login still needs the emailed code (ASVS 6.4.3), and the old password is dead.
    const oldPassword = await new TestBrowser(s.t.app).post('/connexion', { email, password: testPassword })
    expect(oldPassword.headers.location).not.toBe('/connexion/code')
    const login = await browser.post('/connexion', { email, password: newPassword })
    expect(login.statusCode).toBe(303)
    expect(login.headers.location).toBe('/connexion/code')
    expect(await s.t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
    const code = await browser.post('/connexion/code', { code: codeIn(await lastEmailTo(s.t.db, email)) })
    expect(code.statusCode).toBe(303)
    expect((await browser.get('/mon-compte')).statusCode).toBe(200)
  })

  it('answers an unknown address byte for byte like a known one, and emails nobody', async () => {
    const { email } = await newAccount()
    const unknown = 'personne.inconnue@chu-a.fr'
    const known1 = new TestBrowser(s.t.app)
    const unknown1 = new TestBrowser(s.t.app)
    await known1.get('/mot-de-passe-oublie')
    await unknown1.get('/mot-de-passe-oublie')
    const a = await known1.post('/mot-de-passe-oublie', { email })
    const b = await unknown1.post('/mot-de-passe-oublie', { email: unknown })
    expect(b.statusCode).toBe(a.statusCode)
    expect(b.headers.location).toBe(a.headers.location)
    expect(b.body).toBe(a.body)
    expect(Object.keys(b.headers).sort()).toEqual(Object.keys(a.headers).sort())
    const pageA = await known1.get('/mot-de-passe-oublie/envoye')
    const pageB = await unknown1.get('/mot-de-passe-oublie/envoye')
    const scrub = (body: string) => body.replace(/value="[A-Za-z0-9_-]{43}"/g, '').replace(/nonce="[^"]*"/g, '')
    expect(scrub(pageB.body)).toBe(scrub(pageA.body))
    expect(await emailsTo(s.t.db, email)).toHaveLength(1)
    expect(await emailsTo(s.t.db, unknown)).toHaveLength(0)
    expect(await s.t.db.selectFrom('account').select('id').where('email', '=', unknown).execute()).toHaveLength(0)
  })

  it('takes about the same time for known and unknown addresses', async () => {
    const timing = await buildTestApp({ rules: { passwordResetRequestsPerIp: 10_000, passwordResetRequestsPerAccount: 10_000, passwordResetRequestMinimumDuration: 100 } })
    try {
      const { a } = await createTwoHospitals(timing.db)
      await createAccount(timing.db, { email: 'connu@chu-a.fr', siteIds: [a.siteIds[0] as string] })
      const browser = new TestBrowser(timing.app)
      const time = async (email: string) => {
        const start = performance.now()
        const response = await browser.post('/mot-de-passe-oublie', { email })
        expect(response.statusCode).toBe(303)
        return performance.now() - start
      }
      const known: number[] = []
      const unknown: number[] = []
      for (let i = 0; i < 3; i++) { await time('connu@chu-a.fr'); await time(`inconnu${i}@chu-a.fr`) } // warm-up
      for (let i = 0; i < 15; i++) {
        known.push(await time('connu@chu-a.fr'))
        unknown.push(await time(`inconnu.${i}@chu-a.fr`))
      }
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number
      // A known address costs a few more writes (about a millisecond); both answer after the
      // minimum duration, so only scheduling noise separates them (wide margin: shared CI cores).
      expect(Math.min(...known, ...unknown)).toBeGreaterThanOrEqual(100)
      expect(Math.abs(median(known) - median(unknown))).toBeLessThan(20)
    } finally {
      await timing.close()
    }
  })

  it('accepts the link at 5 h 59 and refuses it at 6 h 01', async () => {
    const first = await newAccount()
    const second = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const early = await requestLink(browser, first.email)
    const late = await requestLink(browser, second.email)
    s.t.clock.advance(hours(5) + minutes(59))
    expect((await browser.get(early)).statusCode).toBe(200)
    expect((await browser.post('/reinitialisation', resetForm(tokenOf(early)))).statusCode).toBe(303)
    s.t.clock.advance(minutes(2))
    const expired = await browser.get(late)
    expect(expired.statusCode).toBe(400)
    expect(expired.body).toContain('Lien de réinitialisation invalide ou expiré')
    expect(expired.body).toContain('href="/mot-de-passe-oublie"')
    expect(expired.headers['referrer-policy']).toBe('no-referrer')
    const refused = await browser.post('/reinitialisation', resetForm(tokenOf(late)))
    expect(refused.statusCode).toBe(400)
    expect(await verifyPassword(await storedHash(second.id), testPassword)).toBe(true)
  })

  it('refuses a link the second time', async () => {
    const { id, email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const link = await requestLink(browser, email)
    expect((await browser.post('/reinitialisation', resetForm(tokenOf(link)))).statusCode).toBe(303)
    const again = await browser.post('/reinitialisation', resetForm(tokenOf(link), 'Autre-Secret-99?'))
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('Lien de réinitialisation invalide ou expiré')
    expect((await browser.get(link)).statusCode).toBe(400)
    expect(await verifyPassword(await storedHash(id), newPassword)).toBe(true)
  })

  it('voids the older link when a new request is made', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const old = await requestLink(browser, email)
    const fresh = await requestLink(browser, email)
    expect(fresh).not.toBe(old)
    expect((await browser.get(old)).statusCode).toBe(400)
    expect((await browser.post('/reinitialisation', resetForm(tokenOf(old)))).statusCode).toBe(400)
    expect((await browser.post('/reinitialisation', resetForm(tokenOf(fresh)))).statusCode).toBe(303)
  })

  it('lets exactly one of two parallel submissions of one link succeed', async () => {
    const { id, email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const link = await requestLink(browser, email)
    const results = await Promise.all([
      browser.post('/reinitialisation', resetForm(tokenOf(link), 'Premier-Choix-11!')),
      browser.post('/reinitialisation', resetForm(tokenOf(link), 'Second-Choix-22!')),
    ])
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 400])
    const winner = results[0]?.statusCode === 303 ? 'Premier-Choix-11!' : 'Second-Choix-22!'
    expect(await verifyPassword(await storedHash(id), winner)).toBe(true)
    const notices = (await emailsTo(s.t.db, email)).filter((e) => e.template === 'passwordChanged')
    expect(notices).toHaveLength(1)
  })

  it('unlocks a locked account, ends its sessions and voids pending login codes', async () => {
    const { id, email } = await newAccount({ locked: true })
    const elsewhere = new TestBrowser(s.t.app)
    await signIn(s.t, elsewhere, id)
    await s.t.db.insertInto('login_challenge').values({
      id_digest: `challenge-${id}`, account_id: id, code_digest: 'x', created_at: s.t.clock.now(), code_sent_at: s.t.clock.now(),
      code_expires_at: s.t.clock.now() + minutes(1), wrong_codes: 0, codes_sent: 1, return_to: null,
    }).execute()
    const browser = new TestBrowser(s.t.app)
    const link = await requestLink(browser, email)
    expect((await browser.post('/reinitialisation', resetForm(tokenOf(link)))).statusCode).toBe(303)
    const account = await s.t.db.selectFrom('account').select(['locked_at', 'failed_password_count'])
      .where('id', '=', id).executeTakeFirstOrThrow()
    expect(account.locked_at).toBeNull()
    expect(account.failed_password_count).toBe(0)
    expect(await s.t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
    expect(await s.t.db.selectFrom('login_challenge').select('account_id').where('account_id', '=', id).execute()).toHaveLength(0)
    const after = await elsewhere.get('/mon-compte')
    expect(after.statusCode).toBe(303)
    expect(after.headers.location).toMatch(/^\/connexion/)
  })

  it('builds the emailed link from APP_BASE_URL, whatever Host the request claims', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(s.t.app, { host: 'evil.example', 'x-forwarded-host': 'evil.example' })
    expect((await browser.post('/mot-de-passe-oublie', { email })).statusCode).toBe(303)
    const message = await lastEmailTo(s.t.db, email)
    expect(linkIn(message).startsWith('http://bamara.test/reinitialisation?jeton=')).toBe(true)
    expect(message.html).not.toContain('evil.example')
  })

  it('refuses two different passwords and names each broken rule', async () => {
    const { id, email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    const token = tokenOf(await requestLink(browser, email))
    const cases: Array<[string, string]> = [
      ['Ab1!', 'trop court : au moins 8 caractères'],
      ['ABCDEFGH1!', 'une lettre minuscule'],
      ['abcdefgh1!', 'une lettre majuscule'],
      ['Abcdefgh!!', 'un chiffre'],
      ['Abcdefgh12', 'un caractère spécial'],
      ['Password1!', 'figure parmi les plus utilisés'],
      ['Bamara-2026!', 'ne doit pas contenir un mot lié à l’application (BaMaRa'],
      ['Dupont-Lilas-42!', 'ni votre nom'],
      ['Claire-Lilas-42!', 'ni votre nom'],
      ['Test-Lilas-42!', 'ni le nom de votre hôpital'],
      [`Aa1!${'x'.repeat(253)}`, 'trop long : au plus 256 caractères'],
    ]
    for (const [password, message] of cases) {
      const response = await browser.post('/reinitialisation', resetForm(token, password))
      expect(response.statusCode, password).toBe(400)
      expect(response.body, password).toContain(message)
      expect(response.body).toContain(`name="jeton" value="${token}"`)
    }
    const mismatch = await browser.post('/reinitialisation', resetForm(token, newPassword, `${newPassword}x`))
    expect(mismatch.statusCode).toBe(400)
    expect(mismatch.body).toContain('Les deux mots de passe ne sont pas identiques')
    expect(mismatch.body).toContain('aria-invalid="true"')
    expect(await verifyPassword(await storedHash(id), testPassword)).toBe(true)
    // The link survived the refusals.
    expect((await browser.post('/reinitialisation', resetForm(token))).statusCode).toBe(303)
  })

  it('accepts a 64-character passphrase without truncating or folding it', async () => {
    const { id, email } = await newAccount()
    expect([...passphrase].length).toBeGreaterThanOrEqual(64)
    const browser = new TestBrowser(s.t.app)
    const token = tokenOf(await requestLink(browser, email))
    expect((await browser.post('/reinitialisation', resetForm(token, passphrase))).statusCode).toBe(303)
    const hash = await storedHash(id)
    expect(await verifyPassword(hash, passphrase)).toBe(true)
    expect(await verifyPassword(hash, `${passphrase}x`)).toBe(false)
    expect(await verifyPassword(hash, passphrase.toUpperCase())).toBe(false)
    expect(await verifyPassword(hash, passphrase.slice(0, 63))).toBe(false)
  })

  it('refuses forms without the CSRF token', async () => {
    const { email } = await newAccount()
    const browser = new TestBrowser(s.t.app)
    await browser.get('/mot-de-passe-oublie')
    expect((await browser.post('/mot-de-passe-oublie', { email }, { csrf: false })).statusCode).toBe(403)
    expect(await emailsTo(s.t.db, email)).toHaveLength(0)
    const token = tokenOf(await requestLink(browser, email))
    const forged = await browser.post('/reinitialisation', resetForm(token), { csrf: false })
    expect(forged.statusCode).toBe(403)
    expect((await browser.get(`/reinitialisation?jeton=${token}`)).statusCode).toBe(200)
  })

  it('answers empty, huge, malformed and mistyped forms with a 4xx page, never a 500', async () => {
    const browser = new TestBrowser(s.t.app)
    const csrf = await browser.csrfToken()
    const bad: Array<Record<string, string | string[]>> = [
      {}, { email: '' }, { email: 'pas-une-adresse' }, { email: 'x'.repeat(5000) }, { email: ['a@b.fr', 'c@d.fr'] },
      { email: '\u0000@\u202e.fr' },
    ]
    for (const form of bad) {
      const response = await browser.post('/mot-de-passe-oublie', form)
      expect(response.statusCode, JSON.stringify(form).slice(0, 60)).toBe(400)
      expect(response.headers['content-type']).toContain('text/html')
    }
    const json = await s.t.app.inject({
      method: 'POST', url: '/reinitialisation', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      payload: JSON.stringify({ jeton: 12, nouveauMotDePasse: { a: 1 }, confirmation: null }),
    })
    expect(json.statusCode).toBe(415)
    const resets: Array<Record<string, string | string[]>> = [
      {}, { jeton: 'x' }, { jeton: 'x'.repeat(5000), nouveauMotDePasse: 'a', confirmation: 'a' },
      { jeton: 'A'.repeat(43), nouveauMotDePasse: newPassword, confirmation: newPassword },
      { jeton: 'A'.repeat(43), nouveauMotDePasse: 'x'.repeat(5000), confirmation: 'x' },
    ]
    for (const form of resets) {
      const response = await browser.post('/reinitialisation', form)
      expect(response.statusCode, JSON.stringify(form).slice(0, 60)).toBe(400)
    }
    for (const url of ['/reinitialisation', '/reinitialisation?jeton=', `/reinitialisation?jeton=${'x'.repeat(3000)}`, '/reinitialisation?jeton=a&jeton=b']) {
      const response = await browser.get(url)
      expect(response.statusCode, url).toBe(400)
      expect(response.body).toContain('href="/mot-de-passe-oublie"')
    }
  })

  it('speaks English when the browser prefers it', async () => {
    const browser = new TestBrowser(s.t.app, { 'accept-language': 'en-GB,en;q=0.9' })
    const page = await browser.get('/mot-de-passe-oublie')
    expect(page.body).toContain('Forgotten password')
    expect(page.body).toContain('Send the request')
    const invalid = await browser.get('/reinitialisation?jeton=nope')
    expect(invalid.body).toContain('Invalid or expired reset link')
  })
})

describe(`forgotten password rate limits (${testEngine})`, () => {
  let t: TestApp
  let hospital: TestHospital
  beforeAll(async () => {
    t = await buildTestApp({ rules: { passwordResetRequestMinimumDuration: 0 } })
    hospital = (await createTwoHospitals(t.db)).a
  })
  afterAll(async () => { await t.close() })

  const post = (url: string, form: Record<string, string>, ip: string) =>
    t.app.inject({ method: 'POST', url, remoteAddress: ip, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrf=${'c'.repeat(43)}` }, payload: new URLSearchParams({ ...form, _csrf: 'c'.repeat(43) }).toString() })

  it('limits the emails one address can receive, from any number of IPs, with Retry-After', async () => {
    const email = 'flood@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [hospital.siteIds[0] as string] })
    for (let i = 0; i < t.config.rules.passwordResetRequestsPerAccount; i++) {
      expect((await post('/mot-de-passe-oublie', { email }, `10.0.1.${i}`)).statusCode).toBe(303)
    }
    const refused = await post('/mot-de-passe-oublie', { email: 'FLOOD@chu-a.fr' }, '10.0.1.200')
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.body).toContain('Trop de tentatives')
    expect(await emailsTo(t.db, email)).toHaveLength(t.config.rules.passwordResetRequestsPerAccount)
    // The same limit applies to an unknown address: the 429 tells nothing about existence.
    for (let i = 0; i < t.config.rules.passwordResetRequestsPerAccount; i++) {
      await post('/mot-de-passe-oublie', { email: 'nobody@chu-a.fr' }, `10.0.2.${i}`)
    }
    expect((await post('/mot-de-passe-oublie', { email: 'nobody@chu-a.fr' }, '10.0.2.200')).statusCode).toBe(429)
    t.clock.advance(t.config.rules.passwordResetRateLimitWindow)
    expect((await post('/mot-de-passe-oublie', { email }, '10.0.1.201')).statusCode).toBe(303)
  })

  it('limits requests and reset attempts per IP address', async () => {
    const ip = '10.0.3.1'
    for (let i = 0; i < t.config.rules.passwordResetRequestsPerIp; i++) {
      expect((await post('/mot-de-passe-oublie', { email: `spray${i}@chu-a.fr` }, ip)).statusCode).toBe(303)
    }
    const refused = await post('/mot-de-passe-oublie', { email: 'spray-last@chu-a.fr' }, ip)
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBeDefined()

    const form = { jeton: 'A'.repeat(43), nouveauMotDePasse: newPassword, confirmation: newPassword }
    for (let i = 0; i < t.config.rules.passwordResetAttemptsPerIp; i++) {
      expect((await post('/reinitialisation', form, '10.0.4.1')).statusCode).toBe(400)
    }
    const tooMany = await post('/reinitialisation', form, '10.0.4.1')
    expect(tooMany.statusCode).toBe(429)
    expect(tooMany.headers['retry-after']).toBeDefined()
  })
})
