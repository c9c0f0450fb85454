import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.ts'
import { buildTestApp, createTestDatabase, testConfig, testEngine, TestClock, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { logIn } from '../../../test/helpers/login.ts'
import { hours, minutes } from '../../config.ts'
import { html } from '../../kernel/web/html.ts'
import { requireAccount } from '../../kernel/accounts/guards.ts'
import { createSession, findLiveSession } from './sessions.ts'

/** The real app plus one page behind requireAccount, standing for any logged-in page. */
async function buildAppWithProtectedPage (): Promise<TestApp> {
  const database = await createTestDatabase()
  const clock = new TestClock()
  const config = testConfig(database.env)
  const app = await buildApp(config, { startMailDispatcher: false, now: clock.now })
  app.get('/essai/page-protegee', { preHandler: requireAccount }, async (request) => ({ accountId: request.account?.id }))
  app.get('/essai/formulaire', { preHandler: requireAccount }, async (_request, reply) => reply.page({
    title: 'Formulaire',
    body: html`<h1>Formulaire</h1><form method="post" action="/essai/formulaire"><input type="text" name="nom" value="Ancien">
      <input type="password" name="password"><button type="submit">Valider</button></form>`,
  }))
  app.post('/essai/formulaire', { preHandler: requireAccount }, async () => ({ saved: true }))
  await app.ready()
  return { app, db: app.db, clock, config, close: async () => { await app.close(); await database.drop() } }
}

describe(`sessions: expiry and logout (user guide §3.4, « Se déconnecter ») (${testEngine})`, () => {
  let t: TestApp
  let siteId: string
  let n = 0
  beforeAll(async () => {
    t = await buildAppWithProtectedPage()
    siteId = (await createTwoHospitals(t.db)).a.siteIds[0] as string
  })
  afterAll(async () => { await t.close() })

  async function loggedIn () {
    const email = `session${++n}@chu-a.fr`
    const id = await createAccount(t.db, { email, siteIds: [siteId] })
    const browser = new TestBrowser(t.app)
    await logIn(t, browser, email)
    return { email, id, browser }
  }
  const events = (id: string, type: string) => t.db.selectFrom('audit_event').select(['details']).where('target_id', '=', id).where('type', '=', type).execute()

  it('logs out: the session ends on the server, the old cookie leads back to the login page', async () => {
    const { browser, id } = await loggedIn()
    const oldCookie = browser.cookies.get(t.app.sessionCookie) as string
    expect((await browser.get('/essai/page-protegee')).statusCode).toBe(200)
    const out = await browser.post('/deconnexion', {})
    expect(out.statusCode).toBe(303)
    expect(out.headers.location).toBe('/connexion?deconnecte=1')
    expect(browser.cookies.has(t.app.sessionCookie)).toBe(false)
    const page = await browser.get('/connexion?deconnecte=1')
    expect(page.body).toContain('Vous êtes déconnecté')
    expect(page.headers['cache-control']).toBe('no-store')
    expect(await t.db.selectFrom('session').select('id_digest').where('account_id', '=', id).execute()).toHaveLength(0)
    expect(await events(id, 'session.loggedOut')).toHaveLength(1)

    browser.cookies.set(t.app.sessionCookie, oldCookie)
    const replay = await browser.get('/essai/page-protegee')
    expect(replay.statusCode).toBe(303)
    expect(replay.headers.location).toBe('/connexion?retour=%2Fessai%2Fpage-protegee')
  })

  it('refuses a logout without the form’s token, and keeps the session', async () => {
    const { browser, id } = await loggedIn()
    expect((await browser.post('/deconnexion', {}, { csrf: false })).statusCode).toBe(403)
    expect(await t.db.selectFrom('session').select('id_digest').where('account_id', '=', id).execute()).toHaveLength(1)
  })

  it('keeps a session idle for 29 minutes and ends it after 31, on the server', async () => {
    const { browser, id } = await loggedIn()
    t.clock.advance(minutes(29))
    expect((await browser.get('/essai/page-protegee')).statusCode).toBe(200)
    t.clock.advance(minutes(29))
    expect((await browser.get('/essai/page-protegee')).statusCode).toBe(200)
    const cookie = browser.cookies.get(t.app.sessionCookie) as string
    t.clock.advance(minutes(31))
    const expired = await browser.get('/essai/page-protegee')
    expect(expired.statusCode).toBe(303)
    expect(expired.headers.location).toBe('/connexion?retour=%2Fessai%2Fpage-protegee&expiree=1')
    expect(await t.db.selectFrom('session').select('id_digest').where('account_id', '=', id).execute()).toHaveLength(0)
    expect((await events(id, 'session.expired')).map((e) => e.details)).toEqual(['{"reason":"idle"}'])
    // The server forgot it: the same cookie sent again is no session at all.
    browser.cookies.set(t.app.sessionCookie, cookie)
    expect((await browser.get('/essai/page-protegee')).statusCode).toBe(303)
  })

  it('ends a session after 12 hours even with continuous activity', async () => {
    const { browser, id } = await loggedIn()
    for (let elapsed = 0; elapsed < hours(12); elapsed += minutes(20)) {
      expect((await browser.get('/essai/page-protegee')).statusCode).toBe(200)
      t.clock.advance(minutes(20))
    }
    t.clock.advance(minutes(1))
    const expired = await browser.get('/essai/page-protegee')
    expect(expired.headers.location).toContain('expiree=1')
    expect((await events(id, 'session.expired')).map((e) => e.details)).toEqual(['{"reason":"absolute"}'])
  })

  it('brings the user back to the page they were on after logging in again', async () => {
    const { browser, email } = await loggedIn()
    t.clock.advance(minutes(31))
    const expired = await browser.get('/essai/page-protegee?onglet=sites')
    const loginUrl = expired.headers.location as string
    const page = await browser.get(loginUrl)
    expect(page.body).toContain('Votre session a expiré')
    expect(page.body).toContain('name="retour" value="/essai/page-protegee?onglet=sites"')
    const back = await logIn(t, browser, email, undefined, '/essai/page-protegee?onglet=sites')
    expect(back.headers.location).toBe('/essai/page-protegee?onglet=sites')
    expect((await browser.get('/essai/page-protegee?onglet=sites')).statusCode).toBe(200)
  })

  it('tells the page how long the session has left, and « Rester connecté » renews it (POST with the CSRF token)', async () => {
    const { browser, id } = await loggedIn()
    const page = await browser.get('/mon-compte')
    expect(page.body).toContain(`data-session-time-left="${t.app.rules.sessionIdleTimeout}"`)
    expect(page.body).toContain(`data-session-warning="${t.app.rules.sessionExpiryWarning}"`)
    expect(page.body).toContain('<dialog id="session-expiration"')
    expect(page.body).toContain('src="/static/session-expiry.js"')
    t.clock.advance(minutes(20))
    expect((await browser.get('/mon-compte')).body).toContain(`data-session-time-left="${t.app.rules.sessionIdleTimeout}"`)
    t.clock.advance(minutes(25))
    expect((await browser.post('/session/prolonger', {}, { csrf: false, headers: { accept: 'application/json' } })).statusCode).toBe(403)
    const renewed = await browser.post('/session/prolonger', {}, { headers: { accept: 'application/json' } })
    expect(renewed.statusCode).toBe(200)
    expect(renewed.json()).toEqual({ timeLeft: t.app.rules.sessionIdleTimeout })
    const session = await t.db.selectFrom('session').select('last_seen_at').where('account_id', '=', id).executeTakeFirstOrThrow()
    expect(Number(session.last_seen_at)).toBe(t.clock.now())
    t.clock.advance(minutes(29))
    expect((await browser.get('/essai/page-protegee')).statusCode).toBe(200)
    const anonymous = new TestBrowser(t.app)
    expect((await anonymous.post('/session/prolonger', {}, { headers: { accept: 'application/json' } })).statusCode).toBe(401)
    const home = await anonymous.get('/connexion')
    expect(home.body).not.toContain('session-expiration')
    expect(home.body).not.toContain('data-session-time-left')
  })

  it('keeps a form posted after expiry (never its password nor its token) and puts it back after the login, once', async () => {
    const { browser, email, id } = await loggedIn()
    t.clock.advance(minutes(31))
    const posted = await browser.post('/essai/formulaire', { nom: 'Nouveau nom', password: 'Secret-123!' }, { headers: { referer: 'http://bamara.test/essai/formulaire' } })
    expect(posted.statusCode).toBe(303)
    expect(posted.headers.location).toBe('/connexion?retour=%2Fessai%2Fformulaire&expiree=1')
    const kept = await t.db.selectFrom('saved_form').select(['account_id', 'fields', 'return_to', 'posted_to']).execute()
    expect(kept).toEqual([{ account_id: id, fields: '{"nom":"Nouveau nom"}', return_to: '/essai/formulaire', posted_to: '/essai/formulaire' }])
    expect(JSON.stringify(kept)).not.toContain('Secret')
    const back = await logIn(t, browser, email, undefined, '/essai/formulaire')
    expect(back.headers.location).toBe('/essai/formulaire')
    const form = await browser.get('/essai/formulaire')
    expect(form.body).toContain('name="nom" value="Nouveau nom"')
    expect(form.body).toContain('<input type="password" name="password">')
    expect(form.body).toContain('n’est pas encore enregistré')
    expect(await t.db.selectFrom('saved_form').select('id_digest').execute()).toEqual([])
    const again = await browser.get('/essai/formulaire')
    expect(again.body).toContain('name="nom" value="Ancien"')
    expect(again.body).not.toContain('n’est pas encore enregistré')
  })

  it('gives a kept form back to nobody else logging in on the same browser', async () => {
    const first = await loggedIn()
    t.clock.advance(minutes(31))
    await first.browser.post('/essai/formulaire', { nom: 'Saisie de la première' })
    const otherEmail = `autre${++n}@chu-a.fr`
    await createAccount(t.db, { email: otherEmail, siteIds: [siteId] })
    await logIn(t, first.browser, otherEmail, undefined, '/essai/formulaire')
    const form = await first.browser.get('/essai/formulaire')
    expect(form.body).not.toContain('Saisie de la première')
    expect(form.body).toContain('name="nom" value="Ancien"')
  })
})

describe(`sessions: the account's managed hospitals, read with the session (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('are the hospitals whose account-manager site it holds, neither archived; other sites grant none', async () => {
    const { a, b } = await createTwoHospitals(t.db)
    const managerOfBoth = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.siteIds[0] as string, a.adminSiteId, b.adminSiteId, b.siteIds[1] as string] })
    const user = await createAccount(t.db, { email: 'medecin@chu-a.fr', siteIds: [a.siteIds[0] as string, b.siteIds[0] as string] })
    const managed = async (accountId: string) => {
      const token = await createSession(t.db, accountId, t.clock.now())
      const found = await findLiveSession(t.db, token, t.config.rules, t.clock.now())
      if (found.outcome !== 'valid') throw new Error(found.outcome)
      return [...found.account.managedHospitalIds].sort()
    }
    expect(await managed(managerOfBoth)).toEqual([a.id, b.id].sort())
    expect(await managed(user)).toEqual([])
    await t.db.updateTable('hospital').set({ archived_at: t.clock.now() }).where('id', '=', b.id).execute()
    expect(await managed(managerOfBoth)).toEqual([a.id])
    await t.db.updateTable('site').set({ archived_at: t.clock.now() }).where('id', '=', a.adminSiteId).execute()
    expect(await managed(managerOfBoth)).toEqual([])
  })
})
