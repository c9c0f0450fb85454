/**
 * The console's list taken away as CSV (admin guide §2, the list's filters): the accounts the
 * list shows with the same filters, every page, the columns on screen, formula-neutralised,
 * UTF-8 with a byte-order mark, and recorded in the audit trail as the journal's export is.
 * An account manager gets their hospitals' accounts only, whatever the query says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { signIn } from '../../../test/helpers/session.ts'

/** The CSV's records as arrays of cells (the test data holds no quoted line breaks). */
function recordsOf (body: string): string[][] {
  return body.replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '').map((line) => {
    const cells: string[] = []
    for (const match of line.matchAll(/("(?:[^"]|"")*"|[^;]*)(;|$)/g)) {
      if (match.index === line.length && match[0] === '') break
      const raw = match[1] ?? ''
      cells.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw)
    }
    return cells
  })
}

describe(`the console's list as CSV (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let b: TestHospital
  let managerA: string
  let superadmin: string
  const emailsOfB: string[] = []

  beforeAll(async () => {
    t = await buildTestApp()
    ;({ a, b } = await createTwoHospitals(t.db))
    managerA = await createAccount(t.db, { email: 'gestion.export@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Admin', firstName: 'Export' })
    superadmin = await createAccount(t.db, { email: 'super.export@bndmr.fr', siteIds: [], isSuperadmin: true, lastName: 'Super', firstName: 'Admin' })
    // Enough accounts of A for several pages of the screen's list (50 a page).
    for (let i = 0; i < 60; i++) {
      await createAccount(t.db, {
        email: `a.${String(i).padStart(2, '0')}@chu-a.fr`, siteIds: [a.siteIds[i % 2] as string], lastName: `Lambert${i}`,
        state: i % 3 === 0 ? 'pendingActivation' : 'active', now: Date.UTC(2026, 0, 1) + i * 60_000,
      })
    }
    await createAccount(t.db, { email: 'formule@chu-a.fr', siteIds: [a.siteIds[0] as string], lastName: '=HYPERLINK("http://x.test";"clic")', firstName: '+33 1 23', locked: true })
    for (let i = 0; i < 3; i++) {
      const email = `b.${i}@chu-b.fr`
      emailsOfB.push(email)
      await createAccount(t.db, { email, siteIds: [b.siteIds[0] as string], lastName: `Bernard${i}`, state: 'pendingActivation' })
    }
  }, 60_000)
  afterAll(async () => { await t?.close() })

  const browserOf = async (accountId: string, lang?: 'en') => {
    const browser = new TestBrowser(t.app)
    if (lang) browser.cookies.set('langue', lang)
    await signIn(t, browser, accountId)
    return browser
  }
  const exports = async () => (await t.db.selectFrom('audit_event').select(['actor_id', 'details'])
    .where('type', '=', 'admin.accountListExported').orderBy('seq').execute())
    .map((row) => ({ actor: row.actor_id, details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details }))

  it('downloads every account of the manager’s hospital, every page, as UTF-8 with a byte-order mark, in the screen’s columns', async () => {
    const browser = await browserOf(managerA)
    const response = await browser.get('/gestion/comptes.csv')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="comptes-bamara-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const [header, ...rows] = recordsOf(response.body)
    expect(header).toEqual(['Verrouillé', 'Statut', 'Nom', 'Prénom', 'Email', 'Profession', 'Sites', 'Date d’inscription'])
    const emails = rows.map((row) => row[4])
    expect(emails).toHaveLength(62) // 60, the formula account, the manager
    expect(emails).toContain('a.00@chu-a.fr')
    expect(emails).toContain('a.59@chu-a.fr')
    for (const email of emailsOfB) expect(response.body).not.toContain(email)
    expect(response.body).not.toContain('Bernard')
    const lambert = rows.find((row) => row[4] === 'a.03@chu-a.fr')
    expect(lambert?.[0]).toBe('non')
    expect(lambert?.[1]).toBe('En attente d’activation')
    expect(lambert?.[5]).toBe('Médecin')
    expect(lambert?.[6]).toMatch(/\S/)
    expect(lambert?.[7]).toMatch(/^2026-01-01T01:03:00\+01:00$/)
  })

  it('neutralises formulas: a cell starting with = + - @ is prefixed so a spreadsheet shows it as text', async () => {
    const response = await (await browserOf(managerA)).get('/gestion/comptes.csv?q=formule')
    const [, row] = recordsOf(response.body)
    expect(row?.[0]).toBe('oui')
    expect(row?.[2]).toBe('\'=HYPERLINK("http://x.test";"clic")')
    expect(row?.[3]).toBe('\'+33 1 23')
  })

  it('applies the list’s filters and order: the same accounts as the screen’s list, page after page', async () => {
    const browser = await browserOf(managerA)
    const query = 'statut=en-attente&tri=nom'
    const csv = recordsOf((await browser.get(`/gestion/comptes.csv?${query}`)).body).slice(1).map((row) => row[4])
    const listed: string[] = []
    for (let page = 1; page <= 3; page++) {
      const html = (await browser.get(`/gestion?${query}&page=${page}`)).body
      listed.push(...[...html.matchAll(/<td class="col-email">([^<]+)<\/td>/g)].map((m) => m[1] as string))
    }
    expect(csv).toEqual(listed)
    expect(csv).toHaveLength(20)
    expect(csv.every((email) => email?.endsWith('@chu-a.fr'))).toBe(true)
  })

  it('cannot be widened by a forged filter: another hospital, its site, or its accounts’ search never appear for a manager', async () => {
    const browser = await browserOf(managerA)
    for (const query of [`hopital=${b.id}`, `site=${b.siteIds[0]}`, 'q=chu-b', 'q=Bernard', `hopital=${b.id}&site=${b.siteIds[0]}&statut=en-attente`]) {
      const response = await browser.get(`/gestion/comptes.csv?${query}`)
      expect(response.statusCode, query).toBe(200)
      for (const email of emailsOfB) expect(response.body, query).not.toContain(email)
      expect(recordsOf(response.body).slice(1).every((row) => row[4]?.endsWith('@chu-a.fr')), query).toBe(true)
    }
    // The hospital filter is the super-administrators' only.
    const forged = recordsOf((await browser.get(`/gestion/comptes.csv?hopital=${b.id}`)).body).slice(1)
    expect(forged).toHaveLength(62)
  })

  it('gives a super-administrator every hospital, or the one chosen', async () => {
    const browser = await browserOf(superadmin)
    const all = recordsOf((await browser.get('/gestion/comptes.csv')).body).slice(1).map((row) => row[4])
    expect(all).toEqual(expect.arrayContaining([...emailsOfB, 'a.00@chu-a.fr']))
    const onlyB = recordsOf((await browser.get(`/gestion/comptes.csv?hopital=${b.id}`)).body).slice(1).map((row) => row[4])
    expect(onlyB.sort()).toEqual([...emailsOfB].sort())
  })

  it('records each export in the audit trail with its filters and count, as the journal’s export', async () => {
    const before = (await exports()).length
    const browser = await browserOf(managerA)
    await browser.get(`/gestion/comptes.csv?statut=en-attente&hopital=${b.id}`)
    const recorded = (await exports()).slice(before)
    expect(recorded).toHaveLength(1)
    expect(recorded[0]?.actor).toBe(managerA)
    // The forged hospital is not what was exported, and is not recorded as if it were.
    expect(recorded[0]?.details).toMatchObject({ accounts: 20, filters: { statut: 'en-attente', hopital: '' } })
  })

  it('refuses a bad query with the console’s 400 page, and is never served to a user or an anonymous visitor', async () => {
    const browser = await browserOf(managerA)
    const bad = await browser.get(`/gestion/comptes.csv?q=${'x'.repeat(201)}`)
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toMatch(/^text\/html/)
    const user = await createAccount(t.db, { email: 'simple.export@chu-a.fr', siteIds: [a.siteIds[0] as string] })
    expect((await (await browserOf(user)).get('/gestion/comptes.csv')).statusCode).toBe(403)
    const anonymous = await new TestBrowser(t.app).get('/gestion/comptes.csv')
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toMatch(/^\/connexion/)
  })

  it('is linked from the list with the filters applied, in French and in English (a plain link: no JavaScript needed)', async () => {
    const french = (await (await browserOf(managerA)).get('/gestion?statut=en-attente&q=Lambert')).body
    expect(french).toContain('<a href="/gestion/comptes.csv?q=Lambert&amp;statut=en-attente" download aria-describedby="export-aide">Télécharger la liste (CSV)</a>')
    expect(french).toMatch(/id="export-aide">Tous les comptes affichés par ces filtres/)
    const english = await browserOf(managerA, 'en')
    const page = (await english.get('/gestion')).body
    expect(page).toContain('>Download the list (CSV)</a>')
    const csv = await english.get('/gestion/comptes.csv')
    expect(recordsOf(csv.body)[0]).toEqual(['Locked', 'Status', 'Last name', 'First name', 'Email', 'Profession', 'Sites', 'Registration date'])
    expect(csv.headers['content-disposition']).toMatch(/filename="bamara-accounts-/)
  })
})
