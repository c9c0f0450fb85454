import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.ts'
import { createTestDatabase, testConfig, testEngine, TestClock, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { logIn } from '../../../test/helpers/login.ts'
import { hours, minutes } from '../../config.ts'
import { requireAccount } from './index.ts'

/** The real app plus one page behind requireAccount, standing for any logged-in page. */
async function buildAppWithProtectedPage (): Promise<TestApp> {
  const database = await createTestDatabase()
  const clock = new TestClock()
  const config = testConfig(database.env)
  const app = await buildApp(config, { startMailDispatcher: false, now: clock.now })
  app.get('/essai/page-protegee', { preHandler: requireAccount }, async (request) => ({ accountId: request.account?.id }))
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
})
