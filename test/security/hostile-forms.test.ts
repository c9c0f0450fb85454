/**
 * Property-based tests of every form (issue 6, « Hostile input and abuse »; ASVS 16.5.1, checklist
 * lines 46–47): each POST route the app serves receives random unicode, 1 MB fields, missing and
 * repeated fields, wrong types (JSON bodies, arrays, numbers, objects), malformed JSON, unknown
 * content types and CR/LF in field names. The answer is always a page in French with a 4xx (or the
 * normal 2xx/3xx for a valid input), never a 500 nor a stack trace, and a validation refusal
 * (400/413/415) writes nothing: accounts, their sites, tokens, outbox, audit, sessions and login
 * attempts keep their row counts. Console routes run as a super-administrator and as a manager.
 * A POST route missing from `fuzzed` fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { signIn } from '../helpers/session.ts'
import { submitPassword } from '../helpers/login.ts'
import { formLimits } from '../../src/kernel/web/plugin.ts'
import { countRows, expectNoLeak, send, servedRoutes, type RowCounts } from './security-helpers.ts'

interface Ids { target: string; hospital: string; sites: string[] }
const aToken = 'A'.repeat(43)
const goodPassword = 'Cerf-volant-bleu-2026!'

type Actor = 'anonymous' | 'user' | 'superadmin' | 'manager' | 'pendingLogin'

interface FuzzedRoute {
  fields: string[]
  actors: Actor[]
  /** The URL, for routes with a parameter (the id of an account in the manager's hospital). */
  url?: (ids: Ids) => string
  /** A form the route accepts (or refuses for a business reason), the base of the mutations. */
  valid?: (ids: Ids) => Record<string, string>
  /**
   * An OpenID Connect endpoint: to a client that does not ask for HTML (API calls; these requests send no Accept),
   * its refusals are OAuth JSON errors, as the protocol says, not pages.
   */
  oauthJson?: true
}

const consoleActors: Actor[] = ['superadmin', 'manager']
const newPassword = ['jeton', 'nouveauMotDePasse', 'confirmation']

