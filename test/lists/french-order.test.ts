/**
 * Hospitals and sites are listed in French order everywhere people pick or read them (case,
 * accents and ligatures ignored; « CHR d’Orléans » before « CHR Metz-Thionville », « CRéER »
 * among the C's), the same on SQLite and PostgreSQL: registration, the console's filters and
 * its site search, the reference-data pages, the public site search and « Mon compte ».
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { signIn } from '../helpers/session.ts'
import { createAccount, createHospital, createSite, type TestHospital } from '../helpers/fixtures.ts'

const hospitalsInFrenchOrder = ['Centre hospitalier de Cayenne', 'CHR d’Orléans', 'CHR Metz-Thionville', 'chu de Brest']
const sitesInFrenchOrder = ['Anomalies vasculaires', 'ataxies cérébelleuses', 'Centre de référence des épilepsies', 'CRéER', 'Déficiences intellectuelles', 'Dystrophies rétiniennes']

/** Each name appears in the text, in this order. */
function expectInOrder (text: string, names: string[]) {
  const positions = names.map((name) => text.indexOf(name))
  expect(positions.every((p) => p >= 0), `all of ${names.join(', ')} shown`).toBe(true)
  expect(positions, names.join(' < ')).toEqual([...positions].sort((x, y) => x - y))
}

describe(`hospitals and sites in French order (${testEngine})`, () => {
  let t: TestApp
  let metz: TestHospital
  let superadmin: string
  let manager: string
  let user: string
  let siteIds: Record<string, string>

  beforeAll(async () => {
    t = await buildTestApp()
    // Written in an order that is neither French nor byte order.
    const hospitals: Record<string, TestHospital> = {}
    for (const [i, name] of ['CHR Metz-Thionville', 'chu de Brest', 'CHR d’Orléans', 'Centre hospitalier de Cayenne'].entries()) {
      hospitals[name] = await createHospital(t.db, name, `57000516${i}`, `h${i}.fr`)
    }
    metz = hospitals['CHR Metz-Thionville'] as TestHospital
    siteIds = {}
    for (const title of ['Dystrophies rétiniennes', 'CRéER', 'ataxies cérébelleuses', 'Déficiences intellectuelles', 'Centre de référence des épilepsies', 'Anomalies vasculaires']) {
      siteIds[title] = await createSite(t.db, metz.id, { title, kind: 'other', leadName: 'Lenoir' })
    }
    superadmin = await createAccount(t.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true })
    manager = await createAccount(t.db, { email: 'gestion@chr-metz.fr', siteIds: [metz.adminSiteId] })
    user = await createAccount(t.db, { email: 'lecteur@chr-metz.fr', siteIds: Object.values(siteIds).reverse() })
  })
  afterAll(async () => { await t.close() })

  const as = async (accountId: string | undefined) => {
    const browser = new TestBrowser(t.app)
    if (accountId) await signIn(t, browser, accountId)
    return browser
  }

  it('on the registration form: the hospitals, then the chosen hospital’s sites', async () => {
    const browser = await as(undefined)
    expectInOrder((await browser.get('/inscription')).body, hospitalsInFrenchOrder)
    expectInOrder((await browser.get(`/inscription?hopital=${metz.id}`)).body, sitesInFrenchOrder)
    expectInOrder((await browser.get(`/inscription/sites?hopital=${metz.id}`)).body, sitesInFrenchOrder)
  })

  it('in the console’s filters and its site search', async () => {
    const superBrowser = await as(superadmin)
    const list = await superBrowser.get('/gestion')
    expect(list.statusCode).toBe(200)
    expectInOrder(list.body, hospitalsInFrenchOrder)
    const managerBrowser = await as(manager)
    const managerList = await managerBrowser.get('/gestion')
    expect(managerList.statusCode).toBe(200)
    expectInOrder(managerList.body, sitesInFrenchOrder)
    const edit = await managerBrowser.get(`/gestion/comptes/${user}/sites?q=lenoir`)
    expect(edit.statusCode).toBe(200)
    expectInOrder(edit.body, sitesInFrenchOrder)
  })

  it('on the reference-data pages', async () => {
    const browser = await as(superadmin)
    const hospitals = await browser.get('/gestion/referentiel')
    expect(hospitals.statusCode).toBe(200)
    expectInOrder(hospitals.body, hospitalsInFrenchOrder)
    const sites = await browser.get(`/gestion/referentiel/etablissements/${metz.id}`)
    expect(sites.statusCode).toBe(200)
    expectInOrder(sites.body, sitesInFrenchOrder)
  })

  it('in the public site search and on « Mon compte »', async () => {
    const search = await (await as(undefined)).get(`/sites?hopital=${metz.id}&q=lenoir`)
    expect(search.statusCode).toBe(200)
    expect((JSON.parse(search.body) as Array<{ title: string }>).map((s) => s.title)).toEqual(sitesInFrenchOrder)
    const account = await (await as(user)).get('/mon-compte')
    expect(account.statusCode).toBe(200)
    expectInOrder(account.body, sitesInFrenchOrder)
  })
})
