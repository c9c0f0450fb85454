/**
 * Response headers, cookies and cross-site requests (checklist lines 34, 37–40;
 * ASVS 3.3, 3.4, 3.5, 7.4.1, 14.3.2):
 * - every page the app serves, anonymous and logged in: a CSP with a fresh nonce, `object-src
 *   'none'`, `base-uri 'none'`, `frame-ancestors 'none'`; every `<script>` carries that nonce; no
 *   inline event handler (`onclick=`…) and no `style=` attribute; `nosniff`, a Referrer-Policy,
 *   `Cache-Control: no-store` on pages;
 * - in production (https base URL, SMTP, NODE_ENV=production): HSTS of a year or more with
 *   subdomains, and a session cookie `__Host-`, Secure, HttpOnly, SameSite=Lax, Path=/, without
 *   Domain nor expiry (it ends with the browser), obtained through the real login;
 * - a cross-site POST to login, logout, password change and console activation (no token, a
 *   token of another browser, a foreign Origin, `Origin: null` without `Sec-Fetch-Site:
 *   same-origin`, `Sec-Fetch-Site: cross-site`) is a 403 that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { buildTestApp, createTestDatabase, testEngine, TestClock, type TestApp, type TestDatabase } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { signIn } from '../helpers/session.ts'
import { logIn } from '../helpers/login.ts'
import { issueAccountToken } from '../../src/kernel/accounts/account-tokens.ts'

/** The pages checked, with who looks at them. */
function pagesToScan (ids: { target: string; token: string }) {
  return {
    anonymous: ['/connexion', '/inscription', '/inscription/envoyee', '/confirmation/renvoyer', '/confirmation/renvoyee', '/mot-de-passe-oublie',
      '/mot-de-passe-oublie/envoye', `/reinitialisation?jeton=${ids.token}`, `/deverrouillage?jeton=${ids.token}`, `/confirmation?jeton=${ids.token}`,
      '/cgu', '/aide', '/contact', '/nexiste-pas', '/dev/mailbox'],
    superadmin: ['/mon-compte', '/gestion', `/gestion/comptes/${ids.target}`, `/gestion/comptes/${ids.target}/activer`, '/gestion/demandes-gestionnaires',
      '/gestion/journal', '/gestion/revue-des-droits', '/gestion/revue-des-droits/rapport'],
  }
}

function checkPageHeaders (response: LightMyRequestResponse, where: string) {
  const csp = String(response.headers['content-security-policy'])
  const nonce = /script-src [^;]*'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp)?.[1]
  expect(nonce, `${where}: CSP nonce in ${csp}`).toBeDefined()
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"]) {
    expect(csp, where).toContain(directive)
  }
  expect(csp, where).not.toContain("'unsafe-inline'")
  expect(response.headers['x-content-type-options'], where).toBe('nosniff')
  expect(['same-origin', 'no-referrer', 'strict-origin-when-cross-origin'], where).toContain(response.headers['referrer-policy'])
  expect(response.headers['cache-control'], where).toBe('no-store')
  // The markup: scripts only with this response's nonce, no inline handler, no style attribute.
  const body = response.body
  for (const tag of body.match(/<script\b[^>]*>/gi) ?? []) expect(tag, where).toContain(`nonce="${nonce}"`)
  expect(body.match(/<[^>]+\son[a-z]+\s*=/gi), `${where}: inline event handlers`).toBeNull()
  expect(body.match(/<[^>]+\sstyle\s*=/gi), `${where}: style attributes`).toBeNull()
  expect(body.match(/<style\b/gi), `${where}: style elements`).toBeNull()
  expect(body, where).not.toMatch(/href\s*=\s*"\s*javascript:/i)
  return nonce as string
}