/** Every POST route and the fields its form has. */
const fuzzed: Record<string, FuzzedRoute> = {
  'POST /langue': { fields: ['langue', 'retour'], actors: ['anonymous'], valid: () => ({ langue: 'en', retour: '/cgu' }) },
  'POST /deconnexion': { fields: [], actors: ['anonymous'] },
  'POST /session/prolonger': { fields: [], actors: ['user', 'anonymous'] },
  'POST /deverrouillage': { fields: ['jeton'], actors: ['anonymous'], valid: () => ({ jeton: aToken }) },
  'POST /inscription': {
    fields: ['civilite', 'nom', 'prenom', 'email', 'motDePasse', 'confirmationMotDePasse', 'profession', 'hopital', 'sites', 'cgu'],
    actors: ['anonymous'],
    valid: (ids) => ({
      civilite: 'mme', nom: 'Martin', prenom: 'Léa', email: 'lea.martin@chu-a.fr', motDePasse: goodPassword, confirmationMotDePasse: goodPassword,
      profession: 'medecin', hopital: ids.hospital, sites: ids.sites[0] as string, cgu: 'oui',
    }),
  },
  'POST /confirmation': { fields: ['jeton'], actors: ['anonymous'], valid: () => ({ jeton: aToken }) },
  'POST /confirmation/renvoyer': { fields: ['email'], actors: ['anonymous'], valid: () => ({ email: 'cible@chu-a.fr' }) },
  'POST /connexion': { fields: ['email', 'password', 'retour'], actors: ['anonymous'], valid: () => ({ email: 'personne@chu-a.fr', password: 'mauvais', retour: '/mon-compte' }) },
  'POST /connexion/code': { fields: ['code'], actors: ['pendingLogin', 'anonymous'], valid: () => ({ code: '12345678' }) },
  'POST /connexion/nouveau-code': { fields: [], actors: ['pendingLogin', 'anonymous'] },
  'POST /mot-de-passe-oublie': { fields: ['email'], actors: ['anonymous'], valid: () => ({ email: 'personne@chu-a.fr' }) },
  'POST /mon-compte/mot-de-passe': {
    fields: ['motDePasseActuel', 'nouveauMotDePasse', 'confirmation'], actors: ['user', 'anonymous'],
    valid: () => ({ motDePasseActuel: 'mauvais', nouveauMotDePasse: goodPassword, confirmation: goodPassword }),
  },
  'POST /reinitialisation': { fields: newPassword, actors: ['anonymous'], valid: () => ({ jeton: aToken, nouveauMotDePasse: goodPassword, confirmation: goodPassword }) },
  'POST /gestion/comptes/activation-groupee': { fields: ['comptes', 'confirmer'], actors: consoleActors, valid: (ids) => ({ comptes: ids.target }) },
  'POST /gestion/comptes/:id': {
    fields: ['civilite', 'nom', 'prenom', 'profession', 'email', 'ajouter', 'retirer', 'recherche', 'valider', 'rechercher', 'inverser', 'choisir', 'croix'],
    actors: consoleActors, url: ({ target }) => `/gestion/comptes/${target}`,
    valid: (ids) => ({ civilite: 'm', nom: 'Dupont', prenom: 'Jean', profession: 'medecin', email: 'cible@chu-a.fr', ajouter: ids.sites[2] as string, retirer: ids.sites[1] as string, valider: '1' }),
  },
  'POST /gestion/comptes/:id/activer': { fields: [], actors: consoleActors, url: ({ target }) => `/gestion/comptes/${target}/activer` },
  'POST /gestion/comptes/:id/desactiver': { fields: [], actors: consoleActors, url: ({ target }) => `/gestion/comptes/${target}/desactiver` },
  'POST /gestion/comptes/:id/renvoyer-confirmation': { fields: [], actors: consoleActors, url: ({ target }) => `/gestion/comptes/${target}/renvoyer-confirmation` },
  'POST /gestion/comptes/:id/supprimer': { fields: [], actors: consoleActors, url: ({ target }) => `/gestion/comptes/${target}/supprimer` },
  'POST /gestion/comptes/:id/renvoyer-deverrouillage': { fields: [], actors: consoleActors, url: ({ target }) => `/gestion/comptes/${target}/renvoyer-deverrouillage` },
  'POST /gestion/revue-des-droits/confirmer': { fields: ['comptes'], actors: consoleActors, valid: (ids) => ({ comptes: ids.target }) },
  // The reference-data console (super-administrators), last: its archive and delete actions change the fixtures.
  'POST /gestion/referentiel/etablissements': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: () => '/gestion/referentiel/etablissements' },
  'POST /gestion/referentiel/etablissements/:id': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: (ids) => `/gestion/referentiel/etablissements/${ids.hospital}` },
  'POST /gestion/referentiel/etablissements/:id/sites': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: (ids) => `/gestion/referentiel/etablissements/${ids.hospital}/sites` },
  'POST /gestion/referentiel/professions': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: () => '/gestion/referentiel/professions' },
  'POST /gestion/referentiel/professions/:code': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: () => '/gestion/referentiel/professions/medecin' },
  'POST /gestion/referentiel/sites/:id': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: (ids) => `/gestion/referentiel/sites/${ids.sites[2] as string}` },
  'POST /gestion/referentiel/professions/:code/archiver': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: () => '/gestion/referentiel/professions/medecin/archiver' },
  'POST /gestion/referentiel/professions/:code/desarchiver': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: () => '/gestion/referentiel/professions/medecin/desarchiver' },
  'POST /gestion/referentiel/sites/:id/desarchiver': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: (ids) => `/gestion/referentiel/sites/${ids.sites[2] as string}/desarchiver` },
  'POST /gestion/applications': { fields: ['nom', 'redirections', 'deconnexions', 'backchannel', 'scopes'], actors: ['superadmin', 'manager'], valid: () => ({ nom: 'Fiches', redirections: 'https://fiches.example/cb', scopes: 'bamara' }) },
  'POST /gestion/applications/:id/secret': { fields: [], actors: ['superadmin', 'manager'], url: () => '/gestion/applications/00000000-0000-4000-8000-000000000000/secret' },
  'POST /gestion/applications/:id/desactiver': { fields: [], actors: ['superadmin', 'manager'], url: () => '/gestion/applications/00000000-0000-4000-8000-000000000000/desactiver' },
  'POST /oidc/auth': { fields: ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge'], actors: ['anonymous', 'user'] },
  'POST /oidc/token': { fields: ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id', 'client_secret', 'refresh_token'], actors: ['anonymous'], oauthJson: true },
  'POST /oidc/me': { fields: ['access_token'], actors: ['anonymous'], oauthJson: true },
  'POST /oidc/session/end': { fields: ['id_token_hint', 'post_logout_redirect_uri', 'client_id', 'state'], actors: ['anonymous', 'user'], oauthJson: true },
  'POST /oidc/session/end/confirm': { fields: ['xsrf', 'logout'], actors: ['anonymous', 'user'], oauthJson: true },
  'POST /oidc/token/revocation': { fields: ['token', 'token_type_hint', 'client_id', 'client_secret'], actors: ['anonymous'], oauthJson: true },
  'POST /gestion/referentiel/sites/:id/supprimer': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: (ids) => `/gestion/referentiel/sites/${ids.sites[2] as string}/supprimer` },
  'POST /gestion/referentiel/etablissements/:id/desarchiver': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: (ids) => `/gestion/referentiel/etablissements/${ids.hospital}/desarchiver` },
  'POST /gestion/referentiel/etablissements/:id/archiver': { fields: ['nom', 'titre', 'libelle', 'code', 'finess', 'ville', 'domaines'], actors: ['superadmin'], url: (ids) => `/gestion/referentiel/etablissements/${ids.hospital}/archiver` },
  'POST /gestion/changement-email': { fields: ['jeton'], actors: ['anonymous'], valid: () => ({ jeton: aToken }) },
}

