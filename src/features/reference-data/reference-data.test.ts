import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { createSite, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { findSitesByIds, hospitalEmailDomains, listHospitals, listSitesOfHospital, searchSites } from './index.ts'
import { startWithTwoHospitals } from '../../../test/helpers/suite.ts'

interface SiteJson { id: string; title: string; abbreviation: string | null; leadName: string | null; kind: string }

describe(`site search for the forms (admin guide §3.4.1, ${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let b: TestHospital
  let percentSite: string
  let archivedSite: string
  beforeAll(async () => {
    ;({ t, a, b } = await startWithTwoHospitals())
    percentSite = await createSite(t.db, a.id, { title: 'Taux 100% rares', kind: 'other' })
    await createSite(t.db, a.id, { title: 'Taux 1000 rares', kind: 'other' })
    await createSite(t.db, a.id, { title: 'Site_sous_tiret', kind: 'other' })
    await createSite(t.db, a.id, { title: 'Site sans tiret bas', kind: 'other' })
    archivedSite = await createSite(t.db, a.id, { title: 'Malformations archivées', kind: 'ccmr' })
    await t.db.updateTable('site').set({ archived_at: 1 }).where('id', '=', archivedSite).execute()
  })
  afterAll(async () => { await t.close() })

  const search = async (query: string) => {
    const response = await t.app.inject({ method: 'GET', url: `/sites?${query}` })
    return { status: response.statusCode, body: response.json() as SiteJson[] & { error?: string } }
  }
  const titles = (body: SiteJson[]) => body.map((s) => s.title)

  it('lists every non-archived site of the hospital, the account-manager site last', async () => {
    const { status, body } = await search(`hopital=${a.id}`)
    expect(status).toBe(200)
    expect(titles(body)).toEqual([
      'Centre de compétence mucoviscidose', 'Maladies rénales rares', 'Malformations ORL rares',
      'Site sans tiret bas', 'Site_sous_tiret', 'Taux 100% rares', 'Taux 1000 rares',
      'Site administrateur comptes (CHU de Test A)',
    ])
    expect(body[2]).toEqual({ id: a.siteIds[0], title: 'Malformations ORL rares', abbreviation: 'MALO', leadName: 'Duflo', kind: 'crmrCoordinating' })
  })

  it('finds a site by its title, its abbreviation or its lead, ignoring case and accents', async () => {
    expect(titles((await search(`hopital=${a.id}&q=malformations%20orl`)).body)).toEqual(['Malformations ORL rares'])
    expect(titles((await search(`hopital=${a.id}&q=Malo`)).body)).toEqual(['Malformations ORL rares'])
    expect(titles((await search(`hopital=${a.id}&q=duflo`)).body)).toEqual(['Malformations ORL rares'])
    expect(titles((await search(`hopital=${a.id}&q=leveque`)).body)).toEqual(['Maladies rénales rares'])
    expect(titles((await search(`hopital=${a.id}&q=L%C3%89V%C3%8AQUE`)).body)).toEqual(['Maladies rénales rares'])
    expect(titles((await search(`hopital=${a.id}&q=RENALES%20marhea`)).body)).toEqual(['Maladies rénales rares'])
    expect(titles((await search(`hopital=${a.id}&q=administrateur`)).body)).toEqual(['Site administrateur comptes (CHU de Test A)'])
    expect((await search(`hopital=${a.id}&q=introuvable`)).body).toEqual([])
  })

  it('never returns another hospital’s sites, even when they match', async () => {
    const { body } = await search(`hopital=${b.id}&q=malo`)
    expect(body.map((s) => s.id)).toEqual([b.siteIds[0]])
    const all = await search(`hopital=${b.id}`)
    for (const site of all.body) expect([b.adminSiteId, ...b.siteIds]).toContain(site.id)
  })

  it('matches % and _ literally, not as wildcards', async () => {
    expect((await search(`hopital=${a.id}&q=100%25`)).body.map((s) => s.id)).toEqual([percentSite])
    expect(titles((await search(`hopital=${a.id}&q=site_`)).body)).toEqual(['Site_sous_tiret'])
    expect((await search(`hopital=${a.id}&q=%25%25`)).body).toEqual([])
  })

  it('leaves archived sites out', async () => {
    expect((await search(`hopital=${a.id}&q=archivees`)).body).toEqual([])
  })

  it('answers 400 to bad input and 404 to an unknown hospital, never 500', async () => {
    expect((await search('')).status).toBe(400)
    expect((await search('q=malo')).status).toBe(400)
    expect((await search(`hopital=${a.id}&hopital=${b.id}`)).status).toBe(400)
    expect((await search(`hopital=${a.id}&q=${'x'.repeat(101)}`)).status).toBe(400)
    expect((await search(`hopital=${'x'.repeat(65)}`)).status).toBe(400)
    const unknown = await search('hopital=00000000-0000-0000-0000-000000000000')
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toBe('Établissement inconnu.')
    expect((await search('hopital=%27%3B%20drop%20table%20site%3B--')).status).toBe(404)
  })

  it('caps the answer at 50 sites', async () => {
    for (let i = 0; i < 55; i++) await createSite(t.db, b.id, { title: `Site numéro ${String(i).padStart(2, '0')}`, kind: 'ccmr' })
    expect((await search(`hopital=${b.id}&q=numero`)).body).toHaveLength(50)
    expect(await searchSites(t.db, { hospitalIds: [b.id], term: 'numero', limit: 5 })).toHaveLength(5)
  })
})

describe(`reference-data queries (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let b: TestHospital
  beforeAll(async () => {
    ;({ t, a, b } = await startWithTwoHospitals())
  })
  afterAll(async () => { await t.close() })

  it('lists hospitals in alphabetical order, without archived ones', async () => {
    const archived = await createSite(t.db, a.id, { title: 'x', kind: 'other' })
    expect(archived).toBeTruthy()
    expect((await listHospitals(t.db)).map((h) => h.name)).toEqual(['CHU de Test A', 'CHU de Test B'])
    await t.db.updateTable('hospital').set({ archived_at: 1 }).where('id', '=', b.id).execute()
    expect((await listHospitals(t.db)).map((h) => h.name)).toEqual(['CHU de Test A'])
    await t.db.updateTable('hospital').set({ archived_at: null }).where('id', '=', b.id).execute()
  })

  it('reads a hospital’s email domains and sites, and sites by ids across hospitals', async () => {
    expect(await hospitalEmailDomains(t.db, a.id)).toEqual(['chu-a.fr'])
    const sites = await listSitesOfHospital(t.db, b.id)
    expect(sites.at(-1)?.kind).toBe('accountAdministration')
    expect(sites.map((s) => s.hospitalId)).toEqual(sites.map(() => b.id))
    const found = await findSitesByIds(t.db, [a.siteIds[0] as string, b.adminSiteId, 'unknown'])
    expect(found.map((s) => [s.id, s.hospitalId]).sort()).toEqual([[a.siteIds[0], a.id], [b.adminSiteId, b.id]].sort())
    expect(await findSitesByIds(t.db, [])).toEqual([])
    expect(await searchSites(t.db, { hospitalIds: [] })).toEqual([])
    expect((await searchSites(t.db, { hospitalIds: [a.id, b.id], term: 'MALO' })).map((s) => s.hospitalId).sort()).toEqual([a.id, b.id].sort())
  })
})
