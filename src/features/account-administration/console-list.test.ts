import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { createAccount, createSuperadminAccount, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { emailsTo } from '../../../test/helpers/mailbox.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { signedInBrowser, startWithTwoHospitals } from '../../../test/helpers/suite.ts'

/** The main content of a page, tags removed and spaces folded (what a reader sees, roughly). */
const mainTextOf = (body: string) => (/<main[^>]*>([\s\S]*)<\/main>/.exec(body)?.[1] ?? '')
  .replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe(`the console's list and activation pages (admin guide « L'interface de gestion » §1–4, ${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let managerA: string
  let superadmin: string
  let counter = 0

  beforeAll(async () => {
    ;({ t, a } = await startWithTwoHospitals())
    managerA = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Admin', firstName: 'Démo' })
    superadmin = await createSuperadminAccount(t.db)
  })
  afterAll(async () => { await t.close() })

  const user = (fields: Partial<Parameters<typeof createAccount>[1]> & { siteIds: string[] }) =>
    createAccount(t.db, { email: `liste${++counter}@chu-a.fr`, ...fields })
  const browserOf = (accountId: string) => signedInBrowser(t, accountId)
  const stateOf = (id: string) => t.db.selectFrom('account')
    .select(['activated_at', 'deactivated_at', 'deactivated_by']).where('id', '=', id).executeTakeFirstOrThrow()
  const refusalReasons = async (id: string) => (await t.db.selectFrom('audit_event').select('details')
    .where('target_id', '=', id).where('type', '=', 'admin.actionRefused').execute())
    .map((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details)?.reason)

  describe('bulk activation (§4: only accounts « en attente d’activation »)', () => {
    it('gives a bulk checkbox to pending lines only; a deactivated line keeps its own « Activer le compte »', async () => {
      const pending = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Attente', state: 'pendingActivation' })
      const left = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Partie', state: 'deactivated' })
      const page = await (await browserOf(managerA)).get('/gestion')
      expect(page.body).toContain(`value="${pending}" form="activation-groupee"`)
      expect(page.body).not.toContain(`value="${left}" form="activation-groupee"`)
      expect(page.body).toContain(`href="/gestion/comptes/${left}/activer"`)
    })

    it('refuses a deactivated account posted in a forged bulk form, names it on the result page and sends it no email', async () => {
      const pending = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Nouvelle', firstName: 'Nina', state: 'pendingActivation' })
      const left = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Ancien', firstName: 'Paul', email: 'paul.ancien@chu-a.fr', state: 'deactivated' })
      const active = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Actif', firstName: 'Jean', email: 'jean.actif@chu-a.fr' })
      const before = await stateOf(left)
      const browser = await browserOf(managerA)
      const result = await browser.post('/gestion/comptes/activation-groupee', { comptes: [pending, left, active], confirmer: '1' })
      expect(result.statusCode).toBe(200)
      const text = mainTextOf(result.body)
      expect(text).toMatch(/Nouvelle Nina .* Activé/)
      expect(text).toMatch(/Ancien Paul paul\.ancien@chu-a\.fr Non activé : Seuls les comptes « En attente d’activation » sont activés en groupe/)
      expect(text).toMatch(/Actif Jean jean\.actif@chu-a\.fr Non activé/)
      expect(await stateOf(left)).toEqual(before)
      expect(await emailsTo(t.db, 'paul.ancien@chu-a.fr')).toHaveLength(0)
      expect(await emailsTo(t.db, 'jean.actif@chu-a.fr')).toHaveLength(0)
      expect((await stateOf(pending)).activated_at).not.toBeNull()
      expect(await refusalReasons(left)).toEqual(['wrongState:bulkActivate'])
    })

    it('refuses, at confirmation time, an account activated by someone else since the confirmation page: one email only', async () => {
      const id = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Course', email: 'course@chu-a.fr', state: 'pendingActivation' })
      const browser = await browserOf(managerA)
      const confirmation = await browser.post('/gestion/comptes/activation-groupee', { comptes: [id] })
      expect(confirmation.body).toContain('Activer 1 compte')
      expect((await (await browserOf(superadmin)).post(`/gestion/comptes/${id}/activer`, {})).statusCode).toBe(303)
      const result = await browser.post('/gestion/comptes/activation-groupee', { comptes: [id], confirmer: '1' })
      expect(mainTextOf(result.body)).toContain('Non activé')
      expect(await emailsTo(t.db, 'course@chu-a.fr')).toHaveLength(1)
    })

    it('shows, on the confirmation page, each account’s status, email with the personal-address warning and sites; a non-pending one is named apart and not sent on', async () => {
      const personal = await user({ siteIds: [a.siteIds[1] as string], lastName: 'Gmail', firstName: 'Gina', email: 'gina.perso@gmail.com', state: 'pendingActivation' })
      const left = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Retraite', firstName: 'Rémi', state: 'deactivated' })
      const page = await (await browserOf(managerA)).post('/gestion/comptes/activation-groupee', { comptes: [personal, left] })
      expect(page.statusCode).toBe(200)
      const text = mainTextOf(page.body)
      expect(text).toContain('Activer 1 compte')
      expect(text).toMatch(/Gmail Gina Statut ⏳ En attente d’activation Email gina\.perso@gmail\.com ⚠ L’adresse utilise un domaine de messagerie personnelle \(gmail\.com\)/)
      expect(text).toMatch(/Gmail Gina .* Sites \S+ — /)
      expect(text).toMatch(/Ces comptes ne seront pas activés : Retraite Rémi .* Désactivé : Seuls les comptes « En attente d’activation »/)
      expect(page.body).toContain(`name="comptes" value="${personal}"`)
      expect(page.body).not.toContain(`name="comptes" value="${left}"`)
    })

    it('reactivates one deactivated account from its own confirmation page, with its email', async () => {
      const left = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Retour', email: 'retour@chu-a.fr', state: 'deactivated' })
      const browser = await browserOf(managerA)
      expect((await browser.get(`/gestion/comptes/${left}/activer`)).statusCode).toBe(200)
      expect((await browser.post(`/gestion/comptes/${left}/activer`, {})).statusCode).toBe(303)
      expect(await stateOf(left)).toMatchObject({ deactivated_at: null })
      expect(await emailsTo(t.db, 'retour@chu-a.fr')).toHaveLength(1)
    })

    it('gives the bulk pages in English in the English interface', async () => {
      const left = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Gone', state: 'deactivated' })
      const browser = new TestBrowser(t.app, { 'accept-language': 'en' })
      await signIn(t, browser, managerA)
      const result = await browser.post('/gestion/comptes/activation-groupee', { comptes: [left], confirmer: '1' })
      expect(mainTextOf(result.body)).toContain('Not activated: Only accounts awaiting activation are activated in bulk')
    })
  })

  describe('the activation page of an account-manager request (super-administrators)', () => {
    it('shows the account-manager checklist, not the users’ one, and names the hospital once in the site label', async () => {
      const id = await user({ siteIds: [a.adminSiteId], lastName: 'Future', firstName: 'Gestionnaire', email: 'future.gestionnaire@chu-a.fr', state: 'pendingActivation' })
      const page = await (await browserOf(superadmin)).get(`/gestion/comptes/${id}/activer`)
      expect(page.statusCode).toBe(200)
      const text = mainTextOf(page.body)
      expect(text).toContain('cette personne est-elle bien le gestionnaire des comptes BaMaRa de son établissement ?')
      expect(text).toContain('est-ce bien une adresse institutionnelle de l’établissement ?')
      expect(text).not.toContain('les utilisateurs ne doivent jamais s’inscrire')
      expect(text).not.toContain('(site réservé aux gestionnaires de comptes)')
      expect(text).toContain('Site administrateur comptes (CHU de Test A)')
      expect(text).not.toContain('(CHU de Test A) (CHU de Test A)')
      const edit = mainTextOf((await (await browserOf(superadmin)).get(`/gestion/comptes/${id}`)).body)
      expect(edit).toContain('Site administrateur comptes (CHU de Test A)')
      expect(edit).not.toContain('(CHU de Test A) (CHU de Test A)')
    })

    it('keeps the users’ checklist for a user, with the hospital after each rare-disease site', async () => {
      const id = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Utilisatrice', state: 'pendingActivation' })
      const text = mainTextOf((await (await browserOf(managerA)).get(`/gestion/comptes/${id}/activer`)).body)
      expect(text).toContain('les utilisateurs ne doivent jamais s’inscrire')
      expect(text).toMatch(/Sites [^()]+ \(CHU de Test A\)/)
    })
  })

  describe('refusal pages lead back to the list', () => {
    it('links a refused action back to the list the manager came from (filters kept), not to the home page', async () => {
      const active = await user({ siteIds: [a.siteIds[0] as string], lastName: 'Refus' })
      const browser = await browserOf(managerA)
      const refused = await browser.get(`/gestion/comptes/${active}/activer`, { referer: 'http://bamara.test/gestion?statut=actif&page=2' })
      expect(refused.statusCode).toBe(409)
      expect(refused.body).toContain('<a href="/gestion?statut=actif&amp;page=2">Retour à la liste des utilisateurs</a>')
      expect(mainTextOf(refused.body)).not.toContain('Retour à l’accueil')
      const elsewhere = await browser.get(`/gestion/comptes/${active}/activer`, { referer: 'https://ailleurs.example/gestion?x=1' })
      expect(elsewhere.body).toContain('<a href="/gestion">Retour à la liste des utilisateurs</a>')
      // This site is APP_BASE_URL, not whatever Host the request names.
      const hostOnly = await browser.get(`/gestion/comptes/${active}/activer`, { referer: 'http://localhost/gestion?statut=actif&page=2' })
      expect(hostOnly.body).toContain('<a href="/gestion">Retour à la liste des utilisateurs</a>')
      const missing = await browser.get('/gestion/comptes/00000000-0000-4000-8000-000000000000/activer')
      expect(missing.statusCode).toBe(404)
      expect(missing.body).toContain('<a href="/gestion">Retour à la liste des utilisateurs</a>')
    })
  })
})