// ---------------------------------------------------------------------------------------------
// What is sent

const megabyte = 1024 * 1024
/** Text a user could not type but an attacker can send: any code point, controls, bidi, NUL. */
const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('', ' ', '\r\n', 'a\r\nSet-Cookie: x=1', '\u0000', '\u202e', '\ud800', 'é'.normalize('NFD'), '<script>x</script>',
      "' OR 1=1 --", '../../etc/passwd', '%00', 'null', 'undefined', '[]', '{}', '\u001b[31m', 'a@chu-a.fr\r\nBcc: x@y.fr'),
  },
  // Long values: just over each schema bound, just under the form body limit, over it, and far over it.
  { weight: 2, arbitrary: fc.constantFrom(65, 101, 255, 1025, 5000, 300_000).map((n) => 'é'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(formLimits.bodyBytes - 512, formLimits.bodyBytes, megabyte).map((n) => 'x'.repeat(n)) },
)
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.array(hostileText, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 5 }), hostileText, { maxKeys: 3 }),
)
/** A field name: a known one, or junk (CR/LF, brackets, prototype keys, unicode). */
const fieldName = (known: string[]) => fc.oneof(
  ...(known.length > 0 ? [fc.constantFrom(...known), fc.constantFrom(...known)] : []),
  fc.constantFrom('a\r\nb', 'nom\n', '__proto__', 'constructor', 'x[y]', 'sites[]', '_csrf[]', 'é', ''),
  fc.string({ maxLength: 12 }),
)

type Body =
  | { kind: 'form'; fields: Array<[string, string[]]> }
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'jsonNotObject'; value: unknown }
  | { kind: 'raw'; contentType: string; payload: string }

/** A valid form with one field replaced, dropped or repeated: reaches the flows behind the schema. */
const nearlyValid = (valid: Record<string, string>): fc.Arbitrary<Body> => {
  const names = Object.keys(valid)
  if (names.length === 0) return fc.constant({ kind: 'form' as const, fields: [] })
  return fc.tuple(fc.constantFrom(...names), fc.constantFrom('replace', 'replace', 'replace', 'drop', 'repeat', 'array'), hostileText).map(([name, how, value]) => {
    const fields: Array<[string, string[]]> = []
    for (const [key, v] of Object.entries(valid)) {
      if (key !== name) fields.push([key, [v]])
      else if (how === 'replace') fields.push([key, [value]])
      else if (how === 'repeat') fields.push([key, [v, value]])
      else if (how === 'array') fields.push([`${key}[]`, [v]], [key, [v, v]])
    }
    return { kind: 'form' as const, fields }
  })
}

