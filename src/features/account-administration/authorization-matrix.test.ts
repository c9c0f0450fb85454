/**
 * The authorization matrix (house style rule 10, ASVS 8.2.1–8.2.2, 8.4.1): every console route ×
 * {anonymous, user, manager of A, manager of B, super-administrator} × target {user of A, user of
 * B, user of A and B, account manager of A}, with the expected outcome and, for refusals, proof
 * that nothing changed. A console route missing from the matrix fails the first test.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { createAccount, createHospital, createSite, type TestAccountState, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

type Actor = 'anonymous' | 'user' | 'managerA' | 'managerB' | 'superadmin'
type Target = 'userA' | 'userB' | 'userAB' | 'accountManagerA'
/** login: sent to /connexion; ok: allowed (and a POST changes the target); forbidden 403; notFound 404; unchanged: 200 but nothing done. */
type Outcome = 'login' | 'ok' | 'forbidden' | 'notFound' | 'unchanged'

const actors: Actor[] = ['anonymous', 'user', 'managerA', 'managerB', 'superadmin']
const targets: Target[] = ['userA', 'userB', 'userAB', 'accountManagerA']

/** Who may act on whom (every per-account route): a manager acts in their hospital only, never on a multi-hospital user or another manager. */
const onTarget: Record<Actor, Record<Target, Outcome>> = {
  anonymous: { userA: 'login', userB: 'login', userAB: 'login', accountManagerA: 'login' },
  user: { userA: 'forbidden', userB: 'forbidden', userAB: 'forbidden', accountManagerA: 'forbidden' },
  managerA: { userA: 'ok', userB: 'notFound', userAB: 'forbidden', accountManagerA: 'forbidden' },
  managerB: { userA: 'notFound', userB: 'ok', userAB: 'forbidden', accountManagerA: 'notFound' },
  superadmin: { userA: 'ok', userB: 'ok', userAB: 'ok', accountManagerA: 'ok' },
}

interface TargetFixture { id: string; email: string; addSiteId: string; removeSiteId: string }

interface RouteCase {
  /** The target's state before the request (the state the action needs). */
  state: TestAccountState
  locked?: boolean
  send: (browser: TestBrowser, target: TargetFixture) => ReturnType<TestBrowser['get']>
  expected: (actor: Actor, target: Target) => Outcome
}

const perAccount = (actor: Actor, target: Target) => onTarget[actor][target]
const superadminOnly = (actor: Actor): Outcome => (actor === 'anonymous' ? 'login' : actor === 'superadmin' ? 'ok' : 'forbidden')

const matrix: Record<string, RouteCase> = {
  'GET /gestion/comptes/:id': { state: 'active', send: (b, t) => b.get(`/gestion/comptes/${t.id}`), expected: perAccount },
  // The one edit form: names, a site added and a site removed, saved together (admin guide §3.4.1–3.4.2).
  'POST /gestion/comptes/:id': {
    state: 'active',
    send: (b, t) => b.post(`/gestion/comptes/${t.id}`, {
      civilite: 'm', nom: 'Nouveau', prenom: 'Nom', profession: 'medecin', email: t.email, ajouter: t.addSiteId, retirer: t.removeSiteId, valider: '1',
    }),
    expected: perAccount,
  },
  // The « Sites » field's suggestions (a GET: the matrix checks it changes nothing).
  'GET /gestion/comptes/:id/sites': { state: 'active', send: (b, t) => b.get(`/gestion/comptes/${t.id}/sites?q=malo`), expected: perAccount },
  'GET /gestion/comptes/:id/activer': { state: 'pendingActivation', send: (b, t) => b.get(`/gestion/comptes/${t.id}/activer`), expected: perAccount },
  'POST /gestion/comptes/:id/activer': { state: 'pendingActivation', send: (b, t) => b.post(`/gestion/comptes/${t.id}/activer`, {}), expected: perAccount },
  'GET /gestion/comptes/:id/desactiver': { state: 'active', send: (b, t) => b.get(`/gestion/comptes/${t.id}/desactiver`), expected: perAccount },
  'POST /gestion/comptes/:id/desactiver': { state: 'active', send: (b, t) => b.post(`/gestion/comptes/${t.id}/desactiver`, {}), expected: perAccount },
  'POST /gestion/comptes/:id/renvoyer-confirmation': {
    state: 'unconfirmed',
    send: (b, t) => b.post(`/gestion/comptes/${t.id}/renvoyer-confirmation`, {}),
    // An unconfirmed account-manager registration is no manager yet: its hospital's manager may resend the link.
    expected: (actor, target) => (actor === 'managerA' && target === 'accountManagerA' ? 'ok' : perAccount(actor, target)),
  },
  'POST /gestion/comptes/:id/renvoyer-deverrouillage': { state: 'active', locked: true, send: (b, t) => b.post(`/gestion/comptes/${t.id}/renvoyer-deverrouillage`, {}), expected: perAccount },
  'GET /gestion/comptes/:id/supprimer': { state: 'active', send: (b, t) => b.get(`/gestion/comptes/${t.id}/supprimer`), expected: superadminOnly },
  'POST /gestion/comptes/:id/supprimer': { state: 'active', send: (b, t) => b.post(`/gestion/comptes/${t.id}/supprimer`, { confirmation: t.email }), expected: superadminOnly },
  'POST /gestion/comptes/activation-groupee': {
    state: 'pendingActivation',
    send: (b, t) => b.post('/gestion/comptes/activation-groupee', { comptes: t.id, confirmer: '1' }),
    // The bulk page always answers; each account is activated only where the single action would be.
    expected: (actor, target) => {
      const single = perAccount(actor, target)
      return single === 'login' || single === 'forbidden' && actor === 'user' ? single : single === 'ok' ? 'ok' : 'unchanged'
    },
  },
}

