/**
 * Admin guide §3.3 (email change) with §4 (activation), §5 (deactivation) and the « no
 * escalation » rule: an email-change link works only while the one who asked it may still change
 * the account. It is checked again when the link is used, and a change of the account's status,
 * role or sites, or of the requester's, voids it. Abuse case: an account manager changes the
 * address of a pending account-manager request to a mailbox he holds, a super-administrator
 * activates the request, and the manager would then take over a fellow manager's account.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { createAccount, createSuperadminAccount } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { emailsTo, lastEmailTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { issueAccountToken } from '../../kernel/accounts/account-tokens.ts'
import { signedInBrowser, suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

describe(`email-change links follow the requester's rights (admin guide §3.3, §4, §5, ${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  let superadmin: string
  let counter = 0
  beforeAll(async () => { superadmin = await createSuperadminAccount(s.t.db) })

  const browserOf = (accountId: string) => signedInBrowser(s.t, accountId)
  const manager = () => createAccount(s.t.db, { email: `gestion${++counter}@chu-a.fr`, siteIds: [s.a.adminSiteId], lastName: 'Rogue', firstName: 'Manager' })
  /** An account of hospital A, its address `user<counter>@chu-a.fr`. */
  const newUser = () => createAccount(s.t.db, { email: `user${++counter}@chu-a.fr`, siteIds: [s.a.siteIds[0] as string] })
  /** The account still has the address newUser gave it: the link changed nothing. */
  const expectAddressKept = async (id: string) => { expect(await emailOf(id)).toBe(`user${counter}@chu-a.fr`) }
  /** The link was refused (403), the address kept, and the refusal audited with its reason. */
  async function expectRefusedAndAudited (response: { statusCode: number }, user: string, reason: string) {
    expect(response.statusCode).toBe(403)
    await expectAddressKept(user)
    const audit = await s.t.db.selectFrom('audit_event').select('details').where('type', '=', 'account.emailChangeRefused').where('target_id', '=', user).executeTakeFirstOrThrow()
    expect(JSON.parse(audit.details ?? '{}')).toMatchObject({ reason })
  }
  const emailOf = async (id: string) => (await s.t.db.selectFrom('account').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email

  /** The manager asks the change through the edit form; returns the link the new mailbox received. */
  async function askEmailChange (requester: TestBrowser, accountId: string, newEmail: string): Promise<string> {
    const response = await requester.post(`/gestion/comptes/${accountId}`, { civilite: 'mme', nom: 'Dupont', prenom: 'Claire', profession: 'medecin', email: newEmail, valider: '1' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain(`Un lien de confirmation a été envoyé à ${newEmail}`)
    return pathOfLinkIn(await lastEmailTo(s.t.db, newEmail))
  }
  /** « Valider » on the edit form with one site added or removed (§3.4.1–3.4.2), the fields as stored. */
  async function changeSite (requester: TestBrowser, accountId: string, change: { ajouter: string } | { retirer: string }) {
    const row = await s.t.db.selectFrom('account').select(['civility', 'last_name', 'first_name', 'profession_code', 'email']).where('id', '=', accountId).executeTakeFirstOrThrow()
    const response = await requester.post(`/gestion/comptes/${accountId}`, {
      civilite: row.civility, nom: row.last_name, prenom: row.first_name, profession: row.profession_code, email: row.email, ...change, valider: '1',
    })
    expect(response.statusCode).toBe(303)
  }
  const jetonOf = (link: string) => new URL(link, 'http://x').searchParams.get('jeton') as string
  const confirm = (link: string) => new TestBrowser(s.t.app).post('/gestion/changement-email', { jeton: jetonOf(link) })

  it('refuses the link of a pending account-manager request once a super-administrator activated it, and the activation page said so', async () => {
    const rogue = await manager()
    const fellow = await createAccount(s.t.db, { email: `collegue${++counter}@chu-a.fr`, siteIds: [s.a.adminSiteId], state: 'pendingActivation', lastName: 'Collègue', firstName: 'Honnête' })
    const link = await askEmailChange(await browserOf(rogue), fellow, 'pirate@ext.example')

    const superBrowser = await browserOf(superadmin)
    const page = await superBrowser.get(`/gestion/comptes/${fellow}/activer`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Un changement d’adresse vers pirate@ext.example, demandé par Rogue Manager, attend la confirmation de son titulaire.')
    expect(page.body).toContain('L’activation annule ce changement')
    const bulk = await superBrowser.post('/gestion/comptes/activation-groupee', { comptes: fellow })
    expect(bulk.body).toContain('Un changement d’adresse vers pirate@ext.example')

    const activated = await superBrowser.post(`/gestion/comptes/${fellow}/activer`, {})
    expect(activated.statusCode).toBe(303)
    expect(activated.headers.location).toBe(`/gestion?fait=active-changement-annule&compte=${fellow}`)
    expect((await superBrowser.get(activated.headers.location as string)).body).toContain('Le changement d’adresse qui attendait confirmation est annulé.')

    expect((await new TestBrowser(s.t.app).get(link)).statusCode).toBe(400)
    const refused = await confirm(link)
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Ce lien n’est plus valide')
    expect(await emailOf(fellow)).toBe(`collegue${counter}@chu-a.fr`)
    // The rest of the takeover: a reset asked for the attacker's address reaches no account.
    expect((await new TestBrowser(s.t.app).post('/mot-de-passe-oublie', { email: 'pirate@ext.example' })).statusCode).toBe(303)
    expect((await emailsTo(s.t.db, 'pirate@ext.example')).map((e) => e.template)).toEqual(['emailChangeConfirmation'])
    const audit = await s.t.db.selectFrom('audit_event').select('details').where('type', '=', 'admin.accountActivated').where('target_id', '=', fellow).executeTakeFirstOrThrow()
    expect(JSON.parse(audit.details ?? '{}')).toMatchObject({ voidedEmailChange: 'pirate@ext.example' })
  })

  it('checks again, when the link is used, that the requester may still change the account (activated by a path that voided nothing)', async () => {
    const rogue = await manager()
    const fellow = await createAccount(s.t.db, { email: `collegue${++counter}@chu-a.fr`, siteIds: [s.a.adminSiteId], state: 'pendingActivation' })
    const link = await askEmailChange(await browserOf(rogue), fellow, `pirate${counter}@ext.example`)
    // The account became an activated account manager without the console (no voiding): only the check at use time stands.
    await s.t.db.updateTable('account').set({ activated_at: s.t.clock.now(), activated_by: superadmin }).where('id', '=', fellow).execute()

    const shown = await new TestBrowser(s.t.app).get(link)
    expect(shown.statusCode).toBe(403)
    expect(shown.body).toContain('la personne qui a demandé ce changement ne peut plus modifier ce compte')
    const refused = await confirm(link)
    expect(refused.statusCode).toBe(403)
    expect(refused.body).toContain('la personne qui a demandé ce changement ne peut plus modifier ce compte')
    expect(await emailOf(fellow)).toBe(`collegue${counter}@chu-a.fr`)
    const audit = await s.t.db.selectFrom('audit_event').select(['outcome', 'details']).where('type', '=', 'account.emailChangeRefused').where('target_id', '=', fellow).executeTakeFirstOrThrow()
    expect(audit.outcome).toBe('refused')
    expect(JSON.parse(audit.details ?? '{}')).toMatchObject({ reason: 'protectedAccount', requestedBy: rogue })
    // Used up: a later try is an invalid link, even if the rights came back.
    expect((await confirm(link)).statusCode).toBe(400)
  })

  it('voids the links a manager asked when a super-administrator deactivates that manager', async () => {
    const rogue = await manager()
    const user = await newUser()
    const link = await askEmailChange(await browserOf(rogue), user, `pirate${counter}@ext.example`)
    expect((await (await browserOf(superadmin)).post(`/gestion/comptes/${rogue}/desactiver`, {})).statusCode).toBe(303)

    expect((await confirm(link)).statusCode).toBe(400)
    await expectAddressKept(user)
  })

  it('refuses the link of a requester deactivated without the console (checked at use time)', async () => {
    const rogue = await manager()
    const user = await newUser()
    const link = await askEmailChange(await browserOf(rogue), user, `pirate${counter}@ext.example`)
    await s.t.db.updateTable('account').set({ deactivated_at: s.t.clock.now(), deactivated_by: superadmin }).where('id', '=', rogue).execute()

    await expectRefusedAndAudited(await confirm(link), user, 'requesterNotManager')
  })

  it("voids the links a manager asked when they lose their account-manager site (role change)", async () => {
    const rogue = await manager()
    await s.t.db.insertInto('account_site').values({ account_id: rogue, site_id: s.a.siteIds[1] as string, added_at: s.t.clock.now(), added_by: null }).execute()
    const user = await newUser()
    const link = await askEmailChange(await browserOf(rogue), user, `pirate${counter}@ext.example`)
    await changeSite(await browserOf(superadmin), rogue, { retirer: s.a.adminSiteId })

    expect((await confirm(link)).statusCode).toBe(400)
    await expectAddressKept(user)
  })

  /** Asks a change of the user's address, makes `change`, and checks it voided the link. */
  async function expectLinkVoidedBy (requester: TestBrowser, user: string, newEmail: string, change: () => Promise<unknown>) {
    const link = await askEmailChange(requester, user, newEmail)
    await change()
    expect((await confirm(link)).statusCode).toBe(400)
  }

  it("voids a pending link when the account's sites change", async () => {
    const browser = await browserOf(await manager())
    const user = await newUser()
    await expectLinkVoidedBy(browser, user, `nouvelle${counter}@chu-a.fr`, () => changeSite(browser, user, { ajouter: s.a.siteIds[1] as string }))
    await expectLinkVoidedBy(browser, user, `autre${counter}@chu-a.fr`, () => changeSite(browser, user, { retirer: s.a.siteIds[1] as string }))
    await expectAddressKept(user)
  })

  it("voids a pending link when the account's status changes", async () => {
    const browser = await browserOf(await manager())
    const user = await newUser()
    const statusChange = (action: string) => async () => { expect((await browser.post(`/gestion/comptes/${user}/${action}`, {})).statusCode).toBe(303) }
    await expectLinkVoidedBy(browser, user, `nouvelle${counter}@chu-a.fr`, statusChange('desactiver'))
    await expectLinkVoidedBy(browser, user, `autre${counter}@chu-a.fr`, statusChange('activer'))
    await expectAddressKept(user)
  })

  it('refuses an activation when the address changed after the activation page showed it', async () => {
    const rogue = await manager()
    const fellow = await createAccount(s.t.db, { email: `collegue${++counter}@chu-a.fr`, siteIds: [s.a.adminSiteId], state: 'pendingActivation' })
    const shown = `collegue${counter}@chu-a.fr`
    const superBrowser = await browserOf(superadmin)
    const page = await superBrowser.get(`/gestion/comptes/${fellow}/activer`)
    expect(page.body).toContain(`<input type="hidden" name="adresse" value="${shown}">`)
    // Between the page and the click, the change is asked and confirmed (allowed: the request is still pending).
    const link = await askEmailChange(await browserOf(rogue), fellow, `pirate${counter}@ext.example`)
    expect((await confirm(link)).statusCode).toBe(200)

    const refused = await superBrowser.post(`/gestion/comptes/${fellow}/activer`, { adresse: shown })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('L’adresse email du compte a changé depuis l’affichage de la page d’activation')
    const row = await s.t.db.selectFrom('account').select(['activated_at', 'email']).where('id', '=', fellow).executeTakeFirstOrThrow()
    expect(row).toEqual({ activated_at: null, email: `pirate${counter}@ext.example` })
  })

  it('never leaves an activated account with an address the super-administrator did not see, when the link and the activation race', async () => {
    for (let round = 0; round < 6; round++) {
      const rogue = await manager()
      const fellow = await createAccount(s.t.db, { email: `collegue${++counter}@chu-a.fr`, siteIds: [s.a.adminSiteId], state: 'pendingActivation' })
      const shown = `collegue${counter}@chu-a.fr`
      const superBrowser = await browserOf(superadmin)
      const link = await askEmailChange(await browserOf(rogue), fellow, `pirate${counter}@ext.example`)
      const [confirmed, activated] = await Promise.all([confirm(link), superBrowser.post(`/gestion/comptes/${fellow}/activer`, { adresse: shown })])
      expect(confirmed.statusCode).toBeLessThan(500)
      expect(activated.statusCode).toBeLessThan(500)
      const row = await s.t.db.selectFrom('account').select(['activated_at', 'email']).where('id', '=', fellow).executeTakeFirstOrThrow()
      // Exactly one wins: the activation of the address shown, or the change on a still-pending request.
      if (row.activated_at !== null) expect([row.email, confirmed.statusCode, activated.statusCode]).toEqual([shown, 400, 303])
      else expect([row.email, confirmed.statusCode, activated.statusCode]).toEqual([`pirate${counter}@ext.example`, 200, 409])
    }
  })

  it('refuses a link whose requester is not known (written before the requester was recorded)', async () => {
    const user = await newUser()
    const token = await s.t.db.transaction().execute((tx) => issueAccountToken(tx, user, 'emailChange', 3_600_000, s.t.clock.now(), `pirate${counter}@ext.example`))
    await expectRefusedAndAudited(await new TestBrowser(s.t.app).post('/gestion/changement-email', { jeton: token }), user, 'requesterUnknown')
  })

  it('still confirms the link of a requester who may change the account', async () => {
    const requester = await manager()
    const user = await newUser()
    const link = await askEmailChange(await browserOf(requester), user, `nouvelle${counter}@chu-a.fr`)
    expect((await new TestBrowser(s.t.app).get(link)).statusCode).toBe(200)
    expect((await confirm(link)).statusCode).toBe(200)
    expect(await emailOf(user)).toBe(`nouvelle${counter}@chu-a.fr`)
  })
})
