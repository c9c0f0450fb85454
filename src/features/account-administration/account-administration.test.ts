import { beforeAll, describe, expect, it } from 'vitest'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { createAccount, createSuperadminAccount } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { emailsTo, lastEmailTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { signedInBrowser, suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

describe(`account administration console (admin guide « L'interface de gestion », ${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  let managerA: string
  let managerB: string
  let superadmin: string
  let counter = 0

  beforeAll(async () => {
    managerA = await createAccount(s.t.db, { email: 'gestion@chu-a.fr', siteIds: [s.a.adminSiteId], lastName: 'Admin', firstName: 'Démo' })
    managerB = await createAccount(s.t.db, { email: 'gestion@chu-b.fr', siteIds: [s.b.adminSiteId], lastName: 'Admin', firstName: 'Bérénice' })
    superadmin = await createSuperadminAccount(s.t.db)
  })

  const user = (fields: Partial<Parameters<typeof createAccount>[1]> & { siteIds: string[] }) =>
    createAccount(s.t.db, { email: `user${++counter}@chu-a.fr`, ...fields })
  const browserOf = (accountId: string) => signedInBrowser(s.t, accountId)
  const account = (id: string) => s.t.db.selectFrom('account')
    .select(['email', 'last_name', 'first_name', 'activated_at', 'activated_by', 'deactivated_at', 'access_reviewed_at'])
    .where('id', '=', id).executeTakeFirstOrThrow()
  const siteIdsOf = async (id: string) => (await s.t.db.selectFrom('account_site').select('site_id').where('account_id', '=', id).execute()).map((r) => r.site_id).sort()
  const auditTypes = async (targetId: string) => (await s.t.db.selectFrom('audit_event').select('type').where('target_id', '=', targetId).orderBy('seq').execute()).map((r) => r.type)

  describe('the user list (§1–2)', () => {
    it("shows a manager their hospital's users, their own account marked, and never another hospital's", async () => {
      await user({ siteIds: [s.a.siteIds[0] as string], lastName: 'Lévêque', firstName: 'Anaïs', state: 'pendingActivation' })
      await createAccount(s.t.db, { email: 'secret@chu-b.fr', siteIds: [s.b.siteIds[0] as string], lastName: 'Secret', firstName: 'Bernard' })
      const page = await (await browserOf(managerA)).get('/gestion')
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Lévêque')
      expect(page.body).toContain('(vous)')
      expect(page.body).toContain('En attente d’activation')
      expect(page.body).not.toContain('secret@chu-b.fr')
      const other = await (await browserOf(managerB)).get('/gestion')
      expect(other.body).toContain('secret@chu-b.fr')
      expect(other.body).not.toContain('Lévêque')
    })

    it('finds « Lévêque » when searching « leveque », ignoring case and accents', async () => {
      const browser = await browserOf(managerA)
      const found = await browser.get('/gestion?q=LEVEQUE')
      expect(found.body).toContain('Lévêque')
      const none = await browser.get('/gestion?q=zzz%25')
      expect(none.body).toContain('Aucun compte ne correspond')
    })

    it('filters by status and locked, and counts each status', async () => {
      await user({ siteIds: [s.a.siteIds[1] as string], lastName: 'Verrou', firstName: 'Victor', locked: true })
      await user({ siteIds: [s.a.siteIds[1] as string], lastName: 'Nonconfirme', firstName: 'Nina', state: 'unconfirmed' })
      const browser = await browserOf(managerA)
      const pending = await browser.get('/gestion?statut=en-attente')
      expect(pending.body).toContain('Lévêque')
      expect(pending.body).not.toContain('Nonconfirme')
      const locked = await browser.get('/gestion?verrouille=1')
      expect(locked.body).toContain('Verrou')
      expect(locked.body).not.toContain('Lévêque')
      expect(locked.body).toMatch(/🔒<\/span> Verrouillé/)
      const all = await browser.get('/gestion')
      const pendingCount = await s.t.db.selectFrom('account').innerJoin('account_site', 'account_site.account_id', 'account.id')
        .innerJoin('site', 'site.id', 'account_site.site_id').select('account.id').distinct()
        .where('site.hospital_id', '=', s.a.id).where('account.email_confirmed_at', 'is not', null).where('account.activated_at', 'is', null).execute()
      expect(all.body).toContain(`${pendingCount.length} en attente d’activation`)
    })

    it('refuses malformed filters with a 400 page, never a 500', async () => {
      const browser = await browserOf(managerA)
      for (const url of ['/gestion?page=-1', '/gestion?page=abc', `/gestion?q=${'x'.repeat(500)}`, '/gestion?q=a&q=b', '/gestion?statut=nimporte', '/gestion?tri=%00']) {
        const response = await browser.get(url)
        expect(response.statusCode, url).toBeLessThan(500)
      }
    })

    it('shows a user of several hospitals read-only to a manager, with the explanation', async () => {
      const both = await user({ siteIds: [s.a.siteIds[0] as string, s.b.siteIds[0] as string], lastName: 'Deuxhopitaux', firstName: 'Denise' })
      const page = await (await browserOf(managerA)).get('/gestion?q=deuxhopitaux')
      expect(page.body).toContain('Inscrit sur plusieurs hôpitaux')
      expect(page.body).not.toContain(`href="/gestion/comptes/${both}"`)
      const asSuper = await (await browserOf(superadmin)).get('/gestion?q=deuxhopitaux')
      expect(asSuper.body).toContain(`href="/gestion/comptes/${both}"`)
    })
  })

  describe('activation (§4)', () => {
    it('activates a pending user, emails them a login link and lets them in', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], email: 'anne.martin@gmail.com', lastName: 'Martin', firstName: 'Anne', state: 'pendingActivation' })
      const browser = await browserOf(managerA)
      const checklist = await browser.get(`/gestion/comptes/${id}/activer`)
      expect(checklist.statusCode).toBe(200)
      expect(checklist.body).toContain('est-ce que l’email est bien un email institutionnel')
      expect(checklist.body).toContain('domaine de messagerie personnelle (gmail.com)')
      expect(checklist.body).toContain('n’est pas celui de l’hôpital (chu-a.fr)')
      const response = await browser.post(`/gestion/comptes/${id}/activer`, {})
      expect(response.statusCode).toBe(303)
      const after = await account(id)
      expect(after.activated_at).toBe(s.t.clock.now())
      expect(after.activated_by).toBe(managerA)
      expect(after.access_reviewed_at).toBe(s.t.clock.now())
      const email = await lastEmailTo(s.t.db, 'anne.martin@gmail.com')
      expect(email.subject).toBe('BaMaRa - Votre compte vient d\'être activé')
      expect(email.text).toContain('http://bamara.test/connexion')
      expect(await auditTypes(id)).toContain('admin.accountActivated')
      const list = await browser.get(response.headers.location as string)
      expect(list.body).toContain('Le compte de Martin Anne est activé')
      const userBrowser = await browserOf(id)
      expect((await userBrowser.get('/gestion')).statusCode).toBe(403)
    })

    it('refuses to activate an active account (409) and changes nothing', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string] })
      const before = await account(id)
      const response = await (await browserOf(managerA)).post(`/gestion/comptes/${id}/activer`, {})
      expect(response.statusCode).toBe(409)
      expect(response.body).toContain('Seuls les comptes « En attente d’activation »')
      expect(await account(id)).toEqual(before)
      expect(await emailsTo(s.t.db, before.email)).toHaveLength(0)
      expect(await auditTypes(id)).toContain('admin.actionRefused')
    })

    it('flags a possible duplicate person on the checklist', async () => {
      await user({ siteIds: [s.a.siteIds[0] as string], lastName: 'Dubois', firstName: 'Hélène' })
      const id = await user({ siteIds: [s.a.siteIds[1] as string], lastName: 'Hélène', firstName: 'DUBOIS', state: 'pendingActivation' })
      const page = await (await browserOf(managerA)).get(`/gestion/comptes/${id}/activer`)
      expect(page.body).toContain('Doublon possible : 1 autre compte au même nom')
    })

    it("refuses a manager who activates a registration on the account-manager site; a super-administrator can", async () => {
      const id = await user({ siteIds: [s.a.adminSiteId], email: 'futur.gestionnaire@chu-a.fr', state: 'pendingActivation' })
      const refused = await (await browserOf(managerA)).post(`/gestion/comptes/${id}/activer`, {})
      expect(refused.statusCode).toBe(403)
      expect(refused.body).toContain('seul un super-administrateur peut l’activer')
      expect((await account(id)).activated_at).toBeNull()
      const superBrowser = await browserOf(superadmin)
      const queue = await superBrowser.get('/gestion/demandes-gestionnaires')
      expect(queue.body).toContain('futur.gestionnaire@chu-a.fr')
      const checklist = await superBrowser.get(`/gestion/comptes/${id}/activer`)
      expect(checklist.body).toContain('Demande de compte de gestionnaire des comptes')
      expect((await superBrowser.post(`/gestion/comptes/${id}/activer`, {})).statusCode).toBe(303)
      expect((await account(id)).activated_by).toBe(superadmin)
    })

    it('activates the selected accounts in bulk, each checked on its own', async () => {
      const ok1 = await user({ siteIds: [s.a.siteIds[0] as string], state: 'pendingActivation' })
      const ok2 = await user({ siteIds: [s.a.siteIds[0] as string], state: 'pendingActivation' })
      const active = await user({ siteIds: [s.a.siteIds[0] as string] })
      const ofB = await createAccount(s.t.db, { email: 'bulk@chu-b.fr', siteIds: [s.b.siteIds[0] as string], state: 'pendingActivation' })
      const browser = await browserOf(managerA)
      const confirm = await browser.post('/gestion/comptes/activation-groupee', { comptes: [ok1, ok2, active, ofB] })
      expect(confirm.statusCode).toBe(200)
      expect(confirm.body).toContain('Activer 2 comptes')
      const result = await browser.post('/gestion/comptes/activation-groupee', { comptes: [ok1, ok2, active, ofB], confirmer: '1' })
      expect(result.statusCode).toBe(200)
      expect(result.body).toContain('Activé')
      expect(result.body).toContain('Non activé')
      expect((await account(ok1)).activated_at).not.toBeNull()
      expect((await account(ok2)).activated_at).not.toBeNull()
      expect((await account(ofB)).activated_at).toBeNull()
    })

    it('activates once when two requests race', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], state: 'pendingActivation', email: 'race@chu-a.fr' })
      const browser = await browserOf(managerA)
      const answers = await Promise.all([browser.post(`/gestion/comptes/${id}/activer`, {}), browser.post(`/gestion/comptes/${id}/activer`, {})])
      expect(answers.map((r) => r.statusCode).sort()).toEqual([303, 409])
      expect(await emailsTo(s.t.db, 'race@chu-a.fr')).toHaveLength(1)
    })
  })

  describe('deactivation (§5)', () => {
    it("ends the user's open session at once, keeps the account, and allows reactivation", async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], email: 'depart@chu-a.fr' })
      const userBrowser = await browserOf(id)
      expect((await userBrowser.get('/gestion')).statusCode).toBe(403)
      const browser = await browserOf(managerA)
      expect((await browser.get(`/gestion/comptes/${id}/desactiver`)).body).toContain('ne sera pas supprimé')
      expect((await browser.post(`/gestion/comptes/${id}/desactiver`, {})).statusCode).toBe(303)
      expect((await account(id)).deactivated_at).toBe(s.t.clock.now())
      const next = await userBrowser.get('/gestion')
      expect(next.statusCode).toBe(303)
      expect(next.headers.location).toMatch(/^\/connexion/)
      expect((await browser.post(`/gestion/comptes/${id}/desactiver`, {})).statusCode).toBe(409)
      expect((await browser.post(`/gestion/comptes/${id}/activer`, {})).statusCode).toBe(303)
      expect((await account(id)).deactivated_at).toBeNull()
    })

    it('refuses a manager who deactivates themselves', async () => {
      const response = await (await browserOf(managerA)).post(`/gestion/comptes/${managerA}/desactiver`, {})
      expect(response.statusCode).toBe(403)
      expect(response.body).toContain('Vous ne pouvez pas désactiver votre propre compte')
      expect((await account(managerA)).deactivated_at).toBeNull()
    })
  })

  describe('definitive deletion (super-administrators)', () => {
    it('deletes only after the email is typed, ends the sessions and keeps a pseudonymous audit trace', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], email: 'erreur.inscription@chu-a.fr' })
      const userBrowser = await browserOf(id)
      const superBrowser = await browserOf(superadmin)
      const refusedByManager = await (await browserOf(managerA)).post(`/gestion/comptes/${id}/supprimer`, { confirmation: 'erreur.inscription@chu-a.fr' })
      expect(refusedByManager.statusCode).toBe(403)
      const mismatch = await superBrowser.post(`/gestion/comptes/${id}/supprimer`, { confirmation: 'autre@chu-a.fr' })
      expect(mismatch.statusCode).toBe(400)
      expect(mismatch.body).toContain('rien n’a été supprimé')
      expect(await s.t.db.selectFrom('account').select('id').where('id', '=', id).executeTakeFirst()).toBeDefined()
      await new TestBrowser(s.t.app).post('/mot-de-passe-oublie', { email: 'erreur.inscription@chu-a.fr' })
      expect(await emailsTo(s.t.db, 'erreur.inscription@chu-a.fr')).not.toEqual([])
      const done = await superBrowser.post(`/gestion/comptes/${id}/supprimer`, { confirmation: ' Erreur.Inscription@chu-a.fr' })
      expect(done.statusCode).toBe(303)
      expect(await emailsTo(s.t.db, 'erreur.inscription@chu-a.fr')).toEqual([])
      expect(await s.t.db.selectFrom('account').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined()
      expect(await s.t.db.selectFrom('session').select('account_id').where('account_id', '=', id).execute()).toEqual([])
      expect((await userBrowser.get('/mon-compte')).statusCode).not.toBe(200)
      const trace = await s.t.db.selectFrom('audit_event').select(['details']).where('type', '=', 'admin.accountDeleted').where('target_id', '=', id).executeTakeFirstOrThrow()
      expect(trace.details).not.toContain('erreur.inscription')
      expect((await superBrowser.get(done.headers.location as string)).body).toContain('supprimé définitivement')
      expect((await superBrowser.post(`/gestion/comptes/${superadmin}/supprimer`, { confirmation: 'super@bndmr.fr' })).statusCode).toBe(403)
    })
  })

  describe('resending emails (§6–7)', () => {
    it('resends the confirmation email only to an unconfirmed account', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], state: 'unconfirmed', email: 'oubli@chu-a.fr' })
      const browser = await browserOf(managerA)
      expect((await browser.post(`/gestion/comptes/${id}/renvoyer-confirmation`, {})).statusCode).toBe(303)
      expect((await lastEmailTo(s.t.db, 'oubli@chu-a.fr')).subject).toBe('BaMaRa - Veuillez confirmer votre adresse email')
      const active = await user({ siteIds: [s.a.siteIds[0] as string] })
      expect((await browser.post(`/gestion/comptes/${active}/renvoyer-confirmation`, {})).statusCode).toBe(409)
    })

    it('resends the unlock email only to a locked account', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], locked: true, email: 'bloque@chu-a.fr' })
      const browser = await browserOf(managerA)
      expect((await browser.post(`/gestion/comptes/${id}/renvoyer-deverrouillage`, {})).statusCode).toBe(303)
      expect((await lastEmailTo(s.t.db, 'bloque@chu-a.fr')).subject).toBe('BaMaRa - Déverrouillez votre compte')
      const notLocked = await user({ siteIds: [s.a.siteIds[0] as string] })
      expect((await browser.post(`/gestion/comptes/${notLocked}/renvoyer-deverrouillage`, {})).statusCode).toBe(409)
    })
  })

  describe('editing a user (§3)', () => {
    const identity = (id: string, fields: Partial<Record<'civilite' | 'nom' | 'prenom' | 'profession' | 'email', string>> = {}) =>
      s.t.db.selectFrom('account').select(['civility', 'last_name', 'first_name', 'profession_code', 'email']).where('id', '=', id).executeTakeFirstOrThrow()
        .then((row) => ({ civilite: row.civility, nom: row.last_name, prenom: row.first_name, profession: row.profession_code, email: row.email, ...fields }))
    const inputValue = (body: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1]
    const hiddenIds = (body: string, name: 'ajouter' | 'retirer') => [...body.matchAll(new RegExp(`type="hidden" name="${name}" value="([^"]*)"`, 'g'))].map((m) => m[1])

    it('swaps last and first name in the form; « Valider » saves them (§3.1)', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], lastName: 'Claire', firstName: 'Dupont' })
      const browser = await browserOf(managerA)
      const form = await browser.get(`/gestion/comptes/${id}`)
      expect(form.body).toContain('Inverser nom et prénom')
      const swapped = await browser.post(`/gestion/comptes/${id}`, { ...await identity(id), inverser: '1' })
      expect(swapped.statusCode).toBe(200)
      expect(inputValue(swapped.body, 'nom')).toBe('Dupont')
      expect(inputValue(swapped.body, 'prenom')).toBe('Claire')
      expect(await account(id)).toMatchObject({ last_name: 'Claire', first_name: 'Dupont' })
      const response = await browser.post(`/gestion/comptes/${id}`, { ...await identity(id, { nom: 'Dupont', prenom: 'Claire' }), valider: '1' })
      expect(response.statusCode).toBe(303)
      expect(await account(id)).toMatchObject({ last_name: 'Dupont', first_name: 'Claire' })
      const edited = await s.t.db.selectFrom('audit_event').select('details').where('target_id', '=', id).where('type', '=', 'admin.accountEdited').executeTakeFirstOrThrow()
      expect(JSON.parse(String(edited.details))).toMatchObject({ swapNames: true })
      const found = await browser.get('/gestion?q=dupont claire')
      expect(found.body).toContain(`/gestion/comptes/${id}`)
    })

    it('keeps the names typed while searching, choosing and removing sites without JavaScript; only « Valider » saves (§3.4.1–3.4.2)', async () => {
      const id = await user({ siteIds: [s.a.siteIds[2] as string], lastName: 'Durant', firstName: 'Jean' })
      const browser = await browserOf(managerA)
      const typed = await identity(id, { nom: 'Durand' })
      const byAbbreviation = await browser.post(`/gestion/comptes/${id}`, { ...typed, recherche: 'Malo', rechercher: '1' })
      expect(byAbbreviation.statusCode).toBe(200)
      expect(byAbbreviation.body).toContain('MALO — Malformations ORL rares')
      expect(byAbbreviation.body).not.toContain('CHU de Test B)')
      expect(inputValue(byAbbreviation.body, 'nom')).toBe('Durand')
      const byLead = await browser.post(`/gestion/comptes/${id}`, { ...typed, recherche: 'leveque', rechercher: '1' })
      expect(byLead.body).toContain('MARHEA — Maladies rénales rares')
      const chosen = await browser.post(`/gestion/comptes/${id}`, { ...typed, recherche: 'Malo', choisir: s.a.siteIds[0] as string })
      expect(chosen.statusCode).toBe(200)
      expect(chosen.body).toContain('Le site MALO — Malformations ORL rares est ajouté à la liste.')
      expect(hiddenIds(chosen.body, 'ajouter')).toEqual([s.a.siteIds[0]])
      expect(inputValue(chosen.body, 'nom')).toBe('Durand')
      const crossed = await browser.post(`/gestion/comptes/${id}`, { ...typed, ajouter: s.a.siteIds[0] as string, croix: s.a.siteIds[2] as string })
      expect(crossed.statusCode).toBe(200)
      expect(hiddenIds(crossed.body, 'retirer')).toEqual([s.a.siteIds[2]])
      expect(hiddenIds(crossed.body, 'ajouter')).toEqual([s.a.siteIds[0]])
      // The cross on the last label left: the guide's sentence, and the label stays.
      const lastCross = await browser.post(`/gestion/comptes/${id}`, { ...typed, ajouter: s.a.siteIds[0] as string, retirer: s.a.siteIds[2] as string, croix: s.a.siteIds[0] as string })
      expect(lastCross.statusCode).toBe(409)
      expect(lastCross.body).toContain('un profil doit toujours avoir au moins un site de renseigné')
      expect(hiddenIds(lastCross.body, 'ajouter')).toEqual([s.a.siteIds[0]])
      // Nothing saved so far.
      expect(await account(id)).toMatchObject({ last_name: 'Durant' })
      expect(await siteIdsOf(id)).toEqual([s.a.siteIds[2]])
      expect(await auditTypes(id)).toEqual([])
      const saved = await browser.post(`/gestion/comptes/${id}`, { ...typed, ajouter: s.a.siteIds[0] as string, retirer: s.a.siteIds[2] as string, valider: '1' })
      expect(saved.statusCode).toBe(303)
      expect(await account(id)).toMatchObject({ last_name: 'Durand' })
      expect(await siteIdsOf(id)).toEqual([s.a.siteIds[0]])
      expect(await auditTypes(id)).toEqual(['admin.accountEdited', 'admin.siteAdded', 'admin.siteRemoved'])
    })

    it('saves the names, a site added and a site removed in one « Valider », one audit event each', async () => {
      const id = await user({ siteIds: [s.a.siteIds[1] as string, s.a.siteIds[2] as string], lastName: 'Lopez', firstName: 'Ana' })
      const browser = await browserOf(managerA)
      const response = await browser.post(`/gestion/comptes/${id}`, {
        ...await identity(id, { nom: 'López', profession: 'medecin' }), ajouter: s.a.siteIds[0] as string, retirer: s.a.siteIds[1] as string, valider: '1',
      })
      expect(response.statusCode).toBe(303)
      expect((await browser.get(response.headers.location as string)).body).toContain('Les modifications sont enregistrées.')
      expect(await account(id)).toMatchObject({ last_name: 'López' })
      expect(await siteIdsOf(id)).toEqual([s.a.siteIds[0], s.a.siteIds[2]].sort())
      const events = await s.t.db.selectFrom('audit_event').select(['type', 'details']).where('target_id', '=', id).orderBy('seq').execute()
      expect(events.map((e) => e.type)).toEqual(['admin.accountEdited', 'admin.siteAdded', 'admin.siteRemoved'])
      expect(JSON.parse(String(events[2]!.details))).toMatchObject({ siteId: s.a.siteIds[1], after: [s.a.siteIds[2], s.a.siteIds[0]] })
    })

    it('refuses to remove the last site with the guide\'s sentence, and saves nothing, not even the names (§3.4.2)', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], lastName: 'Seul', firstName: 'Site' })
      const browser = await browserOf(managerA)
      const response = await browser.post(`/gestion/comptes/${id}`, { ...await identity(id, { nom: 'Seule' }), retirer: s.a.siteIds[0] as string, valider: '1' })
      expect(response.statusCode).toBe(409)
      expect(response.body).toContain('Attention, un profil doit toujours avoir au moins un site de renseigné. Il ne vous sera pas possible de retirer tous les sites d’un utilisateur.')
      expect(inputValue(response.body, 'nom')).toBe('Seule')
      expect(await account(id)).toMatchObject({ last_name: 'Seul' })
      expect(await siteIdsOf(id)).toEqual([s.a.siteIds[0]])
      expect(await auditTypes(id)).toEqual(['admin.actionRefused'])
    })

    it("refuses a manager who adds an account-manager site or another hospital's site, and saves nothing of the form", async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], lastName: 'Portee', firstName: 'Hors' })
      const browser = await browserOf(managerA)
      const renamed = await identity(id, { nom: 'Portée' })
      expect((await browser.post(`/gestion/comptes/${id}`, { ...renamed, ajouter: s.a.adminSiteId, valider: '1' })).statusCode).toBe(403)
      expect((await browser.post(`/gestion/comptes/${id}`, { ...renamed, ajouter: [s.a.siteIds[1] as string, s.b.siteIds[0] as string], valider: '1' })).statusCode).toBe(403)
      expect((await browser.post(`/gestion/comptes/${id}`, { ...renamed, ajouter: 'not-a-site', valider: '1' })).statusCode).toBe(409)
      expect(await siteIdsOf(id)).toEqual([s.a.siteIds[0]])
      expect(await account(id)).toMatchObject({ last_name: 'Portee' })
      expect((await auditTypes(id)).every((type) => type === 'admin.actionRefused')).toBe(true)
      // Their own account: never the account-manager site added, nor their own removed.
      expect((await browser.post(`/gestion/comptes/${managerA}`, { ...await identity(managerA), ajouter: s.a.adminSiteId, retirer: s.a.adminSiteId, valider: '1' })).statusCode).toBe(303)
      expect((await browser.post(`/gestion/comptes/${managerA}`, { ...await identity(managerA), ajouter: s.a.siteIds[1] as string, valider: '1' })).statusCode).toBe(303)
      expect((await browser.post(`/gestion/comptes/${managerA}`, { ...await identity(managerA), retirer: s.a.adminSiteId, valider: '1' })).statusCode).toBe(403)
      expect(await siteIdsOf(managerA)).toContain(s.a.adminSiteId)
      const superBrowser = await browserOf(superadmin)
      expect((await superBrowser.post(`/gestion/comptes/${id}`, { ...await identity(id), ajouter: s.a.adminSiteId, valider: '1' })).statusCode).toBe(303)
      expect(await siteIdsOf(id)).toContain(s.a.adminSiteId)
    })

    it('serializes two « Valider » racing on the same profile: the second removal of the two sites is refused', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string, s.a.siteIds[1] as string], lastName: 'Course', firstName: 'Paul' })
      const [first, second] = [await browserOf(managerA), await browserOf(managerA)]
      const form = await identity(id)
      const answers = await Promise.all([
        first.post(`/gestion/comptes/${id}`, { ...form, nom: 'Course-Un', retirer: s.a.siteIds[0] as string, valider: '1' }),
        second.post(`/gestion/comptes/${id}`, { ...form, nom: 'Course-Deux', retirer: s.a.siteIds[1] as string, valider: '1' }),
      ])
      expect(answers.map((r) => r.statusCode).sort()).toEqual([303, 409])
      const winner = answers.findIndex((r) => r.statusCode === 303)
      expect(await siteIdsOf(id)).toEqual([winner === 0 ? s.a.siteIds[1] : s.a.siteIds[0]])
      expect(await account(id)).toMatchObject({ last_name: winner === 0 ? 'Course-Un' : 'Course-Deux' })
      expect((await auditTypes(id)).filter((type) => type === 'admin.siteRemoved')).toHaveLength(1)
    })

    it('shows a search typed and not chosen instead of saving when « Valider » is pressed (no JavaScript)', async () => {
      const id = await user({ siteIds: [s.a.siteIds[2] as string], lastName: 'Oubli', firstName: 'Site' })
      const browser = await browserOf(managerA)
      const response = await browser.post(`/gestion/comptes/${id}`, { ...await identity(id, { nom: 'Oublie' }), recherche: 'Duflo', valider: '1' })
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain('Choisissez le site à ajouter dans les résultats')
      expect(response.body).toContain('MALO — Malformations ORL rares')
      expect(await account(id)).toMatchObject({ last_name: 'Oubli' })
    })

    it('suggests sites as JSON within the manager\'s scope, and changes nothing', async () => {
      const id = await user({ siteIds: [s.a.siteIds[2] as string] })
      const answer = await (await browserOf(managerA)).get(`/gestion/comptes/${id}/sites?q=malo`)
      expect(answer.statusCode).toBe(200)
      expect(answer.headers['content-type']).toMatch(/^application\/json/)
      const { sites } = JSON.parse(answer.body) as { sites: Array<{ id: string; label: string; hospitalName: string }> }
      expect(sites.map((s) => s.id)).toEqual([s.a.siteIds[0]])
      expect(sites[0]).toMatchObject({ label: 'MALO — Malformations ORL rares', hospitalName: 'CHU de Test A' })
      expect(JSON.parse((await (await browserOf(managerA)).get(`/gestion/comptes/${id}/sites?q=administrateur`)).body)).toEqual({ sites: [] })
      expect((await (await browserOf(managerB)).get(`/gestion/comptes/${id}/sites?q=malo`)).statusCode).toBe(404)
      expect(await auditTypes(id)).toEqual(['admin.actionRefused'])
    })

    it('shows the account\'s status and the actions it allows, linking to their confirmation pages', async () => {
      const pending = await user({ siteIds: [s.a.siteIds[0] as string], state: 'pendingActivation' })
      const page = await (await browserOf(managerA)).get(`/gestion/comptes/${pending}`)
      expect(page.body).toContain('En attente d’activation')
      expect(page.body).toContain(`href="/gestion/comptes/${pending}/activer"`)
      expect(page.body).not.toContain(`/gestion/comptes/${pending}/desactiver`)
      const locked = await user({ siteIds: [s.a.siteIds[0] as string], locked: true })
      const lockedPage = await (await browserOf(managerA)).get(`/gestion/comptes/${locked}`)
      expect(lockedPage.body).toContain(`href="/gestion/comptes/${locked}/desactiver"`)
      expect(lockedPage.body).toContain(`action="/gestion/comptes/${locked}/renvoyer-deverrouillage"`)
    })

    it('changes the email only once the new address is confirmed, and tells the old one', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], email: 'ancienne@chu-a.fr' })
      const usersBrowser = await browserOf(id)
      const oldReset = await new TestBrowser(s.t.app).post('/mot-de-passe-oublie', { email: 'ancienne@chu-a.fr' })
      expect(oldReset.statusCode).toBe(303)
      const oldResetLink = pathOfLinkIn(await lastEmailTo(s.t.db, 'ancienne@chu-a.fr'))
      const browser = await browserOf(managerA)
      const response = await browser.post(`/gestion/comptes/${id}`, { civilite: 'mme', nom: 'Dupont', prenom: 'Claire', profession: 'medecin', email: ' Nouvelle@CHU-A.fr ' })
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain('Un lien de confirmation a été envoyé à nouvelle@chu-a.fr')
      expect((await account(id)).email).toBe('ancienne@chu-a.fr')
      expect((await lastEmailTo(s.t.db, 'ancienne@chu-a.fr')).subject).toBe('BaMaRa - Changement de votre adresse email')
      const link = pathOfLinkIn(await lastEmailTo(s.t.db, 'nouvelle@chu-a.fr'))
      const holder = new TestBrowser(s.t.app)
      const page = await holder.get(link)
      expect(page.statusCode).toBe(200)
      expect(page.headers['referrer-policy']).toBe('no-referrer')
      expect((await account(id)).email).toBe('ancienne@chu-a.fr')
      const token = new URL(link, 'http://x').searchParams.get('jeton') as string
      const done = await holder.post('/gestion/changement-email', { jeton: token })
      expect(done.statusCode).toBe(200)
      expect((await account(id)).email).toBe('nouvelle@chu-a.fr')
      expect((await holder.post('/gestion/changement-email', { jeton: token })).statusCode).toBe(400)
      // The login changed: the user's open session ended, links sent to the old address are void.
      expect((await usersBrowser.get('/mon-compte')).statusCode).toBe(303)
      expect((await new TestBrowser(s.t.app).get(oldResetLink)).statusCode).toBe(400)
    })

    it('refuses an email already used by another account', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string] })
      const response = await (await browserOf(managerA)).post(`/gestion/comptes/${id}`, { civilite: 'm', nom: 'X', prenom: 'Y', profession: 'medecin', email: 'gestion@chu-b.fr' })
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('déjà celle d’un autre compte')
    })

    it('answers fuzzed form values with a 4xx, never a 500', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string] })
      const browser = await browserOf(managerA)
      const forms: Array<Record<string, string | string[]>> = [
        {}, { civilite: 'x', nom: '', prenom: '', profession: '', email: '' }, { civilite: ['mme', 'm'], nom: 'a', prenom: 'b', profession: 'medecin', email: 'a@b.fr' },
        { civilite: 'mme', nom: 'a'.repeat(5000), prenom: 'b', profession: 'medecin', email: 'a@b.fr' },
        { civilite: 'mme', nom: 'a', prenom: 'b', profession: 'inconnue', email: 'pas-un-email' },
        { civilite: 'mme', nom: '   ', prenom: 'b', profession: 'medecin', email: 'a@b.fr', action: 'supprimer' },
      ]
      for (const form of forms) {
        const response = await browser.post(`/gestion/comptes/${id}`, form)
        expect(response.statusCode, JSON.stringify(form).slice(0, 80)).toBeGreaterThanOrEqual(400)
        expect(response.statusCode).toBeLessThan(500)
      }
      const valid = { civilite: 'mme', nom: 'a', prenom: 'b', profession: 'medecin', email: `user${counter}@chu-a.fr` }
      for (const sites of [{ ajouter: ['a', 'b'] }, { retirer: 'x'.repeat(300) }, { ajouter: 'not-a-site', valider: '1' }, { croix: 'not-a-site' }, { choisir: ['a', 'b'] },
        { choisir: 'not-a-site' }, { ajouter: Array.from({ length: 150 }, () => 'x') }, { valider: 'oui' }] as Array<Record<string, string | string[]>>) {
        const response = await browser.post(`/gestion/comptes/${id}`, { ...valid, ...sites })
        expect(response.statusCode, JSON.stringify(sites).slice(0, 80)).toBeGreaterThanOrEqual(400)
        expect(response.statusCode).toBeLessThan(500)
      }
      expect(await siteIdsOf(id)).toEqual([s.a.siteIds[0]])
      for (const url of ['/gestion/comptes/not-a-uuid', '/gestion/comptes/%00', `/gestion/comptes/${'a'.repeat(300)}/activer`]) {
        const response = await browser.get(url)
        expect(response.statusCode, url).toBeGreaterThanOrEqual(400)
        expect(response.statusCode).toBeLessThan(500)
      }
      expect((await browser.post('/gestion/comptes/activation-groupee', { comptes: Array.from({ length: 300 }, () => 'x') })).statusCode).toBe(400)
    })

    it('answers an id that is not a UUID as an id not found: the console\'s 404 page, audited, in the request\'s language', async () => {
      const browser = await browserOf(managerA)
      const before = await s.t.db.selectFrom('audit_event').where('type', '=', 'admin.actionRefused').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      for (const [method, url] of [['GET', '/gestion/comptes/not-a-uuid/activer'], ['POST', '/gestion/comptes/not-a-uuid/activer'], ['GET', '/gestion/comptes/not-a-uuid']] as const) {
        const response = method === 'GET' ? await browser.get(url) : await browser.post(url, {})
        expect(response.statusCode, url).toBe(404)
        expect(response.body).toContain('Page introuvable')
        expect(response.body).toContain('href="/gestion"')
      }
      const after = await s.t.db.selectFrom('audit_event').where('type', '=', 'admin.actionRefused').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      expect(Number(after.n) - Number(before.n)).toBe(3)
    })

    it('refuses a form without its CSRF token (403) and changes nothing', async () => {
      const id = await user({ siteIds: [s.a.siteIds[0] as string], state: 'pendingActivation' })
      const response = await (await browserOf(managerA)).post(`/gestion/comptes/${id}/activer`, {}, { csrf: false })
      expect(response.statusCode).toBe(403)
      expect((await account(id)).activated_at).toBeNull()
    })
  })
})