const superadminOnlyOutcomes: Record<Actor, Outcome> = { anonymous: 'login', user: 'forbidden', managerA: 'forbidden', managerB: 'forbidden', superadmin: 'ok' }
const unknownId = '00000000-0000-4000-8000-000000000000'
const managersAndSuperadmin: Record<Actor, Outcome> = { anonymous: 'login', user: 'forbidden', managerA: 'ok', managerB: 'ok', superadmin: 'ok' }

/** Routes without a target account. */
const withoutTarget: Record<string, { url: string; method: 'GET' | 'POST'; expected: Record<Actor, Outcome | 400 | 404> }> = {
  'GET /gestion': { method: 'GET', url: '/gestion', expected: { anonymous: 'login', user: 'forbidden', managerA: 'ok', managerB: 'ok', superadmin: 'ok' } },
  'GET /gestion/demandes-gestionnaires': {
    method: 'GET', url: '/gestion/demandes-gestionnaires',
    expected: { anonymous: 'login', user: 'forbidden', managerA: 'forbidden', managerB: 'forbidden', superadmin: 'ok' },
  },
  // Public: the link of the email-change email; the single-use token is the only key (none here: 400).
  'GET /gestion/changement-email': { method: 'GET', url: '/gestion/changement-email', expected: { anonymous: 400, user: 400, managerA: 400, managerB: 400, superadmin: 400 } },
  'POST /gestion/changement-email': { method: 'POST', url: '/gestion/changement-email', expected: { anonymous: 400, user: 400, managerA: 400, managerB: 400, superadmin: 400 } },
  // Audit trail and access review: every manager reaches their own hospitals' pages (scoping is
  // tested in their features); plain users never.
  'GET /gestion/journal': { method: 'GET', url: '/gestion/journal', expected: managersAndSuperadmin },
  'GET /gestion/journal.csv': { method: 'GET', url: '/gestion/journal.csv', expected: managersAndSuperadmin },
  // The console's list as CSV: every manager gets their own hospitals' accounts (scope tested in console-export.test.ts).
  'GET /gestion/comptes.csv': { method: 'GET', url: '/gestion/comptes.csv', expected: managersAndSuperadmin },
  'GET /gestion/revue-des-droits': { method: 'GET', url: '/gestion/revue-des-droits', expected: managersAndSuperadmin },
  'POST /gestion/revue-des-droits/confirmer': {
    method: 'POST', url: '/gestion/revue-des-droits/confirmer',
    // Nothing selected: a 400 with its message, for whoever may review.
    expected: { anonymous: 'login', user: 'forbidden', managerA: 400, managerB: 400, superadmin: 400 },
  },
  'GET /gestion/revue-des-droits/rapport': { method: 'GET', url: '/gestion/revue-des-droits/rapport', expected: managersAndSuperadmin },
  'GET /gestion/revue-des-droits/rapport.csv': { method: 'GET', url: '/gestion/revue-des-droits/rapport.csv', expected: managersAndSuperadmin },
  // Client applications of the OpenID Connect provider: super-administrators only (an empty
  // registration is a 400 with its messages; an unknown client a 404).
  'GET /gestion/applications': { method: 'GET', url: '/gestion/applications', expected: superadminOnlyOutcomes },
  'POST /gestion/applications': { method: 'POST', url: '/gestion/applications', expected: { ...superadminOnlyOutcomes, superadmin: 400 } },
  'POST /gestion/applications/:id/secret': { method: 'POST', url: `/gestion/applications/${unknownId}/secret`, expected: { ...superadminOnlyOutcomes, superadmin: 404 } },
  'POST /gestion/applications/:id/desactiver': { method: 'POST', url: `/gestion/applications/${unknownId}/desactiver`, expected: { ...superadminOnlyOutcomes, superadmin: 404 } },
}

