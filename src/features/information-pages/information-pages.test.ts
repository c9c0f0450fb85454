/**
 * Information pages (home, CGU, help, contact) and what every page carries: language choice,
 * security headers, no caching, the French 404, the language switch without open redirect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { hours, minutes, seconds } from '../../config.ts'

const supportEmail = 'assistance.bamara@chu-test.fr'

/** The help page's sentences that quote a rule (user guide §3.2–3.5), for the rules' values. */
function ruleSentences (rules: { code: string; link: string; idle: string; tries: number; appName: string }): string[] {
  return [
    `ce code n’est valable que pendant ${rules.code}.`,
    `le lien n’est valable que pendant ${rules.link}`,
    `Votre session expire après ${rules.idle} d’inactivité`,
    `Lorsque vous saisissez ${rules.tries} fois de suite un mauvais mot de passe`,
    `« ${rules.appName} - Mot de passe à usage unique »`,
  ]
}

describe(`information pages (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  beforeAll(async () => {
    t = await buildTestApp({ env: { SUPPORT_EMAIL: supportEmail } })
    a = (await createTwoHospitals(t.db)).a
  })
  afterAll(async () => { await t.close() })

  const site = () => a.siteIds[0] as string

  describe('« Accueil »', () => {
    it('sends an anonymous visitor to the login page', async () => {
      const response = await new TestBrowser(t.app).get('/')
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/connexion')
    })

    it('says « Session expirée » to the login page when the session timed out', async () => {
      const browser = new TestBrowser(t.app)
      const id = await createAccount(t.db, { email: 'expiree@chu-a.fr', siteIds: [site()] })
      await signIn(t, browser, id)
      t.clock.advance(t.app.rules.sessionIdleTimeout + seconds(1))
      const response = await browser.get('/')
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/connexion?expiree=1')
    })

    it('greets a logged-in user formally and offers « Mon compte » but not « Gestion des comptes »', async () => {
      const browser = new TestBrowser(t.app)
      await signIn(t, browser, await createAccount(t.db, { email: 'claire@chu-a.fr', siteIds: [site()] }))
      const response = await browser.get('/')
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain('<h1>Accueil</h1>')
      expect(response.body).toContain('Bonjour Mme Dupont')
      expect(response.body).toContain('href="/mon-compte"')
      expect(response.body).not.toContain('href="/gestion"')
      expect(response.headers['cache-control']).toBe('no-store')
      // No demo application configured (DEMO_RP_URL): no « Pour le développement ».
      expect(response.body).not.toContain('Pour le développement')
    })

    it('links the demo application « fiches patients » when DEMO_RP_URL is set (development only)', async () => {
      const withDemo = await buildTestApp({ env: { DEMO_RP_URL: 'http://localhost:3100/' } })
      try {
        const hospital = (await createTwoHospitals(withDemo.db)).a
        const browser = new TestBrowser(withDemo.app)
        await signIn(withDemo, browser, await createAccount(withDemo.db, { email: 'demo@chu-a.fr', siteIds: [hospital.siteIds[0] as string] }))
        const response = await browser.get('/')
        expect(response.body).toMatch(/<h2>Pour le développement<\/h2>\s*<ul class="home-links">\s*<li><a href="http:\/\/localhost:3100">Démo : application fiches patients<\/a>/)
      } finally {
        await withDemo.close()
      }
    })

    it('offers « Gestion des comptes » to an account manager and to a super-administrator', async () => {
      for (const fields of [
        { email: 'gestionnaire@chu-a.fr', siteIds: [a.adminSiteId] },
        { email: 'super@chu-a.fr', siteIds: [site()], isSuperadmin: true },
      ]) {
        const browser = new TestBrowser(t.app)
        await signIn(t, browser, await createAccount(t.db, fields))
        const response = await browser.get('/')
        expect(response.statusCode).toBe(200)
        expect(response.body).toMatch(/<main[\s\S]*href="\/gestion">Gestion des comptes<\/a>[\s\S]*<\/main>/)
      }
    })

    it('greets in English when the browser prefers English', async () => {
      const browser = new TestBrowser(t.app, { 'accept-language': 'en-GB,en;q=0.9' })
      await signIn(t, browser, await createAccount(t.db, { email: 'english@chu-a.fr', siteIds: [site()], lastName: 'Smith' }))
      const response = await browser.get('/')
      expect(response.body).toContain('<html lang="en">')
      expect(response.body).toContain('Hello Ms Smith')
    })
  })

  describe('CGU', () => {
    it('shows numbered articles, article 8 forbidding shared accounts and requiring a professional email', async () => {
      const response = await new TestBrowser(t.app).get('/cgu')
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain('<html lang="fr">')
      expect(response.body).toContain('<h1>Conditions générales d’utilisation</h1>')
      expect(response.body).toContain('<h2 id="article-8">Article 8 — Adresse email professionnelle et compte personnel</h2>')
      expect(response.body).toContain('Il est strictement interdit de partager\nun même compte entre plusieurs personnes.')
      expect(response.body).toMatch(/adresse email professionnelle\s+\(institutionnelle\)/)
      for (const words of ['secret professionnel', 'RGPD', 'droit d’accès, de rectification', 'Traçabilité des accès', 'quitte son établissement']) {
        expect(response.body).toContain(words)
      }
      for (let n = 1; n <= 13; n++) expect(response.body).toContain(`href="#article-${n}"`)
    })

    it('is in English when the browser prefers English to French, French otherwise', async () => {
      const english = await new TestBrowser(t.app, { 'accept-language': 'en-US,en;q=0.9,fr;q=0.8' }).get('/cgu')
      expect(english.body).toContain('<html lang="en">')
      expect(english.body).toContain('Sharing one account between several people is strictly forbidden.')
      const french = await new TestBrowser(t.app, { 'accept-language': 'en;q=0.5, fr' }).get('/cgu')
      expect(french.body).toContain('<html lang="fr">')
      const german = await new TestBrowser(t.app, { 'accept-language': 'de-DE' }).get('/cgu')
      expect(german.body).toContain('<html lang="fr">')
    })
  })

  describe('Aide', () => {
    it('has the guide sections, each reachable from the table of contents', async () => {
      const response = await new TestBrowser(t.app).get('/aide')
      expect(response.statusCode).toBe(200)
      const body = response.body
      for (const title of ['Connexion', 'S’inscrire', 'Se connecter', 'Mot de passe oublié', 'Session expirée',
        'Compte verrouillé', 'En cas de difficultés pour vous connecter', 'Se déconnecter',
        'L’interface de gestion', 'Les statuts des comptes utilisateurs', 'Activer un compte utilisateur',
        'Désactiver un compte utilisateur', 'Renvoyer les emails', 'Questions fréquentes', 'En cas de problème']) {
        expect(body).toMatch(new RegExp(`<h[23] id="[a-z0-9-]+">[0-9. ]*${title}`))
      }
      const anchors = [...body.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])
      expect(anchors.length).toBeGreaterThan(15)
      for (const anchor of anchors) expect(body).toContain(`id="${anchor}"`)
      expect(body.match(/<h1[\s>]/g)).toHaveLength(1)
    })

    it('states the configured rules and the configured support address', async () => {
      const body = (await new TestBrowser(t.app).get('/aide')).body
      for (const sentence of ruleSentences({ code: '1 minute', link: '6 heures', idle: '30 minutes', tries: 3, appName: 'BaMaRa' })) {
        expect(body).toContain(sentence)
      }
      expect(body).toContain(`href="mailto:${supportEmail}"`)
      expect(body).not.toContain('support.bamara@aphp.fr')
    })

    it('follows the rules when they change, with no number written twice', async () => {
      const other = await buildTestApp({
        rules: { oneTimeCodeTtl: minutes(2), passwordResetTtl: hours(3), sessionIdleTimeout: minutes(20), maximumFailedPasswords: 5, passwordMinimumLength: 12 },
        env: { APP_NAME: 'BaMaRa-Test' },
      })
      try {
        const body = (await new TestBrowser(other.app).get('/aide')).body
        for (const sentence of ruleSentences({ code: '2 minutes', link: '3 heures', idle: '20 minutes', tries: 5, appName: 'BaMaRa-Test' })) {
          expect(body).toContain(sentence)
        }
        expect(body).toContain('faire 12 caractères minimum')
        const english = (await new TestBrowser(other.app, { 'accept-language': 'en' }).get('/aide')).body
        expect(english).toContain('The code is valid for\n2 minutes only')
      } finally {
        await other.close()
      }
    })
  })

  describe('Contact', () => {
    it('gives the support address and what to put in a request', async () => {
      const response = await new TestBrowser(t.app).get('/contact')
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain(`<a href="mailto:${supportEmail}">${supportEmail}</a>`)
      expect(response.body).toContain('une capture de votre écran')
      expect(response.body).toContain('Ne communiquez jamais votre mot de passe')
    })

    it('is linked from the footer of every page, beside the support address', async () => {
      const body = (await new TestBrowser(t.app).get('/cgu')).body
      expect(body).toMatch(/<footer[\s\S]*<a href="\/contact">Contact du support<\/a>[\s\S]*<\/footer>/)
      expect(body).toMatch(new RegExp(`<footer[\\s\\S]*href="mailto:${supportEmail}"`))
    })
  })

  describe('every page', () => {
    it.each(['/cgu', '/aide', '/contact', '/page-inexistante'])('%s sends the security headers and no-store', async (url) => {
      const response = await new TestBrowser(t.app).get(url)
      const csp = String(response.headers['content-security-policy'])
      const nonce = /script-src[^;]*'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp)?.[1]
      expect(nonce).toBeDefined()
      expect(response.body).toContain(`<script nonce="${nonce}" src="/static/app.js"`)
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("base-uri 'none'")
      expect(csp).not.toContain('unsafe-inline')
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.headers['referrer-policy']).toBeDefined()
      expect(response.headers['cache-control']).toBe('no-store')
    })

    it('gives each page a fresh nonce', async () => {
      const browser = new TestBrowser(t.app)
      const first = (await browser.get('/cgu')).headers['content-security-policy']
      const second = (await browser.get('/cgu')).headers['content-security-policy']
      expect(first).not.toBe(second)
    })

    it('answers an unknown address with a French 404 page, English on request', async () => {
      const french = await new TestBrowser(t.app).get('/nexiste-pas')
      expect(french.statusCode).toBe(404)
      expect(french.headers['content-type']).toContain('text/html')
      expect(french.body).toContain('<html lang="fr">')
      expect(french.body).toContain('<h1>Page introuvable</h1>')
      const english = await new TestBrowser(t.app, { 'accept-language': 'en' }).get('/nexiste-pas')
      expect(english.body).toContain('<h1>Page not found</h1>')
    })

    it('escapes the configured support address everywhere', async () => {
      const odd = await buildTestApp({ env: { SUPPORT_EMAIL: 'a"<b>x@chu.fr' } })
      try {
        for (const url of ['/cgu', '/aide', '/contact']) {
          const body = (await new TestBrowser(odd.app).get(url)).body
          expect(body).not.toContain('<b>x')
          expect(body).toContain('a&quot;&lt;b&gt;x@chu.fr')
        }
      } finally {
        await odd.close()
      }
    })
  })

  describe('language switch (POST /langue)', () => {
    it('remembers English in a cookie, over the browser’s French preference, and goes back to the page', async () => {
      const browser = new TestBrowser(t.app, { 'accept-language': 'fr-FR' })
      const response = await browser.post('/langue', { langue: 'en', retour: '/aide' })
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/aide')
      const cookie = response.cookies.find((c) => c.name === 'langue')
      expect(cookie).toMatchObject({ value: 'en', httpOnly: true, sameSite: 'Lax', path: '/' })
      const page = await browser.get('/aide')
      expect(page.body).toContain('<html lang="en">')
      expect(page.body).toContain('<h1>Help — user guide</h1>')
      await browser.post('/langue', { langue: 'fr', retour: '/aide' })
      expect((await browser.get('/aide')).body).toContain('<h1>Aide — guide d’utilisation</h1>')
    })

    it.each([
      '//evil.example', '//evil.example/cgu', 'https://evil.example/', '/\\evil.example', '\\\\evil.example',
      'javascript:alert(1)', '/%0d%0aSet-Cookie:x=1', ' //evil.example', 'x'.repeat(600),
    ])('keeps a forged return address %s on this site', async (retour) => {
      const response = await new TestBrowser(t.app).post('/langue', { langue: 'en', retour })
      expect(response.statusCode).toBe(303)
      const location = String(response.headers.location)
      expect(location.startsWith('/')).toBe(true)
      expect(location.startsWith('//')).toBe(false)
      expect(location).not.toMatch(/[\\\r\n]/)
      expect(new URL(location, 'http://bamara.test').host).toBe('bamara.test')
    })

    it('falls back to French for an unknown language and refuses a missing field or wrong type without a 500', async () => {
      const browser = new TestBrowser(t.app)
      const unknown = await browser.post('/langue', { langue: 'xx', retour: '/cgu' })
      expect(unknown.cookies.find((c) => c.name === 'langue')?.value).toBe('fr')
      const missing = await browser.post('/langue', {})
      expect(missing.statusCode).toBeLessThan(500)
      const repeated = await browser.post('/langue', { langue: ['en', 'fr'], retour: ['/a', '/b'] })
      expect(repeated.statusCode).toBeLessThan(500)
    })

    it('refuses a switch without the CSRF token or from another site', async () => {
      const browser = new TestBrowser(t.app)
      const noToken = await browser.post('/langue', { langue: 'en', retour: '/' }, { csrf: false })
      expect(noToken.statusCode).toBe(403)
      expect(noToken.body).toContain('Action non autorisée')
      const crossSite = await browser.post('/langue', { langue: 'en', retour: '/' }, { headers: { origin: 'https://evil.example' } })
      expect(crossSite.statusCode).toBe(403)
      expect(crossSite.cookies.find((c) => c.name === 'langue')).toBeUndefined()
    })
  })
})