describe(`security headers on every page (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let superadmin: string
  let target: string
  let token: string

  beforeAll(async () => {
    t = await buildTestApp()
    a = (await createTwoHospitals(t.db)).a
    superadmin = await createAccount(t.db, { email: 'super@chu-a.fr', siteIds: [a.adminSiteId], isSuperadmin: true })
    target = await createAccount(t.db, { email: 'cible@chu-a.fr', siteIds: [a.siteIds[0] as string], state: 'pendingActivation' })
    token = await t.db.transaction().execute((tx) => issueAccountToken(tx, target, 'unlock', 3_600_000, t.clock.now()))
  })
  afterAll(async () => { await t?.close() })

  it('sends a CSP with a fresh nonce, nosniff, a referrer policy and no-store, and no inline script or style, on every page', async () => {
    const pages = pagesToScan({ target, token })
    const anonymous = new TestBrowser(t.app)
    const admin = new TestBrowser(t.app)
    await signIn(t, admin, superadmin)
    const nonces = new Set<string>()
    for (const [who, browser] of [['anonymous', anonymous], ['superadmin', admin]] as const) {
      for (const path of pages[who]) {
        const response = await browser.get(path)
        expect(response.statusCode, path).toBeLessThan(500)
        expect(String(response.headers['content-type']), path).toMatch(/^text\/html/)
        nonces.add(checkPageHeaders(response, `${who} ${path}`))
      }
    }
    expect(nonces.size).toBe(pages.anonymous.length + pages.superadmin.length)
    // Pages with a token in their address give it to nobody.
    for (const path of [`/reinitialisation?jeton=${token}`, `/deverrouillage?jeton=${token}`, `/confirmation?jeton=${token}`, `/gestion/changement-email?jeton=${token}`]) {
      expect((await anonymous.get(path)).headers['referrer-policy'], path).toBe('no-referrer')
    }
    // Outside production there is no HSTS (http://localhost must keep working).
    expect((await anonymous.get('/connexion')).headers['strict-transport-security']).toBeUndefined()
  })

  it('refuses cross-site POSTs to login, logout, password change and activation (403) and changes nothing', async () => {
    const admin = new TestBrowser(t.app)
    const session = await signIn(t, admin, superadmin)
    const csrf = await admin.csrfToken()
    const other = new TestBrowser(t.app)
    const foreignToken = await other.csrfToken()
    const hashBefore = (await t.db.selectFrom('account').select('password_hash').where('id', '=', superadmin).executeTakeFirstOrThrow()).password_hash
    const attempts: Array<[string, Record<string, string>]> = [
      ['/connexion', { email: 'super@chu-a.fr', password: testPassword }],
      ['/deconnexion', {}],
      ['/mon-compte/mot-de-passe', { motDePasseActuel: testPassword, nouveauMotDePasse: 'Cerf-volant-bleu-2026!', confirmation: 'Cerf-volant-bleu-2026!' }],
      [`/gestion/comptes/${target}/activer`, {}],
    ]
    for (const [path, form] of attempts) {
      const variants: Array<[string, Promise<LightMyRequestResponse>]> = [
        ['no token', admin.post(path, form, { csrf: false })],
        ['token of another browser', admin.post(path, { ...form, _csrf: foreignToken }, { csrf: false })],
        ['foreign Origin', admin.post(path, form, { headers: { origin: 'https://evil.example' } })],
        ['Sec-Fetch-Site: cross-site', admin.post(path, form, { headers: { 'sec-fetch-site': 'cross-site' } })],
        // An opaque origin (sandboxed frame, data: document, cross-site redirect), even with the right token.
        ['Origin: null', admin.post(path, form, { headers: { origin: 'null' } })],
        ['Origin: null from a sibling site', admin.post(path, form, { headers: { origin: 'null', 'sec-fetch-site': 'same-site' } })],
        ['empty token', admin.post(path, { ...form, _csrf: '' }, { csrf: false })],
      ]
      for (const [how, answer] of variants) {
        const response = await answer
        expect(response.statusCode, `${path}: ${how}`).toBe(403)
        expect(response.body, `${path}: ${how}`).toContain('ne provient pas de cette application')
      }
    }
    // Nothing happened: still logged in, same password, not activated, no code sent.
    expect(admin.cookies.get(t.app.sessionCookie)).toBe(session)
    expect((await admin.get('/mon-compte')).statusCode).toBe(200)
    expect((await t.db.selectFrom('account').select('password_hash').where('id', '=', superadmin).executeTakeFirstOrThrow()).password_hash).toBe(hashBefore)
    expect((await t.db.selectFrom('account').select('activated_at').where('id', '=', target).executeTakeFirstOrThrow()).activated_at).toBeNull()
    expect(await t.db.selectFrom('login_challenge').select('account_id').execute()).toEqual([])
    // The same requests from the app itself (same-origin) pass the check.
    expect((await admin.post(`/gestion/comptes/${target}/activer`, {}, { headers: { origin: 'http://bamara.test', 'sec-fetch-site': 'same-origin' } })).statusCode).toBe(303)
    expect(csrf).toBe(await admin.csrfToken())
    // A form posted from one of the app's no-referrer pages: the browser sends Origin: null but
    // vouches for the page with Sec-Fetch-Site: same-origin.
    const fromTokenPage = await admin.post('/langue', { langue: 'en' }, { headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } })
    expect(fromTokenPage.statusCode).toBe(303)
  })
})

describe(`production headers and cookies (${testEngine})`, () => {
  let app: FastifyInstance
  let database: TestDatabase
  const clock = new TestClock()

  beforeAll(async () => {
    database = await createTestDatabase()
    const config = loadConfig({
      NODE_ENV: 'production', APP_BASE_URL: 'https://bamara.example.fr', SMTP_URL: 'smtp://127.0.0.1:1', DEMO_DATA: 'false', LOG_LEVEL: 'silent', ...database.env,
    })
    app = await buildApp(config, { now: clock.now, startMailDispatcher: false })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await database?.drop()
  })

  it('sends HSTS for a year or more with subdomains, and no dev mailbox', async () => {
    const response = await app.inject({ method: 'GET', url: '/connexion', headers: { 'x-forwarded-proto': 'https' } })
    const hsts = String(response.headers['strict-transport-security'])
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000)
    expect(hsts).toContain('includeSubDomains')
    expect(String(response.headers['content-security-policy'])).toContain('upgrade-insecure-requests')
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404)
  })

  it('gives the session a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, no expiry; a new one at login', async () => {
    const { a } = await createTwoHospitals(app.db)
    await createAccount(app.db, { email: 'claire@chu-a.fr', siteIds: [a.siteIds[0] as string] })
    const browser = new TestBrowser(app, { origin: 'https://bamara.example.fr' })
    const first = await browser.get('/connexion')
    const csrfCookie = first.cookies.find((c) => c.name.endsWith('csrf'))
    expect(csrfCookie?.name).toBe('__Host-csrf')
    // An attacker's pre-set session cookie is not adopted.
    browser.cookies.set('__Host-session', 'A'.repeat(43))
    const done = await logIn({ app, db: app.db, clock, config: app.config, close: async () => undefined }, browser, 'claire@chu-a.fr')
    const raw = ([] as string[]).concat(done.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-session='))
    expect(raw, 'session cookie set at login').toBeDefined()
    const attributes = (raw as string).split(';').map((p) => p.trim().toLowerCase())
    expect(attributes).toContain('secure')
    expect(attributes).toContain('httponly')
    expect(attributes).toContain('samesite=lax')
    expect(attributes).toContain('path=/')
    expect(attributes.some((p) => p.startsWith('domain='))).toBe(false)
    expect(attributes.some((p) => p.startsWith('expires=') || p.startsWith('max-age='))).toBe(false)
    const value = (raw as string).split(';')[0]?.split('=')[1] as string
    expect(value).not.toBe('A'.repeat(43))
    expect(value).toMatch(/^[A-Za-z0-9_-]{43,}$/)
    // Authenticated pages are never cached.
    const account = await browser.get('/mon-compte')
    expect(account.statusCode).toBe(200)
    expect(account.headers['cache-control']).toBe('no-store')
    // Every cookie the app sets in production is __Host-, Secure, HttpOnly, Path=/, without Domain.
    for (const cookie of [...first.cookies, ...done.cookies]) {
      expect(cookie.name, cookie.name).toMatch(/^__Host-/)
      expect(cookie.secure, cookie.name).toBe(true)
      expect(cookie.httpOnly, cookie.name).toBe(true)
      expect(cookie.path, cookie.name).toBe('/')
      expect(cookie.domain, cookie.name).toBeUndefined()
    }
  })
})