/** Reference-data pages (super-administrators only), with the fixtures their URLs need. */
interface ReferenceFixture { hospitalId: string; siteId: string; deletableSiteId: string }
const referenceData: Record<string, { method: 'GET' | 'POST'; url: (f: ReferenceFixture) => string; form?: Record<string, string> }> = {
  'GET /gestion/referentiel': { method: 'GET', url: () => '/gestion/referentiel' },
  'GET /gestion/referentiel/etablissements/nouveau': { method: 'GET', url: () => '/gestion/referentiel/etablissements/nouveau' },
  'POST /gestion/referentiel/etablissements': { method: 'POST', url: () => '/gestion/referentiel/etablissements', form: { nom: 'CHU matrice', finess: '590000030', ville: 'Lille', domaines: 'chu-matrice.fr' } },
  'GET /gestion/referentiel/etablissements/:id': { method: 'GET', url: (f) => `/gestion/referentiel/etablissements/${f.hospitalId}` },
  'POST /gestion/referentiel/etablissements/:id': { method: 'POST', url: (f) => `/gestion/referentiel/etablissements/${f.hospitalId}`, form: { nom: 'CHU de Test C', finess: '670000041', ville: 'Strasbourg', domaines: 'chu-c.fr' } },
  'POST /gestion/referentiel/etablissements/:id/archiver': { method: 'POST', url: (f) => `/gestion/referentiel/etablissements/${f.hospitalId}/archiver` },
  'POST /gestion/referentiel/etablissements/:id/desarchiver': { method: 'POST', url: (f) => `/gestion/referentiel/etablissements/${f.hospitalId}/desarchiver` },
  'GET /gestion/referentiel/etablissements/:id/sites/nouveau': { method: 'GET', url: (f) => `/gestion/referentiel/etablissements/${f.hospitalId}/sites/nouveau` },
  'POST /gestion/referentiel/etablissements/:id/sites': { method: 'POST', url: (f) => `/gestion/referentiel/etablissements/${f.hospitalId}/sites`, form: { intitule: 'Site de la matrice', type: 'other' } },
  'GET /gestion/referentiel/sites/:id': { method: 'GET', url: (f) => `/gestion/referentiel/sites/${f.siteId}` },
  'POST /gestion/referentiel/sites/:id': { method: 'POST', url: (f) => `/gestion/referentiel/sites/${f.siteId}`, form: { intitule: 'Site modifié', type: 'crc', responsable: 'Martin' } },
  'POST /gestion/referentiel/sites/:id/supprimer': { method: 'POST', url: (f) => `/gestion/referentiel/sites/${f.deletableSiteId}/supprimer` },
  'POST /gestion/referentiel/sites/:id/desarchiver': { method: 'POST', url: (f) => `/gestion/referentiel/sites/${f.siteId}/desarchiver` },
  'GET /gestion/referentiel/professions': { method: 'GET', url: () => '/gestion/referentiel/professions' },
  'POST /gestion/referentiel/professions': { method: 'POST', url: () => '/gestion/referentiel/professions', form: { code: 'matrice', libelle_fr: 'Matrice', libelle_en: 'Matrix', ordre: '90' } },
  'GET /gestion/referentiel/professions/:code': { method: 'GET', url: () => '/gestion/referentiel/professions/autre' },
  'POST /gestion/referentiel/professions/:code': { method: 'POST', url: () => '/gestion/referentiel/professions/autre', form: { libelle_fr: 'Autre', libelle_en: 'Other', ordre: '99' } },
  'POST /gestion/referentiel/professions/:code/archiver': { method: 'POST', url: () => '/gestion/referentiel/professions/autre/archiver' },
  'POST /gestion/referentiel/professions/:code/desarchiver': { method: 'POST', url: () => '/gestion/referentiel/professions/autre/desarchiver' },
}

