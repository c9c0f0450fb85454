/**
 * User guide §2.1 (a registration on an address that already has an account answers as any other
 * and only tells that account's owner) and the journal's scope: the audit row of such an attempt
 * tells about the existing account, so only super-administrators and the managers of that
 * account's hospitals see it. Abuse case: a manager of hospital A registers any address while
 * choosing A, then reads A's journal to learn whether it has an account anywhere.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount } from '../../../test/helpers/fixtures.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { signedInBrowser, suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

const eventType = 'account.registrationAttemptOnExistingEmail'

describe(`journal: a registration on an existing address (${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  let managerA: TestBrowser
  let managerB: TestBrowser
  let superadmin: TestBrowser

  beforeAll(async () => {
    const browserOf = (accountId: string) => signedInBrowser(s.t, accountId)
    managerA = await browserOf(await createAccount(s.t.db, { email: 'gestion@chu-a.fr', siteIds: [s.a.adminSiteId] }))
    managerB = await browserOf(await createAccount(s.t.db, { email: 'gestion@chu-b.fr', siteIds: [s.b.adminSiteId] }))
    superadmin = await browserOf(await createAccount(s.t.db, { email: 'admin@bamara.fr', siteIds: [], isSuperadmin: true }))
  })

  const registerWithHospitalA = (email: string) => new TestBrowser(s.t.app).post('/inscription', {
    civilite: 'mme', nom: 'Sonde', prenom: 'Anne', email, motDePasse: 'Tulipe-Rouge-1987!', confirmationMotDePasse: 'Tulipe-Rouge-1987!',
    profession: 'medecin', hopital: s.a.id, sites: [s.a.siteIds[0] as string], cgu: 'oui',
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
    const owner = await createAccount(s.t.db, { email, siteIds: [s.b.siteIds[0] as string] })
    expect((await registerWithHospitalA(email)).statusCode).toBe(303)

    await expectHiddenFromManagerA(email)
    await expectSeenBy(managerB, email)
    await expectSeenBy(superadmin, email)
    const row = await s.t.db.selectFrom('audit_event').select(['hospital_id', 'details']).where('type', '=', eventType).where('target_id', '=', owner).executeTakeFirstOrThrow()
    expect(row.hospital_id).toBe(s.b.id)
    expect(JSON.parse(row.details ?? '{}')).toEqual({ chosenHospitalId: s.a.id })
  })

  it('keeps hiding rows written under the chosen hospital before this rule', async () => {
    const email = 'ancien-existant@chu-b.fr'
    const owner = await createAccount(s.t.db, { email, siteIds: [s.b.siteIds[1] as string] })
    await s.t.db.transaction().execute((tx) => recordEvent(tx, {
      type: eventType, outcome: 'refused', actorId: null, targetId: owner, hospitalId: s.a.id, ip: '192.0.2.7', userAgent: 'UA',
    }, s.t.clock.now()))

    await expectHiddenFromManagerA(email)
    await expectSeenBy(managerB, email)
    await expectSeenBy(superadmin, email)
  })
})
