/**
 * User guide §2.1 (a registration on an address that already has an account answers as any other
 * and only tells that account's owner) and the journal's scope: the audit row of such an attempt
 * tells about the existing account, so only super-administrators and the managers of that
 * account's hospitals see it. Abuse case: a manager of hospital A registers any address while
 * choosing A, then reads A's journal to learn whether it has an account anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'

const eventType = 'account.registrationAttemptOnExistingEmail'

describe(`journal: a registration on an existing address (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let b: TestHospital
  let managerA: TestBrowser
  let managerB: TestBrowser
  let superadmin: TestBrowser

  beforeAll(async () => {
    t = await buildTestApp()
    ;({ a, b } = await createTwoHospitals(t.db))
    const browserOf = async (accountId: string) => {
      const browser = new TestBrowser(t.app)
      await signIn(t, browser, accountId)
      return browser
    }
    managerA = await browserOf(await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId] }))
    managerB = await browserOf(await createAccount(t.db, { email: 'gestion@chu-b.fr', siteIds: [b.adminSiteId] }))
    superadmin = await browserOf(await createAccount(t.db, { email: 'admin@bamara.fr', siteIds: [], isSuperadmin: true }))
  })
  afterAll(async () => { await t?.close() })

  const registerWithHospitalA = (email: string) => new TestBrowser(t.app).post('/inscription', {
    civilite: 'mme', nom: 'Sonde', prenom: 'Anne', email, motDePasse: 'Tulipe-Rouge-1987!', confirmationMotDePasse: 'Tulipe-Rouge-1987!',
    profession: 'medecin', hopital: a.id, sites: [a.siteIds[0] as string], cgu: 'oui',
  })

  async function expectHiddenFromManagerA (email: string) {
    for (const path of ['/gestion/journal', '/gestion/journal.csv', `/gestion/journal?action=${eventType}`, `/gestion/journal.csv?utilisateur=${encodeURIComponent(email)}`]) {
      const response = await managerA.get(path)
      expect(response.statusCode, path).toBe(200)
      expect(response.body, path).not.toContain(email)
      expect(response.body, path).not.toContain(path.includes('.csv') ? eventType : `<code>${eventType}</code>`)
    }
  }

  async function expectSeenBy (browser: TestBrowser, email: string) {
    const page = await browser.get(`/gestion/journal?action=${eventType}`)
    expect(page.body).toContain(email)
    expect(page.body).toContain(`<code>${eventType}</code>`)
    const csv = await browser.get('/gestion/journal.csv')
    expect(csv.body).toContain(email)
    expect(csv.body).toContain(eventType)
  }

  it("hides the attempt from the chosen hospital's manager; the existing account's manager and a super-administrator see it", async () => {
    const email = 'existant@chu-b.fr'
    const owner = await createAccount(t.db, { email, siteIds: [b.siteIds[0] as string] })
    expect((await registerWithHospitalA(email)).statusCode).toBe(303)

    await expectHiddenFromManagerA(email)
    await expectSeenBy(managerB, email)
    await expectSeenBy(superadmin, email)
    const row = await t.db.selectFrom('audit_event').select(['hospital_id', 'details']).where('type', '=', eventType).where('target_id', '=', owner).executeTakeFirstOrThrow()
    expect(row.hospital_id).toBe(b.id)
    expect(JSON.parse(row.details ?? '{}')).toEqual({ chosenHospitalId: a.id })
  })

  it('keeps hiding rows written under the chosen hospital before this rule', async () => {
    const email = 'ancien-existant@chu-b.fr'
    const owner = await createAccount(t.db, { email, siteIds: [b.siteIds[1] as string] })
    await t.db.transaction().execute((tx) => recordEvent(tx, {
      type: eventType, outcome: 'refused', actorId: null, targetId: owner, hospitalId: a.id, ip: '192.0.2.7', userAgent: 'UA',
    }, t.clock.now()))

    await expectHiddenFromManagerA(email)
    await expectSeenBy(managerB, email)
    await expectSeenBy(superadmin, email)
  })
})
