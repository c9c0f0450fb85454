/**
 * Every GET route (issue 6; ASVS 3.5.3, checklist line 38 « GET never changes state »; SQL
 * injection in every filter and search): each GET the app serves is called by every kind of
 * visitor with random and hostile query values (SQL injection strings, LIKE wildcards, unicode,
 * repeated parameters, over-long values). The answer is never a 500 nor a stack trace, the SQL
 * strings find nothing they should not (a wildcard is not a match-all), and no GET changes any
 * account, token, email or audit row. A GET route missing from `queried` fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { signIn } from '../helpers/session.ts'
import { issueAccountToken } from '../../src/kernel/accounts/account-tokens.ts'
import { accountStates, countRows, expectNoLeak, servedRoutes, sqlInjections } from './security-helpers.ts'

type Actor = 'anonymous' | 'user' | 'manager' | 'superadmin'
interface Ids { target: string; hospital: string; site: string; token: string; mail: string }

/** Each GET route, with the query parameters it reads. */
const queried: Record<string, { params: string[]; url?: (ids: Ids) => string }> = {
  'GET /': { params: [] },
  'GET /*': { params: [], url: () => '/nexiste-pas' },
  'GET /aide': { params: [] },
  'GET /cgu': { params: [] },
  'GET /contact': { params: [] },
  'GET /healthz': { params: [] },
  'GET /readyz': { params: [] },
  'GET /sites': { params: ['hopital', 'q'] },
  'GET /inscription': { params: ['hopital'] },
  'GET /inscription/sites': { params: ['hopital'] },
  'GET /inscription/envoyee': { params: [] },
  'GET /confirmation': { params: ['jeton'] },
  'GET /confirmation/renvoyer': { params: [] },
  'GET /confirmation/renvoyee': { params: [] },
  'GET /connexion': { params: ['retour', 'expiree', 'deconnecte', 'deverrouille', 'recommencer'] },
  'GET /connexion/code': { params: ['nouveau'] },
  'GET /deverrouillage': { params: ['jeton'] },
  'GET /mot-de-passe-oublie': { params: [] },
  'GET /mot-de-passe-oublie/envoye': { params: [] },
  'GET /reinitialisation': { params: ['jeton'] },
  'GET /mon-compte': { params: ['mot-de-passe'] },
  'GET /mon-compte/mot-de-passe': { params: [] },
  'GET /dev/mailbox': { params: ['destinataire'] },
  'GET /dev/mailbox/:id': { params: [], url: (ids) => `/dev/mailbox/${ids.mail}` },
  'GET /dev/mailbox/:id/html': { params: [], url: (ids) => `/dev/mailbox/${ids.mail}/html` },
  'GET /gestion': { params: ['q', 'statut', 'verrouille', 'site', 'profession', 'hopital', 'tri', 'page', 'fait', 'compte'] },
  'GET /gestion/demandes-gestionnaires': { params: [] },
  'GET /gestion/comptes/:id': { params: ['fait'], url: (ids) => `/gestion/comptes/${ids.target}` },
  'GET /gestion/comptes/:id/sites': { params: ['q'], url: (ids) => `/gestion/comptes/${ids.target}/sites` },
  'GET /gestion/comptes/:id/activer': { params: [], url: (ids) => `/gestion/comptes/${ids.target}/activer` },
  'GET /gestion/comptes/:id/desactiver': { params: [], url: (ids) => `/gestion/comptes/${ids.target}/desactiver` },
  'GET /gestion/comptes/:id/supprimer': { params: [], url: (ids) => `/gestion/comptes/${ids.target}/supprimer` },
  'GET /gestion/changement-email': { params: ['jeton'] },
  'GET /gestion/journal': { params: ['utilisateur', 'action', 'du', 'au', 'page'] },
  'GET /gestion/journal.csv': { params: ['utilisateur', 'action', 'du', 'au'] },
  'GET /gestion/revue-des-droits': { params: ['fait'] },
  'GET /gestion/revue-des-droits/rapport': { params: ['hopital', 'du', 'au'] },
  'GET /gestion/revue-des-droits/rapport.csv': { params: ['hopital', 'du', 'au'] },
  'GET /gestion/referentiel': { params: ['q', 'archives', 'page'] },
  'GET /gestion/referentiel/etablissements/nouveau': { params: [] },
  'GET /gestion/referentiel/etablissements/:id': { params: ['q'], url: (ids) => `/gestion/referentiel/etablissements/${ids.hospital}` },
  'GET /gestion/referentiel/etablissements/:id/sites/nouveau': { params: [], url: (ids) => `/gestion/referentiel/etablissements/${ids.hospital}/sites/nouveau` },
  'GET /gestion/referentiel/professions': { params: [] },
  'GET /gestion/referentiel/professions/:code': { params: [], url: () => '/gestion/referentiel/professions/medecin' },
  'GET /gestion/referentiel/sites/:id': { params: [], url: (ids) => `/gestion/referentiel/sites/${ids.site}` },
  'GET /.well-known/openid-configuration': { params: [] },
  'GET /gestion/applications': { params: ['fait'] },
  'GET /oidc/*': { params: ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'], url: () => '/oidc/auth' },
  'GET /oidc/interaction/:uid': { params: [], url: () => '/oidc/interaction/inconnue' },
}

const hostileValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...sqlInjections) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('1', '0', '-1', '99999', 'nom', 'en-attente', 'javascript:alert(1)', '//evil.example', '\r\nX: y', 'é'.repeat(600)) },
)
const queryFor = (params: string[]) => fc.array(
  fc.tuple(params.length > 0 ? fc.oneof(fc.constantFrom(...params), fc.string({ maxLength: 6 })) : fc.string({ maxLength: 6 }), hostileValue),
  { maxLength: 5 },
).map((pairs) => {
  const query = new URLSearchParams()
  for (const [k, v] of pairs) query.append(k, v)
  return query.toString()
})