const bodyFor = (known: string[], valid: Record<string, string>): fc.Arbitrary<Body> => fc.oneof(
  { weight: 10, arbitrary: nearlyValid(valid) },
  { weight: 5, arbitrary: fc.array(fc.tuple(fieldName(known), fc.array(hostileText, { minLength: 1, maxLength: 3 })), { maxLength: 8 }).map((fields) => ({ kind: 'form' as const, fields })) },
  { weight: 3, arbitrary: fc.dictionary(fieldName(known), jsonValue, { maxKeys: 8 }).map((value) => ({ kind: 'json' as const, value })) },
  { weight: 1, arbitrary: jsonValue.map((value) => ({ kind: 'jsonNotObject' as const, value })) },
  {
    weight: 1,
    arbitrary: fc.record({
      contentType: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/x-www-form-urlencoded; charset=latin1', 'application/x-www-form-urlencoded'),
      payload: fc.constantFrom('{"email": ', '{{{', 'email=%E9%ZZ&&==', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na\r\n--x--', '<a>1</a>', '\u0000\u0001', ''),
    }).map((raw) => ({ kind: 'raw' as const, ...raw })),
  },
)

/** Builds the request; a valid CSRF token goes with it (in the form or the JSON) so the handler is reached. */
function encode (body: Body, csrf: string): { payload: string; contentType: string } {
  switch (body.kind) {
    case 'form': {
      const params = new URLSearchParams()
      params.append('_csrf', csrf)
      for (const [name, values] of body.fields) for (const v of values) params.append(name, v)
      return { payload: params.toString(), contentType: 'application/x-www-form-urlencoded' }
    }
    case 'json': return { payload: JSON.stringify({ ...body.value, _csrf: csrf }), contentType: 'application/json' }
    case 'jsonNotObject': return { payload: JSON.stringify(body.value) ?? 'null', contentType: 'application/json' }
    case 'raw': return { payload: body.payload, contentType: body.contentType }
  }
}

// ---------------------------------------------------------------------------------------------
// What is expected

const refusalsThatWriteNothing = new Set([400, 413, 415])

function checkAnswer (response: LightMyRequestResponse, description: string, oauthJson = false) {
  const where = `${description} → ${response.statusCode}`
  expect(response.statusCode, where).toBeLessThan(500)
  expect(expectNoLeak(response.body), where).toBeUndefined()
  if (response.statusCode >= 400 && oauthJson) {
    // RFC 6749 §5.2: an error code from the protocol's list, nothing else of the request echoed.
    expect(String(response.headers['content-type']), where).toMatch(/^application\/json/)
    expect((JSON.parse(response.body) as { error?: string }).error, where).toMatch(/^(invalid_request|invalid_client|invalid_grant|unauthorized_client|unsupported_grant_type|invalid_scope|invalid_token)$/)
  } else if (response.statusCode >= 400) {
    // A page of the app, in French, with a heading or a field message (never a framework's JSON error).
    expect(String(response.headers['content-type']), where).toMatch(/^text\/html/)
    expect(response.body, where).toContain('<html lang="fr">')
    expect(response.body, where).toMatch(/<h1[^>]*>[^<]*[A-Za-zÀ-ÿ]{3}/)
    expect(response.body, where).not.toMatch(/Bad Request|Unsupported Media Type|Payload Too Large|Invalid request/)
  }
}

// ---------------------------------------------------------------------------------------------

describe(`hostile form input on every POST route (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let target: string
  const cookiesOf = new Map<Actor, Map<string, string>>()
  const csrfOf = new Map<Actor, string>()

  async function prepare (actor: Actor, accountId?: string) {
    const browser = new TestBrowser(t.app)
    await browser.get('/connexion')
    if (accountId) await signIn(t, browser, accountId)
    cookiesOf.set(actor, browser.cookies)
    csrfOf.set(actor, await browser.csrfToken())
    return browser
  }

  beforeAll(async () => {
    // Rate limits out of the way: the fuzz must reach the handlers, not the 429 page.
    t = await buildTestApp({
      rules: {
        loginAttemptsPerIp: 1e6, loginAttemptsPerAccount: 1e6, oneTimeCodeAttemptsPerIp: 1e6, oneTimeCodeAttemptsPerAccount: 1e6,
        maximumWrongCodes: 1e6, passwordResetRequestsPerIp: 1e6, passwordResetRequestsPerAccount: 1e6, passwordResetAttemptsPerIp: 1e6,
        passwordChangeAttemptsPerAccount: 1e6, registrationsPerAddress: 1e6, registrationsPerEmail: 1e6, confirmationResendsPerAddress: 1e6,
        confirmationResendsPerEmail: 1e6, unlockAttemptsPerIp: 1e6, oneTimeCodeResendInterval: 0, maximumCodesPerChallenge: 1e6, oneTimeCodesSentPerAccount: 1e6,
      },
    })
    a = (await createTwoHospitals(t.db)).a
    const superadmin = await createAccount(t.db, { email: 'super@chu-a.fr', siteIds: [a.adminSiteId], isSuperadmin: true })
    const manager = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId] })
    const user = await createAccount(t.db, { email: 'user@chu-a.fr', siteIds: [a.siteIds[0] as string] })
    target = await createAccount(t.db, { email: 'cible@chu-a.fr', siteIds: [a.siteIds[0] as string, a.siteIds[1] as string], state: 'pendingActivation' })
    await createAccount(t.db, { email: 'code@chu-a.fr', siteIds: [a.siteIds[0] as string] })
    await prepare('anonymous')
    await prepare('superadmin', superadmin)
    await prepare('manager', manager)
    await prepare('user', user)
    const pending = await prepare('pendingLogin')
    expect((await submitPassword(pending, 'code@chu-a.fr')).headers.location).toBe('/connexion/code')
    cookiesOf.set('pendingLogin', pending.cookies)
  })
  afterAll(async () => { await t?.close() })

  it('has every POST route of the app in its list', () => {
    const served = servedRoutes(t.app, 'POST')
    expect(served.length).toBeGreaterThan(15)
    expect(served.filter((route) => !(route in fuzzed)), 'POST routes missing from the fuzz list').toEqual([])
    expect(Object.keys(fuzzed).filter((route) => !served.includes(route)), 'fuzzed routes the app no longer serves').toEqual([])
  })

  for (const [route, spec] of Object.entries(fuzzed)) {
    for (const actor of spec.actors) {
      it(`${route} as ${actor}: 4xx in French or the normal answer, never a 500, nothing written on refusal`, async () => {
        const ids: Ids = { target, hospital: a.id, sites: a.siteIds }
        const url = spec.url ? spec.url(ids) : route.replace(/^POST /, '')
        let ip = 0
        const statuses = new Map<number, number>()
        await fc.assert(fc.asyncProperty(bodyFor(spec.fields, spec.valid?.(ids) ?? {}), async (body) => {
          const before = await countRows(t.db)
          const lastSeq = Number((await t.db.selectFrom('audit_event').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst())?.seq ?? 0)
          const { payload, contentType } = encode(body, csrfOf.get(actor) as string)
          const response = await send(t.app, {
            method: 'POST', url, payload, contentType, cookies: cookiesOf.get(actor), remoteAddress: `10.9.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}`,
          })
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
          checkAnswer(response, `${route} as ${actor} with ${JSON.stringify(body).slice(0, 160)}`, spec.oauthJson)
          if (refusalsThatWriteNothing.has(response.statusCode)) {
            // Nothing written, except the audit record of a refused authentication (ASVS 16.3.1).
            const after: RowCounts = await countRows(t.db)
            const newEvents = await t.db.selectFrom('audit_event').select(['type', 'outcome']).where('seq', '>', lastSeq).execute()
            expect(newEvents.filter((e) => !['failure', 'refused'].includes(e.outcome)), `${route} audited a success on a ${response.statusCode}`).toEqual([])
            expect({ ...after, audit_event: 0 }, `${route} wrote on a ${response.statusCode}`).toEqual({ ...before, audit_event: 0 })
          }
        }), { numRuns: spec.fields.length === 0 ? 10 : 30, seed: Number(process.env.FUZZ_SEED ?? 20261127) })
        if (process.env.FUZZ_REPORT) console.log(route, actor, JSON.stringify([...statuses]))
      }, 60_000)
    }
  }

  it('refuses a valid-looking form whose field names carry CR/LF, without writing anything', async () => {
    const before = await countRows(t.db)
    const params = new URLSearchParams({ _csrf: csrfOf.get('anonymous') as string, 'email\r\nX-Injected: 1': 'a@chu-a.fr', 'password\n': 'x' })
    const response = await send(t.app, { method: 'POST', url: '/connexion', payload: params.toString(), contentType: 'application/x-www-form-urlencoded', cookies: cookiesOf.get('anonymous') })
    expect(response.statusCode).toBe(400)
    expect(response.headers['x-injected']).toBeUndefined()
    expect(response.body).toContain('Ce champ est obligatoire')
    expect(await countRows(t.db)).toEqual(before)
  })
})