describe(`authorization matrix of the console (${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  const browsers = {} as Record<Actor, TestBrowser>
  let counter = 0

  beforeAll(async () => {
    const ids: Record<Exclude<Actor, 'anonymous'>, string> = {
      user: await createAccount(s.t.db, { email: 'simple@chu-a.fr', siteIds: [s.a.siteIds[0] as string] }),
      managerA: await createAccount(s.t.db, { email: 'gestion@chu-a.fr', siteIds: [s.a.adminSiteId] }),
      managerB: await createAccount(s.t.db, { email: 'gestion@chu-b.fr', siteIds: [s.b.adminSiteId] }),
      superadmin: await createAccount(s.t.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true }),
    }
    browsers.anonymous = new TestBrowser(s.t.app)
    for (const actor of ['user', 'managerA', 'managerB', 'superadmin'] as const) {
      browsers[actor] = new TestBrowser(s.t.app)
      await signIn(s.t, browsers[actor], ids[actor])
    }
  })

  async function createTarget (target: Target, route: RouteCase): Promise<TargetFixture> {
    const site = (h: TestHospital, i: number) => h.siteIds[i] as string
    const sites: Record<Target, { siteIds: string[]; add: string; remove: string; domain: string }> = {
      userA: { siteIds: [site(s.a, 0), site(s.a, 2)], add: site(s.a, 1), remove: site(s.a, 2), domain: 'chu-a.fr' },
      userB: { siteIds: [site(s.b, 0), site(s.b, 2)], add: site(s.b, 1), remove: site(s.b, 2), domain: 'chu-b.fr' },
      userAB: { siteIds: [site(s.a, 0), site(s.b, 0), site(s.a, 2)], add: site(s.a, 1), remove: site(s.a, 2), domain: 'chu-a.fr' },
      accountManagerA: { siteIds: [s.a.adminSiteId, site(s.a, 2)], add: site(s.a, 1), remove: site(s.a, 2), domain: 'chu-a.fr' },
    }
    const spec = sites[target]
    const email = `cible${++counter}@${spec.domain}`
    const id = await createAccount(s.t.db, { email, siteIds: spec.siteIds, state: route.state, locked: route.locked })
    return { id, email, addSiteId: spec.add, removeSiteId: spec.remove }
  }

  async function snapshot (id: string): Promise<string> {
    const account = await s.t.db.selectFrom('account').selectAll().where('id', '=', id).executeTakeFirst()
    const sites = await s.t.db.selectFrom('account_site').select('site_id').where('account_id', '=', id).orderBy('site_id').execute()
    const tokens = await s.t.db.selectFrom('account_token').select(['digest', 'used_at']).where('account_id', '=', id).orderBy('digest').execute()
    return JSON.stringify({ account, sites, tokens })
  }

  it('lists every console route, so a new route must be added here', () => {
    const registered = s.t.app.routeList.filter((r) => / \/gestion([/.]|$)/.test(r)).map((r) => r.replace(/(.)\/$/, '$1'))
    expect(new Set(registered)).toEqual(new Set([...Object.keys(matrix), ...Object.keys(withoutTarget), ...Object.keys(referenceData)]))
  })

  for (const [route, spec] of Object.entries(withoutTarget)) {
    it(`${route}: ${actors.map((actor) => `${actor} → ${spec.expected[actor]}`).join(', ')}`, async () => {
      for (const actor of actors) {
        const browser = browsers[actor]
        const response = spec.method === 'GET' ? await browser.get(spec.url) : await browser.post(spec.url, {})
        const expected = spec.expected[actor]
        if (expected === 'login') {
          expect(response.statusCode, actor).toBe(303)
          expect(response.headers.location, actor).toMatch(/^\/connexion/)
        } else if (expected === 'ok') expect(response.statusCode, actor).toBe(200)
        else if (expected === 'forbidden') expect(response.statusCode, actor).toBe(403)
        else expect(response.statusCode, actor).toBe(expected)
      }
    })
  }

  for (const [route, spec] of Object.entries(matrix)) {
    it(`${route} answers each actor and target as the matrix says`, async () => {
      const mismatches: string[] = []
      for (const actor of actors) {
        for (const target of targets) {
          const fixture = await createTarget(target, spec)
          const before = await snapshot(fixture.id)
          const response = await spec.send(browsers[actor], fixture)
          const changed = before !== await snapshot(fixture.id)
          const expected = spec.expected(actor, target)
          const status = response.statusCode
          const isLogin = status === 303 && /^\/connexion/.test(String(response.headers.location))
          const actual: Outcome = isLogin ? 'login'
            : status === 403 ? 'forbidden'
              : status === 404 ? 'notFound'
                : status < 400 && (changed || route.startsWith('GET')) ? 'ok'
                  : status === 200 && !changed ? 'unchanged'
                    : `status ${status}` as Outcome
          if (actual !== expected) mismatches.push(`${actor} × ${target}: expected ${expected}, got ${actual}`)
          if (expected !== 'ok' && changed) mismatches.push(`${actor} × ${target}: refused but the account changed`)
          if (route.startsWith('GET') && changed) mismatches.push(`${actor} × ${target}: a GET changed the account`)
        }
      }
      expect(mismatches).toEqual([])
    })
  }

  it('reference-data pages: anonymous → login, user and managers → 403 (nothing changes), super-administrator → allowed', async () => {
    const c = await createHospital(s.t.db, 'CHU de Test C', '670000041', 'chu-c.fr')
    const fixture: ReferenceFixture = {
      hospitalId: c.id,
      siteId: c.siteIds[0] as string,
      deletableSiteId: await createSite(s.t.db, c.id, { title: 'Site à supprimer', kind: 'other' }),
    }
    const referenceSnapshot = async () => JSON.stringify(await Promise.all([
      s.t.db.selectFrom('hospital').selectAll().orderBy('id').execute(),
      s.t.db.selectFrom('hospital_email_domain').selectAll().orderBy('hospital_id').orderBy('domain').execute(),
      s.t.db.selectFrom('site').selectAll().orderBy('id').execute(),
      s.t.db.selectFrom('profession').selectAll().orderBy('code').execute(),
    ]))
    const mismatches: string[] = []
    for (const [route, spec] of Object.entries(referenceData)) {
      for (const actor of actors) {
        const before = await referenceSnapshot()
        const browser = browsers[actor]
        const response = spec.method === 'GET' ? await browser.get(spec.url(fixture)) : await browser.post(spec.url(fixture), spec.form ?? {})
        const changed = before !== await referenceSnapshot()
        const status = response.statusCode
        const expected = actor === 'anonymous' ? 'login' : actor === 'superadmin' ? 'ok' : 'forbidden'
        const actual = status === 303 && /^\/connexion/.test(String(response.headers.location)) ? 'login' : status === 403 ? 'forbidden' : status < 400 ? 'ok' : `status ${status}`
        if (actual !== expected) mismatches.push(`${route} × ${actor}: expected ${expected}, got ${actual}`)
        if (expected !== 'ok' && changed) mismatches.push(`${route} × ${actor}: refused but the reference data changed`)
        if (spec.method === 'GET' && changed) mismatches.push(`${route} × ${actor}: a GET changed the reference data`)
      }
    }
    expect(mismatches).toEqual([])
  })

  it('audits every refusal of a logged-in actor', async () => {
    const refusals = await s.t.db.selectFrom('audit_event').select(['actor_id', 'outcome', 'details'])
      .where('type', '=', 'admin.actionRefused').execute()
    expect(refusals.length).toBeGreaterThan(40)
    expect(refusals.every((r) => r.outcome === 'refused' && r.actor_id !== null)).toBe(true)
  })
})
