/**
 * Issue 5 « Annual access review », on an injectable clock: reviews become due after the
 * interval, managers get one email then one reminder (never twice), « Confirmer les droits » for
 * one or several accounts, scope (another hospital's account → 404, nothing changed), campaign
 * progress and the report (page and CSV) showing who reviewed whom, when, with what decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { emailsTo } from '../../../test/helpers/mailbox.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { days } from '../../config.ts'
import { countDueReviews, sendAccessReviewNotifications } from './index.ts'

describe(`access review (« revue des droits d'accès ») (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let b: TestHospital
  let managerA = ''
  let alice = ''
  let amelie = ''
  let bob = ''
  let browserA: TestBrowser
  const notify = () => sendAccessReviewNotifications(t.app.flow)
  const reviewEmails = async () => (await emailsTo(t.db, 'gestion@chu-a.fr')).filter((e) => e.template.startsWith('accessReview'))
  const reviewedAt = async (id: string) => (await t.db.selectFrom('account').select(['access_reviewed_at', 'access_reviewed_by']).where('id', '=', id).executeTakeFirstOrThrow())

  beforeAll(async () => {
    t = await buildTestApp()
    ;({ a, b } = await createTwoHospitals(t.db))
    const activatedAt = t.clock.now()
    managerA = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], now: activatedAt })
    alice = await createAccount(t.db, { email: 'alice@chu-a.fr', lastName: 'Martin', siteIds: [a.siteIds[0] as string], now: activatedAt })
    amelie = await createAccount(t.db, { email: 'amelie@chu-a.fr', lastName: 'Petit', siteIds: [a.siteIds[1] as string], now: activatedAt })
    bob = await createAccount(t.db, { email: 'bob@chu-b.fr', siteIds: [b.siteIds[0] as string], now: activatedAt })
    await createAccount(t.db, { email: 'gestion@chu-b.fr', siteIds: [b.adminSiteId], now: activatedAt })
    browserA = new TestBrowser(t.app)
  })
  afterAll(async () => { await t?.close() })

  it('has nothing due within the interval, and sends nothing', async () => {
    expect(await countDueReviews(t.db, { id: managerA, isSuperadmin: false, hospitalIds: [a.id] }, t.clock.now())).toBe(0)
    expect(await notify()).toMatchObject({ dueEmails: 0, reminders: 0 })
    t.clock.advance(days(365))
    await signIn(t, browserA, managerA)
    const page = await browserA.get('/gestion/revue-des-droits')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Revue des droits d’accès')
  })

  it('emails the managers once when reviews become due, then one reminder when overdue', async () => {
    expect(await countDueReviews(t.db, { id: managerA, isSuperadmin: false, hospitalIds: [a.id] }, t.clock.now())).toBe(2)
    expect(await notify()).toMatchObject({ campaignsOpened: 2, dueEmails: 2, reminders: 0 })
    const [due] = await reviewEmails()
    expect(due?.subject).toBe('BaMaRa - Revue des droits d\'accès à effectuer')
    expect(due?.text).toContain('http://bamara.test/gestion/revue-des-droits')
    t.clock.advance(days(1))
    expect(await notify()).toMatchObject({ dueEmails: 0, reminders: 0 })
    t.clock.advance(days(30))
    expect(await notify()).toMatchObject({ dueEmails: 0, reminders: 2 })
    expect(await notify()).toMatchObject({ dueEmails: 0, reminders: 0 })
    expect((await reviewEmails()).map((e) => e.subject)).toEqual([
      'BaMaRa - Revue des droits d\'accès à effectuer', 'BaMaRa - Rappel : revue des droits d\'accès à effectuer',
    ])
  })

  it('lists the due accounts of the hospital with their three decisions and the progress', async () => {
    await signIn(t, browserA, managerA)
    const page = await browserA.get('/gestion/revue-des-droits')
    expect(page.body).toContain('alice@chu-a.fr')
    expect(page.body).toContain('amelie@chu-a.fr')
    expect(page.body).not.toContain('bob@chu-b.fr')
    expect(page.body).not.toContain('gestion@chu-a.fr</td>')
    expect(page.body).toContain('Confirmer les droits')
    expect(page.body).toContain(`href="/gestion/comptes/${alice}"`)
    expect(page.body).toContain(`href="/gestion/comptes/${alice}/desactiver"`)
    expect(page.body).toContain('Avancement de la campagne par hôpital')
    expect(page.body).not.toContain('CHU de Test B')
  })

  it("refuses another hospital's account (404) and changes nothing, even mixed with its own", async () => {
    await signIn(t, browserA, managerA)
    const refused = await browserA.post('/gestion/revue-des-droits/confirmer', { comptes: [alice, bob] })
    expect(refused.statusCode).toBe(404)
    expect((await reviewedAt(alice)).access_reviewed_by).toBeNull()
    expect((await reviewedAt(bob)).access_reviewed_by).toBeNull()
    expect((await browserA.post('/gestion/revue-des-droits/confirmer', { comptes: 'pas-un-id' })).statusCode).toBe(404)
    expect((await browserA.post('/gestion/revue-des-droits/confirmer', { comptes: managerA })).statusCode).toBe(404)
    expect((await browserA.post('/gestion/revue-des-droits/confirmer', {})).statusCode).toBe(400)
    expect((await browserA.post('/gestion/revue-des-droits/confirmer', { comptes: alice }, { csrf: false })).statusCode).toBe(403)
    expect((await reviewedAt(alice)).access_reviewed_by).toBeNull()
  })

  it('confirms several accounts at once, records the review, and a double submit changes nothing more', async () => {
    await signIn(t, browserA, managerA)
    const done = await browserA.post('/gestion/revue-des-droits/confirmer', { comptes: [alice, amelie] })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/gestion/revue-des-droits?fait=2')
    expect((await browserA.get('/gestion/revue-des-droits?fait=2')).body).toContain('Droits confirmés pour 2 comptes.')
    expect(await reviewedAt(alice)).toEqual({ access_reviewed_at: t.clock.now(), access_reviewed_by: managerA })
    const again = await browserA.post('/gestion/revue-des-droits/confirmer', { comptes: [alice, amelie] })
    expect(again.headers.location).toBe('/gestion/revue-des-droits?fait=0')
    const events = await t.db.selectFrom('audit_event').selectAll().where('type', '=', 'accessReview.confirmed').execute()
    expect(events).toHaveLength(2)
    expect(events[0]).toMatchObject({ actor_id: managerA, actor_role: 'accountManager', hospital_id: a.id, ip: '127.0.0.1', outcome: 'success' })
    expect(await countDueReviews(t.db, { id: managerA, isSuperadmin: false, hospitalIds: [a.id] }, t.clock.now())).toBe(0)
    expect((await browserA.get('/gestion/revue-des-droits')).body).toContain('Aucune revue à effectuer')
  })

  it("leaves an account manager's own account to a super-administrator, then closes the campaign", async () => {
    const superadmin = new TestBrowser(t.app)
    await signIn(t, superadmin, await createAccount(t.db, { email: 'admin@bamara.fr', siteIds: [], isSuperadmin: true, now: t.clock.now() }))
    expect((await superadmin.get('/gestion/revue-des-droits')).body).toContain('gestion@chu-a.fr')
    expect((await superadmin.post('/gestion/revue-des-droits/confirmer', { comptes: managerA })).statusCode).toBe(303)
    expect(await notify()).toMatchObject({ campaignsClosed: 1 })
    t.clock.advance(days(365))
    await notify()
    expect((await reviewEmails()).length).toBe(3)
  })

  it('reports who reviewed whom, when and with what decision, as a printable page and a CSV', async () => {
    await signIn(t, browserA, managerA)
    const year = new Date(t.clock.now()).getUTCFullYear()
    const query = `hopital=${a.id}&du=${year - 2}-01-01&au=${year}-12-31`
    const page = await browserA.get(`/gestion/revue-des-droits/rapport?${query}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Rapport de revue des droits d’accès')
    expect(page.body).toContain('alice@chu-a.fr')
    expect(page.body).toContain('Droits confirmés')
    expect(page.body).toContain('gestion@chu-a.fr')
    const csv = await browserA.get(`/gestion/revue-des-droits/rapport.csv?${query}`)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-disposition']).toContain('attachment')
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines[0]).toBe('date;hopital;revu_par;role;utilisateur;email;decision')
    expect(lines.filter((l) => l.includes('alice@chu-a.fr'))[0]).toMatch(/CHU de Test A;gestion@chu-a.fr;accountManager;Martin Claire;alice@chu-a.fr;Droits confirmés$/)
    expect(csv.body).not.toContain('bob@chu-b.fr')
    expect((await browserA.get(`/gestion/revue-des-droits/rapport.csv?hopital=${b.id}`)).statusCode).toBe(404)
    expect((await browserA.get(`/gestion/revue-des-droits/rapport?hopital=${a.id}&du=2026-13-01`)).statusCode).toBe(400)
  })
})

describe(`access review count on the console's landing page (${testEngine})`, () => {
  it('shows the number of reviews due, linked to the review, and the journal link', async () => {
    const t = await buildTestApp()
    try {
      const { a } = await createTwoHospitals(t.db)
      const longAgo = t.clock.now() - days(400)
      const manager = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], now: longAgo })
      await createAccount(t.db, { email: 'alice@chu-a.fr', siteIds: [a.siteIds[0] as string], now: longAgo })
      const browser = new TestBrowser(t.app)
      await signIn(t, browser, manager)
      const landing = await browser.get('/gestion')
      expect(landing.statusCode).toBe(200)
      expect(landing.body).toContain('<a href="/gestion/revue-des-droits">1 revue des droits d’accès à effectuer</a>')
      expect(landing.body).toContain('<a href="/gestion/journal">Journal des événements</a>')
    } finally {
      await t.close()
    }
  })
})

describe(`access review of users registered in several hospitals (admin guide §3.4.3) (${testEngine})`, () => {
  let t: TestApp
  afterAll(async () => { await t?.close() })

  it('leaves them to the super-administrators, even for a manager of every one of their hospitals', async () => {
    t = await buildTestApp()
    const { a, b } = await createTwoHospitals(t.db)
    const activatedAt = t.clock.now()
    const managerOfBoth = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId, b.adminSiteId], now: activatedAt })
    const both = await createAccount(t.db, { email: 'deux@chu-a.fr', siteIds: [a.siteIds[0] as string, b.siteIds[0] as string], now: activatedAt })
    await createAccount(t.db, { email: 'une@chu-a.fr', siteIds: [a.siteIds[0] as string], now: activatedAt })
    t.clock.advance(days(366))
    const manager = { id: managerOfBoth, isSuperadmin: false, hospitalIds: [a.id, b.id] }
    expect(await countDueReviews(t.db, manager, t.clock.now())).toBe(1)
    const browser = new TestBrowser(t.app)
    await signIn(t, browser, managerOfBoth)
    expect((await browser.post('/gestion/revue-des-droits/confirmer', { comptes: both })).statusCode).toBe(404)
    const superadmin = await createAccount(t.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true, now: activatedAt })
    expect(await countDueReviews(t.db, { id: superadmin, isSuperadmin: true, hospitalIds: [] }, t.clock.now())).toBe(3)
  })
})

describe(`access review: the count matches the list, names and dates as elsewhere (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let manager = ''
  let alice = ''
  let browser: TestBrowser
  afterAll(async () => { await t?.close() })
  const dueCell = (body: string) => Number(/<th scope="row">CHU de Test A<\/th><td>\d+<\/td><td>\d+<\/td><td>(\d+)<\/td>/.exec(body)?.[1])
  const listedRows = (body: string) => (body.match(/name="comptes" value="[^"]+" form="revue-groupee"/g) ?? []).length

  beforeAll(async () => {
    t = await buildTestApp()
    let b: TestHospital
    ;({ a, b } = await createTwoHospitals(t.db))
    const activatedAt = t.clock.now()
    manager = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], now: activatedAt })
    await createAccount(t.db, { email: 'gestion2@chu-a.fr', siteIds: [a.adminSiteId], now: activatedAt })
    alice = await createAccount(t.db, { email: 'alice@chu-a.fr', lastName: 'Martin', firstName: 'Alice', siteIds: [a.siteIds[0] as string], now: activatedAt })
    await createAccount(t.db, { email: 'deux@chu-a.fr', siteIds: [a.siteIds[1] as string, b.siteIds[0] as string], now: activatedAt })
    t.clock.advance(days(366))
    browser = new TestBrowser(t.app)
    await signIn(t, browser, manager)
  })

  it('counts in « Revues à effectuer » exactly the accounts the page lists', async () => {
    const page = await browser.get('/gestion/revue-des-droits')
    expect(listedRows(page.body)).toBe(1)
    expect(dueCell(page.body)).toBe(1)
    const superadmin = new TestBrowser(t.app)
    await signIn(t, superadmin, await createAccount(t.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true, now: t.clock.now() }))
    const all = await superadmin.get('/gestion/revue-des-droits')
    expect(dueCell(all.body)).toBe(4)
    expect(listedRows(all.body)).toBe(4)
  })

  it('writes the names as the console’s list does', async () => {
    const page = await browser.get('/gestion/revue-des-droits')
    expect(page.body).toContain('<th scope="row">Martin Alice</th>')
    expect(page.body).not.toContain('MARTIN')
  })

  it('gives every date and time in French format and French time; the CSV in ISO 8601 with its offset', async () => {
    expect((await browser.post('/gestion/revue-des-droits/confirmer', { comptes: alice })).statusCode).toBe(303)
    // The clock: 28 November 2027 at 09:00 UTC, 10:00 in Paris.
    expect(new Date(t.clock.now()).toISOString()).toBe('2027-11-28T09:00:00.000Z')
    const review = await browser.get('/gestion/revue-des-droits')
    expect(review.body).not.toMatch(/\d{4}-\d{2}-\d{2}/)
    const query = `hopital=${a.id}&du=2027-11-28&au=2027-11-28`
    const report = await browser.get(`/gestion/revue-des-droits/rapport?${query}`)
    expect(report.body).toContain('<td>28/11/2027 10:00:00</td>')
    expect(report.body).toContain('du 28/11/2027 au 28/11/2027')
    expect(report.body).toContain('Rapport établi le 28 novembre 2027 à 10:00 (heure de Paris).')
    expect(report.body).not.toContain('UTC')
    const csv = await browser.get(`/gestion/revue-des-droits/rapport.csv?${query}`)
    expect(csv.body).toContain('2027-11-28T10:00:00+01:00;CHU de Test A;gestion@chu-a.fr;accountManager;Martin Alice;alice@chu-a.fr;Droits confirmés')
  })
})