describe(`hostile queries on every GET route; GET changes nothing (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let ids: Ids
  const browsers = new Map<Actor, TestBrowser>()

  beforeAll(async () => {
    t = await buildTestApp()
    a = (await createTwoHospitals(t.db)).a
    const superadmin = await createAccount(t.db, { email: 'super@chu-a.fr', siteIds: [a.adminSiteId], isSuperadmin: true })
    const manager = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId] })
    const user = await createAccount(t.db, { email: 'user@chu-a.fr', siteIds: [a.siteIds[0] as string] })
    const target = await createAccount(t.db, { email: 'cible@chu-a.fr', siteIds: [a.siteIds[0] as string], state: 'pendingActivation', locked: true })
    await createAccount(t.db, { email: 'pourcent%@chu-a.fr', lastName: "O'Brien", siteIds: [a.siteIds[1] as string] })
    const token = await t.db.transaction().execute((tx) => issueAccountToken(tx, target, 'unlock', 3_600_000, t.clock.now()))
    // An email in the dev mailbox, for its pages.
    await new TestBrowser(t.app).post('/mot-de-passe-oublie', { email: 'user@chu-a.fr' })
    const mail = await t.db.selectFrom('outbox').select('id').executeTakeFirstOrThrow()
    ids = { target, hospital: a.id, site: a.siteIds[0] as string, token, mail: mail.id }
    for (const [actor, id] of [['anonymous', undefined], ['user', user], ['manager', manager], ['superadmin', superadmin]] as const) {
      const browser = new TestBrowser(t.app)
      if (id) await signIn(t, browser, id)
      browsers.set(actor, browser)
    }
  })
  afterAll(async () => { await t?.close() })

  it('has every GET route of the app in its list', () => {
    const served = servedRoutes(t.app, 'GET').filter((r) => !r.startsWith('GET /static'))
    expect(served.filter((route) => !(route in queried)), 'GET routes missing from the list').toEqual([])
  })

  it('answers every GET route, for every visitor, without a 500 and without changing any state', async () => {
    const before = { counts: await countRows(t.db), accounts: await accountStates(t.db) }
    const lastSeq = Number((await t.db.selectFrom('audit_event').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst())?.seq ?? 0)
    for (const [route, spec] of Object.entries(queried)) {
      const url = spec.url ? spec.url(ids) : route.replace(/^GET /, '')
      for (const [actor, browser] of browsers) {
        await fc.assert(fc.asyncProperty(queryFor(spec.params), async (query) => {
          const response = await browser.get(query ? `${url}?${query}` : url)
          const where = `${actor} GET ${url}?${query} → ${response.statusCode}`
          expect(response.statusCode, where).toBeLessThan(500)
          expect(expectNoLeak(response.body), where).toBeUndefined()
        }), { numRuns: spec.params.length > 0 ? 12 : 2, seed: 7 })
      }
      // With the real token too (the page with one button): showing it changes nothing.
      for (const path of ['/deverrouillage', '/confirmation', '/reinitialisation', '/gestion/changement-email']) {
        await (browsers.get('anonymous') as TestBrowser).get(`${path}?jeton=${ids.token}`)
      }
    }
    // Refused console visits and journal exports are audited (ASVS 16.3.2); nothing else is written.
    const events = await t.db.selectFrom('audit_event').select(['type', 'outcome']).where('seq', '>', lastSeq).execute()
    expect(events.filter((e) => !['failure', 'refused'].includes(e.outcome) && !/[eE]xported$/.test(e.type))).toEqual([])
    expect({ ...await countRows(t.db), audit_event: 0 }).toEqual({ ...before.counts, audit_event: 0 })
    expect(await accountStates(t.db)).toEqual(before.accounts)
  }, 120_000)

  it('treats SQL strings and wildcards in the console search and filters as plain text', async () => {
    const manager = browsers.get('superadmin') as TestBrowser
    for (const injection of sqlInjections) {
      for (const param of ['q', 'site', 'profession', 'hopital', 'statut', 'tri', 'compte']) {
        const response = await manager.get(`/gestion?${new URLSearchParams({ [param]: injection }).toString()}`)
        expect(response.statusCode, `${param}=${injection}`).toBeLessThan(500)
        if (param === 'q' && response.statusCode === 200 && !['%', '_'].includes(injection)) {
          // Only the account whose names contain the text may appear: an injection matches nothing here.
          expect(response.body, `q=${injection}`).not.toContain('user@chu-a.fr')
        }
      }
    }
    // A wildcard is a character, not « anything »: « % » finds the address that contains one, not the others.
    const percent = await manager.get('/gestion?q=%25')
    expect(percent.statusCode).toBe(200)
    expect(percent.body).toContain('pourcent%@chu-a.fr')
    expect(percent.body).not.toContain('user@chu-a.fr')
    const quote = await manager.get(`/gestion?q=${encodeURIComponent("o'brien")}`)
    expect(quote.body).toContain('pourcent%@chu-a.fr')
    // The public site search (JSON): same rule.
    const sites = await (browsers.get('anonymous') as TestBrowser).get(`/sites?hopital=${a.id}&q=${encodeURIComponent("' OR '1'='1")}`)
    expect(sites.statusCode).toBe(200)
    expect(JSON.parse(sites.body)).toEqual([])
    const everySite = await (browsers.get('anonymous') as TestBrowser).get(`/sites?hopital=${a.id}&q=%25`)
    expect(JSON.parse(everySite.body)).toEqual([])
    const injectedHospital = await (browsers.get('anonymous') as TestBrowser).get(`/sites?hopital=${encodeURIComponent("x' OR '1'='1")}`)
    expect(injectedHospital.statusCode).toBe(404)
    expect(JSON.parse(injectedHospital.body).error).toMatch(/[Éé]tablissement|hôpital|inconnu/i)
    // The dev mailbox filter.
    const mailbox = await (browsers.get('anonymous') as TestBrowser).get(`/dev/mailbox?destinataire=${encodeURIComponent("' OR 1=1 --")}`)
    expect(mailbox.statusCode).toBe(200)
    expect(mailbox.body).not.toContain('user@chu-a.fr')
  })
})
