/**
 * The demo application against the running account service (over HTTP, on the engine TEST_DB
 * names): sign-in through the portal's login, only the records of the token's sites (a forged
 * URL is refused on the server), the sites read again at refresh, parallel pages sharing one
 * refresh, back-channel logout tokens from the provider and forged ones, and the logout that
 * ends the provider's session too. The same path in a real browser: test/browser/oidc-demo-path.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../../test/helpers/fixtures.ts'
import { lastLoginCode } from '../../test/helpers/login.ts'
import { startListeningApp, type ListeningApp } from '../../test/helpers/openid.ts'
import { TwoOriginBrowser, registerDemoClient, startDemoRp, type DemoClient, type StartedDemo, type Visit } from '../../test/helpers/demo-rp.ts'
import { TestClock } from '../../test/helpers/test-app.ts'
import { recordsOfSite } from './records.ts'

describe('« Fiches patients », the demo relying party', () => {
  let t: ListeningApp
  let a: TestHospital
  let b: TestHospital
  let demo: DemoClient
  let rp: StartedDemo
  // The demo's own clock: moved past the access token's life to make it refresh.
  const demoClock = new TestClock(Date.now())

  beforeAll(async () => {
    t = await startListeningApp()
    ;({ a, b } = await createTwoHospitals(t.db))
    demo = await registerDemoClient(t.db, t.clock.now())
    rp = await startDemoRp(t.issuer, demo, { now: demoClock.now })
  })
  afterAll(async () => {
    await rp?.close()
    await t?.close()
  })

  const siteOf = async (id: string) => {
    const s = await t.db.selectFrom('site').innerJoin('hospital', 'hospital.id', 'site.hospital_id')
      .select(['site.id', 'site.abbreviation', 'site.title', 'site.hospital_id', 'hospital.finess']).where('site.id', '=', id).executeTakeFirstOrThrow()
    return { id: s.id, code: s.abbreviation, title: s.title, hospital_id: s.hospital_id, hospital_finess: s.finess }
  }
  const referencesOn = (visit: Visit) => [...visit.body.matchAll(/\/fiches\/\d+">([^<]+)</g)].map((m) => m[1]).sort()
  const referencesOf = async (siteIds: string[]) => (await Promise.all(siteIds.map(async (id) => recordsOfSite(await siteOf(id)).map((r) => r.reference)))).flat().sort()

  /** « Se connecter avec BaMaRa », then the portal's login when it asks (password, emailed code). */
  async function signIn (browser: TwoOriginBrowser, email: string): Promise<{ page: Visit; askedPassword: boolean }> {
    let page = await browser.visit(`${demo.baseUrl}/connexion`)
    const askedPassword = new URL(page.url).pathname === '/connexion' && page.url.startsWith(t.issuer)
    if (askedPassword) {
      const retour = new URL(page.url).searchParams.get('retour') ?? ''
      const codePage = await browser.submit(`${t.issuer}/connexion`, { email, password: testPassword, retour })
      expect(new URL(codePage.url).pathname).toBe('/connexion/code')
      page = await browser.submit(`${t.issuer}/connexion/code`, { code: await lastLoginCode(t, email) })
    }
    return { page, askedPassword }
  }

  it('shows a signed-in user the records of their sites only; a URL to another site’s record is refused', async () => {
    const email = 'lea.martin@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string, a.siteIds[1] as string], firstName: 'Léa', lastName: 'Martin' })
    const browser = new TwoOriginBrowser()

    const before = await browser.visit(`${demo.baseUrl}/`)
    expect(before.body).toContain('Se connecter avec BaMaRa')
    expect(before.body).not.toContain('/fiches/')

    const { page, askedPassword } = await signIn(browser, email)
    expect(askedPassword).toBe(true)
    expect(page.status).toBe(200)
    expect(page.url).toBe(`${demo.baseUrl}/`)
    expect(page.body).toContain('Connecté : Léa Martin')
    expect(referencesOn(page)).toEqual(await referencesOf([a.siteIds[0] as string, a.siteIds[1] as string]))
    // Hospital B has a MALO site too: its records are other records, and not shown.
    expect(page.body).not.toMatch(/MALO-810-/)
    expect(page.body).toMatch(/MALO-184-01/)
    // The browser holds a session id, never a token.
    expect([...browser.cookies.keys()]).toContain('fiches_session')
    expect(browser.cookies.get('fiches_session')).toMatch(/^[\w-]{43}$/)

    const own = await browser.visit(`${demo.baseUrl}/sites/${a.siteIds[0]}/fiches/1`)
    expect(own.status).toBe(200)
    expect(own.body).toContain('Fiche MALO-184-01')

    // Forged addresses: a site of another hospital, a site of the same hospital not in the account, nonsense.
    for (const forged of [`/sites/${b.siteIds[0]}/fiches/1`, `/sites/${a.siteIds[2]}/fiches/1`, '/sites/..%2f..%2f/fiches/1']) {
      const refused = await browser.visit(`${demo.baseUrl}${forged}`)
      expect(refused.status, forged).toBe(403)
      expect(refused.body).toContain('Cette fiche appartient à un site qui n’est pas dans votre compte BaMaRa.')
      expect(refused.body).not.toMatch(/MALO-810-|Patient \(fictif\)/)
    }
    expect((await browser.visit(`${demo.baseUrl}/sites/${a.siteIds[0]}/fiches/99`)).status).toBe(404)
    // Another browser, no session: nothing.
    const stranger = await new TwoOriginBrowser().visit(`${demo.baseUrl}/sites/${a.siteIds[0]}/fiches/1`)
    expect(stranger.status).toBe(401)
    expect(stranger.body).not.toContain('MALO-184-01')
  })

  it('reads the sites again when the access token is refreshed: a removed site’s records go, even by URL; parallel pages share one refresh', async () => {
    const email = 'paul.roux@chu-a.fr'
    const accountId = await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string, a.siteIds[1] as string] })
    const browser = new TwoOriginBrowser()
    await signIn(browser, email)
    expect((await browser.visit(`${demo.baseUrl}/sites/${a.siteIds[1]}/fiches/1`)).status).toBe(200)

    await t.db.deleteFrom('account_site').where('account_id', '=', accountId).where('site_id', '=', a.siteIds[1] as string).execute()
    demoClock.advance(t.config.rules.oidcAccessTokenTtl + 1000)
    // Five pages at once with an expired access token: one refresh (a refresh token reused would revoke them all).
    const pages = await Promise.all([1, 2, 3, 4, 5].map(() => browser.visit(`${demo.baseUrl}/`)))
    for (const p of pages) expect(referencesOn(p)).toEqual(await referencesOf([a.siteIds[0] as string]))
    expect((await browser.visit(`${demo.baseUrl}/sites/${a.siteIds[1]}/fiches/1`)).status).toBe(403)

    demoClock.advance(t.config.rules.oidcAccessTokenTtl + 1000)
    const again = await browser.visit(`${demo.baseUrl}/`)
    expect(again.body).toContain('Vos fiches patients')
    expect(referencesOn(again)).toEqual(await referencesOf([a.siteIds[0] as string]))
    // Back to the real time: the provider's logout tokens are checked against the demo's clock.
    demoClock.current = Date.now()
  })

  it('ends its session when the provider posts a logout token (logout elsewhere), and refuses forged ones', async () => {
    const post = (form: Record<string, string>) => fetch(`${demo.baseUrl}/backchannel-logout`, { method: 'POST', body: new URLSearchParams(form) })
    expect((await post({})).status).toBe(400)
    expect((await post({ logout_token: 'a.b.c' })).status).toBe(400)
    const email = 'ines.petit@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string] })
    const browser = new TwoOriginBrowser()
    const other = new TwoOriginBrowser()
    await signIn(browser, email)
    await signIn(other, email)
    expect((await browser.visit(`${demo.baseUrl}/`)).body).toContain('Vos fiches patients')

    // The user logs out at the provider itself (another application's « Se déconnecter »): the
    // provider posts a logout token naming this browser's provider session.
    const confirm = await browser.visit(`${t.issuer}/oidc/session/end`)
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1] ?? ''
    await browser.visit(`${t.issuer}/oidc/session/end/confirm`, { form: { xsrf, logout: 'yes' } })
    const ended = await browser.visit(`${demo.baseUrl}/`)
    expect(ended.body).toContain('Votre session dans cette application a pris fin')
    expect(ended.body).not.toContain('/fiches/')
    expect(browser.cookies.has('fiches_session')).toBe(false)
    // Only that provider session: the same user in another browser keeps theirs.
    expect((await other.visit(`${demo.baseUrl}/`)).body).toContain('Vos fiches patients')
  })

  it('« Se déconnecter » ends this session and the provider’s: the next sign-in asks the password again', async () => {
    const email = 'jade.morel@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string] })
    const browser = new TwoOriginBrowser()
    await signIn(browser, email)
    const home = await browser.visit(`${demo.baseUrl}/`)
    const csrf = /name="csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? ''

    // Without the form's hidden field: refused, still signed in.
    expect((await browser.visit(`${demo.baseUrl}/deconnexion`, { form: { csrf: 'forged' } })).status).toBe(400)
    expect((await browser.visit(`${demo.baseUrl}/`)).body).toContain('Vos fiches patients')

    const confirm = await browser.visit(`${demo.baseUrl}/deconnexion`, { form: { csrf } })
    expect(confirm.url.startsWith(`${t.issuer}/oidc/session/end`)).toBe(true)
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1] ?? ''
    const after = await browser.visit(`${t.issuer}/oidc/session/end/confirm`, { form: { xsrf, logout: 'yes' } })
    expect(after.url).toBe(`${demo.baseUrl}/deconnecte`)
    expect(after.body).toContain('Vous êtes déconnecté.')
    expect((await browser.visit(`${demo.baseUrl}/`)).body).toContain('Se connecter avec BaMaRa')
    // The portal's session ended with it.
    expect((await browser.visit(`${t.issuer}/`)).url).toContain('/connexion')
    expect((await signIn(browser, email)).askedPassword).toBe(true)
  })

  it('never writes a token, a code or the client secret in its log', async () => {
    const log = rp.logLines.join('')
    expect(log).not.toContain(demo.clientSecret)
    expect(log).not.toMatch(/eyJ[\w-]{10,}/)
    expect(log).not.toMatch(/code=/)
    expect(log).not.toMatch(/refresh_token|access_token/)
  })
})
