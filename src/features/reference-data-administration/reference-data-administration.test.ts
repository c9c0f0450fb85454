/**
 * Reference-data editing by super-administrators (the guide's reference data: hospitals, sites, professions):
 * hospitals (FINESS checked, email domains, archive), sites (search_text kept in sync, deleted or
 * archived when held, the account-manager site fixed), professions; audit before → after;
 * archived items leave the registration choices and the site searches; abuse answers 4xx.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { createAccount } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { listProfessions, searchSites } from '../reference-data/index.ts'
import { signedInBrowser, suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

const base = '/gestion/referentiel'

describe(`reference-data administration (${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  let superadmin: TestBrowser
  let manager: TestBrowser
  let superadminId: string
  beforeAll(async () => {
    superadminId = await createAccount(s.t.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true })
    superadmin = await signedInBrowser(s.t, superadminId)
    manager = await signedInBrowser(s.t, await createAccount(s.t.db, { email: 'gestion@chu-a.fr', siteIds: [s.a.adminSiteId] }))
  })

  const events = (type: string) => s.t.db.selectFrom('audit_event').select(['actor_id', 'hospital_id', 'details']).where('type', '=', type).execute()
  const hospitalByFiness = (finess: string) => s.t.db.selectFrom('hospital').selectAll().where('finess', '=', finess).executeTakeFirst()

  it('creates a hospital with its account-manager site; refuses a bad FINESS with a French message (400)', async () => {
    const form = await superadmin.get(`${base}/etablissements/nouveau`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('<label for="finess">')

    const bad = await superadmin.post(`${base}/etablissements`, { nom: 'CHU de Bordeaux', finess: '330000018', ville: 'Bordeaux', domaines: 'chu-bordeaux.fr' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('La clé de contrôle du numéro FINESS est incorrecte')
    expect(bad.body).toContain('id="erreurs"')
    expect(bad.body).toContain('aria-invalid="true"')
    const badDomain = await superadmin.post(`${base}/etablissements`, { nom: 'CHU', finess: '330000019', ville: 'Bordeaux', domaines: 'pas un domaine' })
    expect(badDomain.statusCode).toBe(400)
    expect(badDomain.body).toContain('n’est pas un domaine email valide')
    expect(await hospitalByFiness('330000019')).toBeUndefined()

    const created = await superadmin.post(`${base}/etablissements`, { nom: 'CHU de Bordeaux', finess: '33 000 0019', ville: 'Bordeaux', domaines: 'chu-bordeaux.fr\n@U-Bordeaux.fr' })
    expect(created.statusCode).toBe(303)
    const hospital = await hospitalByFiness('330000019')
    expect(hospital?.name).toBe('CHU de Bordeaux')
    const domains = await s.t.db.selectFrom('hospital_email_domain').select('domain').where('hospital_id', '=', hospital?.id as string).orderBy('domain').execute()
    expect(domains.map((d) => d.domain)).toEqual(['chu-bordeaux.fr', 'u-bordeaux.fr'])
    const adminSite = await s.t.db.selectFrom('site').selectAll().where('hospital_id', '=', hospital?.id as string).executeTakeFirst()
    expect(adminSite?.kind).toBe('accountAdministration')
    expect(adminSite?.title).toBe('Site administrateur comptes (CHU de Bordeaux)')
    const audit = await events('referenceData.hospitalCreated')
    expect(audit.at(-1)?.actor_id).toBe(superadminId)
    expect(audit.at(-1)?.hospital_id).toBe(hospital?.id)

    const duplicate = await superadmin.post(`${base}/etablissements`, { nom: 'Autre', finess: '330000019', ville: 'Bordeaux', domaines: '' })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.body).toContain('Un autre établissement a déjà ce numéro FINESS')
  })

  it('renames a hospital: its account-manager site follows; the audit keeps before → after', async () => {
    const response = await superadmin.post(`${base}/etablissements/${s.a.id}`, { nom: 'CHU de Test A renommé', finess: '750712184', ville: 'Paris', domaines: 'chu-a.fr' })
    expect(response.statusCode).toBe(303)
    const page = await superadmin.get(String(response.headers.location))
    expect(page.body).toContain('Les modifications ont été enregistrées.')
    const site = await s.t.db.selectFrom('site').select(['title', 'search_text']).where('id', '=', s.a.adminSiteId).executeTakeFirstOrThrow()
    expect(site.title).toBe('Site administrateur comptes (CHU de Test A renommé)')
    expect(site.search_text).toContain('renomme')
    const audit = await events('referenceData.hospitalUpdated')
    const details = JSON.parse(audit.at(-1)?.details as string)
    expect(details.before.name).toBe('CHU de Test A')
    expect(details.after.name).toBe('CHU de Test A renommé')
    expect(details.before.city).toBe('Ville')
  })

  it('adds and edits sites with search_text in sync; the account-manager site cannot be archived nor re-kinded', async () => {
    const added = await superadmin.post(`${base}/etablissements/${s.a.id}/sites`, { intitule: 'Maladies osseuses constitutionnelles', abreviation: 'MOC', responsable: 'Éloïse Gérard', type: 'ccmr', filiere: 'OSCAR' })
    expect(added.statusCode).toBe(303)
    let found = await searchSites(s.t.db, { hospitalIds: [s.a.id], term: 'gerard' })
    expect(found.map((s) => s.title)).toEqual(['Maladies osseuses constitutionnelles'])
    const siteId = found[0]?.id as string
    expect((await searchSites(s.t.db, { hospitalIds: [s.a.id], term: 'moc' })).map((s) => s.id)).toEqual([siteId])

    const edited = await superadmin.post(`${base}/sites/${siteId}`, { intitule: 'Maladies osseuses constitutionnelles', abreviation: 'MOC', responsable: 'Paul Lebrun', type: 'crc', filiere: 'OSCAR' })
    expect(edited.statusCode).toBe(303)
    expect(await searchSites(s.t.db, { hospitalIds: [s.a.id], term: 'gerard' })).toEqual([])
    found = await searchSites(s.t.db, { hospitalIds: [s.a.id], term: 'lebrun' })
    expect(found[0]?.kind).toBe('crc')
    const audit = JSON.parse((await events('referenceData.siteUpdated')).at(-1)?.details as string)
    expect(audit.before.leadName).toBe('Éloïse Gérard')
    expect(audit.after.leadName).toBe('Paul Lebrun')

    const badKind = await superadmin.post(`${base}/etablissements/${s.a.id}/sites`, { intitule: 'X', type: 'accountAdministration' })
    expect(badKind.statusCode).toBe(400)
    expect(badKind.body).toContain('Choisissez un type de site dans la liste.')
    const reserved = await superadmin.post(`${base}/etablissements/${s.a.id}/sites`, { intitule: 'Site administrateur comptes (bis)', type: 'other' })
    expect(reserved.statusCode).toBe(400)

    expect((await superadmin.post(`${base}/sites/${s.a.adminSiteId}/supprimer`, {})).statusCode).toBe(409)
    const rekind = await superadmin.post(`${base}/sites/${s.a.adminSiteId}`, { intitule: 'Autre titre', type: 'crc', responsable: 'Nadia Roux' })
    expect(rekind.statusCode).toBe(303)
    const adminSite = await s.t.db.selectFrom('site').select(['kind', 'title', 'archived_at', 'lead_name']).where('id', '=', s.a.adminSiteId).executeTakeFirstOrThrow()
    expect(adminSite).toMatchObject({ kind: 'accountAdministration', title: 'Site administrateur comptes (CHU de Test A renommé)', archived_at: null, lead_name: 'Nadia Roux' })
  })

  it('deletes an unused site; archives a site held by accounts, which leaves registration and searches, then unarchives it', async () => {
    await superadmin.post(`${base}/etablissements/${s.a.id}/sites`, { intitule: 'Site éphémère', type: 'other' })
    const ephemeral = (await searchSites(s.t.db, { hospitalIds: [s.a.id], term: 'ephemere' }))[0]?.id as string
    const deleted = await superadmin.post(`${base}/sites/${ephemeral}/supprimer`, {})
    expect(deleted.statusCode).toBe(303)
    expect(deleted.headers.location).toContain('fait=supprime')
    expect(await s.t.db.selectFrom('site').select('id').where('id', '=', ephemeral).executeTakeFirst()).toBeUndefined()

    const held = s.a.siteIds[0] as string
    await createAccount(s.t.db, { email: 'porteur@chu-a.fr', siteIds: [held] })
    const archived = await superadmin.post(`${base}/sites/${held}/supprimer`, {})
    expect(archived.statusCode).toBe(303)
    expect(archived.headers.location).toContain('fait=archive-au-lieu')
    expect((await superadmin.get(String(archived.headers.location))).body).toContain('il a été archivé au lieu d’être supprimé')
    expect(await s.t.db.selectFrom('account_site').select('site_id').where('site_id', '=', held).execute()).toHaveLength(1)
    expect(await searchSites(s.t.db, { hospitalIds: [s.a.id], term: 'malo' })).toEqual([])
    const publicSearch = await new TestBrowser(s.t.app).get(`/sites?hopital=${s.a.id}&q=malo`)
    expect(JSON.parse(publicSearch.body)).toEqual([])
    const registration = await new TestBrowser(s.t.app).get(`/inscription?hopital=${s.a.id}`)
    expect(registration.body).toContain('Maladies rénales rares')
    expect(registration.body).not.toContain('Malformations ORL rares')

    expect((await superadmin.post(`${base}/sites/${held}/desarchiver`, {})).statusCode).toBe(303)
    expect((await searchSites(s.t.db, { hospitalIds: [s.a.id], term: 'malo' })).map((s) => s.id)).toEqual([held])
    expect(await events('referenceData.siteArchived')).toHaveLength(1)
    expect(await events('referenceData.siteDeleted')).toHaveLength(1)
  })

  it('archives and unarchives a hospital', async () => {
    const { b } = { b: (await s.t.db.selectFrom('hospital').select('id').where('finess', '=', '690781810').executeTakeFirstOrThrow()) }
    expect((await superadmin.post(`${base}/etablissements/${b.id}/archiver`, {})).statusCode).toBe(303)
    expect((await new TestBrowser(s.t.app).get('/inscription')).body).not.toContain('CHU de Test B')
    expect((await superadmin.get(base)).body).toContain('CHU de Test B')
    expect((await superadmin.post(`${base}/etablissements/${b.id}/desarchiver`, {})).statusCode).toBe(303)
    expect((await new TestBrowser(s.t.app).get('/inscription')).body).toContain('CHU de Test B')
  })

  it('creates, edits, archives and unarchives professions; archived ones leave the choices', async () => {
    const badCode = await superadmin.post(`${base}/professions`, { code: 'Généticien', libelle_fr: 'Généticien·ne', libelle_en: 'Geneticist', ordre: '40' })
    expect(badCode.statusCode).toBe(400)
    expect(badCode.body).toContain('Le code ne contient que des lettres minuscules')
    const badOrder = await superadmin.post(`${base}/professions`, { code: 'geneticien', libelle_fr: 'Généticien·ne', libelle_en: 'Geneticist', ordre: 'x' })
    expect(badOrder.statusCode).toBe(400)
    expect(badOrder.body).toContain('Indiquez un nombre entier entre 0 et 9999.')
    expect((await superadmin.post(`${base}/professions`, { code: 'geneticien', libelle_fr: 'Généticien·ne', libelle_en: 'Geneticist', ordre: '40' })).statusCode).toBe(303)
    const duplicate = await superadmin.post(`${base}/professions`, { code: 'geneticien', libelle_fr: 'Autre', libelle_en: 'Other', ordre: '41' })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.body).toContain('Une profession a déjà ce code.')
    expect((await listProfessions(s.t.db)).some((p) => p.code === 'geneticien')).toBe(true)

    expect((await superadmin.post(`${base}/professions/geneticien`, { libelle_fr: 'Généticien·ne clinique', libelle_en: 'Clinical geneticist', ordre: '3' })).statusCode).toBe(303)
    const updated = (await listProfessions(s.t.db)).find((p) => p.code === 'geneticien')
    expect(updated?.label_fr).toBe('Généticien·ne clinique')
    expect(JSON.parse((await events('referenceData.professionUpdated')).at(-1)?.details as string).before.labelFr).toBe('Généticien·ne')

    expect((await superadmin.post(`${base}/professions/geneticien/archiver`, {})).statusCode).toBe(303)
    expect((await listProfessions(s.t.db)).some((p) => p.code === 'geneticien')).toBe(false)
    expect((await new TestBrowser(s.t.app).get('/inscription')).body).not.toContain('Généticien·ne clinique')
    expect((await superadmin.get(`${base}/professions`)).body).toContain('Généticien·ne clinique')
    expect((await superadmin.post(`${base}/professions/geneticien/desarchiver`, {})).statusCode).toBe(303)
    expect((await listProfessions(s.t.db)).some((p) => p.code === 'geneticien')).toBe(true)
  })

  it('refuses account managers (403) and forms without the CSRF token (403); nothing changes', async () => {
    const before = await s.t.db.selectFrom('hospital').selectAll().orderBy('id').execute()
    const attempts = [
      manager.get(base),
      manager.post(`${base}/etablissements`, { nom: 'Pirate', finess: '130000029', ville: 'Marseille', domaines: '' }),
      manager.post(`${base}/etablissements/${s.a.id}`, { nom: 'Pirate', finess: '750712184', ville: 'Paris', domaines: '' }),
      manager.post(`${base}/etablissements/${s.a.id}/archiver`, {}),
      manager.post(`${base}/sites/${s.a.siteIds[1]}/supprimer`, {}),
      manager.post(`${base}/professions/medecin/archiver`, {}),
      superadmin.post(`${base}/etablissements/${s.a.id}/archiver`, {}, { csrf: false }),
      superadmin.post(`${base}/etablissements`, { nom: 'Sans jeton', finess: '130000029', ville: 'Marseille', domaines: '' }, { csrf: false }),
    ]
    for (const response of await Promise.all(attempts)) expect(response.statusCode).toBe(403)
    expect(await s.t.db.selectFrom('hospital').selectAll().orderBy('id').execute()).toEqual(before)
    expect((await listProfessions(s.t.db)).some((p) => p.code === 'medecin')).toBe(true)
    const anonymous = await new TestBrowser(s.t.app).get(base)
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toMatch(/^\/connexion/)
  })

  it('answers fuzzed values with 4xx, never 500', async () => {
    const huge = 'é'.repeat(5000)
    const bodies: Array<Record<string, string | string[]>> = [
      {}, { nom: huge, finess: huge, ville: huge, domaines: huge }, { nom: ['a', 'b'], finess: ['1'] }, { nom: '\u0000<script>', finess: '2A0000000', ville: ' ', domaines: 'a'.repeat(300) + '.fr' },
      { intitule: huge, type: huge }, { code: '../etc', libelle_fr: '', libelle_en: '', ordre: '-1' }, { ordre: '99999' },
    ]
    const urls = [
      `${base}/etablissements`, `${base}/etablissements/${s.a.id}`, `${base}/etablissements/${s.a.id}/sites`, `${base}/sites/${s.a.siteIds[2]}`,
      `${base}/professions`, `${base}/professions/medecin`, `${base}/etablissements/${'x'.repeat(100)}`, `${base}/sites/inconnu`, `${base}/professions/%00`,
    ]
    for (const url of urls) {
      for (const body of bodies) {
        const response = await superadmin.post(url, body)
        expect(response.statusCode, `${url} ${JSON.stringify(body).slice(0, 80)}`).toBeGreaterThanOrEqual(400)
        expect(response.statusCode, url).toBeLessThan(500)
      }
    }
    const json = await s.t.app.inject({ method: 'POST', url: `${base}/etablissements`, payload: { nom: 5 }, headers: { cookie: [...superadmin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
    expect(json.statusCode).toBeLessThan(500)
    // An unknown notice is ignored.
    expect((await superadmin.get(`${base}?fait=${'x'.repeat(100)}`)).statusCode).toBe(200)
    for (const url of [`${base}/etablissements/inconnu`, `${base}/sites/${'%'.repeat(3)}`, `${base}/professions/${'z'.repeat(80)}`]) {
      const response = await superadmin.get(url)
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400)
      expect(response.statusCode, url).toBeLessThan(500)
    }
    expect(await hospitalByFiness('2A0000000')).toBeUndefined()
  })
})
