/**
 * In a real browser: a super-administrator activates an account manager registered on the
 * special « Site administrateur comptes (…) » site (the queue /gestion/demandes-gestionnaires),
 * which an account manager may not do; bulk activation of selected users (confirmation page with
 * each account's warnings, then the result), keyboard only, with axe (WCAG 2.1 A/AA) on each page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, expectNoPageProblems, focusByTab, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { expectEmailAfter, h1Of, mainText, navigating, pathOf } from './self-service-steps.ts'
import { adminSubjects, adminWords, rowOf, screenshotIfAsked } from './administration-steps.ts'

describe('account administration in a real browser: super-administrator, bulk activation', () => {
  let h: BrowserHarness
  let a: TestHospital
  let managerA: string
  let superadmin: string

  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    ;({ a } = await createTwoHospitals(h.db))
    managerA = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Gestion', firstName: 'Gaëlle' })
    superadmin = await createAccount(h.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true, lastName: 'Super', firstName: 'Sophie' })
  })
  afterAll(async () => { await h?.close() })

  const pageOf = async (accountId: string, path: string) => {
    const opened = await h.openPage()
    await h.signIn(opened.context, accountId)
    await opened.page.goto(h.url(path))
    return opened
  }

  it('a super-administrator activates an account manager registered on « Site administrateur comptes »; a manager cannot', async () => {
    const email = 'nouveau.gestionnaire@chu-a.fr'
    const requester = await createAccount(h.db, { email, siteIds: [a.adminSiteId], lastName: 'Nouveau', firstName: 'Gestionnaire', state: 'pendingActivation' })

    const { page, problems } = await pageOf(superadmin, '/gestion')
    await focusByTab(page, 'Demandes de gestionnaires de comptes', 60)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(pathOf(page)).toBe('/gestion/demandes-gestionnaires')
    expect(await h1Of(page)).toBe('Demandes de gestionnaires de comptes')
    const line = page.locator('tbody tr', { hasText: email })
    expect(await line.innerText()).toContain('En attente d’activation')
    expect(await line.innerText()).toContain('CHU de Test A')
    await axeCheck(page)

    await focusByTab(page, /^Activer le compte\s+— Nouveau Gestionnaire$/, 60)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(pathOf(page)).toBe(`/gestion/comptes/${requester}/activer`)
    expect(await mainText(page)).toContain(adminWords.managerRequestChecklist)
    expect(await mainText(page)).not.toContain('les utilisateurs ne doivent jamais s’inscrire')
    await axeCheck(page)

    // Hospital A's account manager may not activate it: 403, the reason in French, nothing changed.
    const manager = await h.openPage()
    await h.signIn(manager.context, managerA)
    const refused = await manager.page.goto(h.url(`/gestion/comptes/${requester}/activer`))
    expect(refused?.status()).toBe(403)
    expect(await mainText(manager.page)).toContain('seul un super-administrateur peut l’activer')
    await manager.page.goto(h.url('/gestion?q=nouveau'))
    const offered = await rowOf(manager.page, 'Nouveau').locator('td').last().textContent() // a closed menu too
    expect(offered).not.toContain('Activer le compte')

    await expectEmailAfter(h, email, adminSubjects.activated, async () => {
      await focusByTab(page, 'Activer le compte')
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    expect(await page.getByRole('status').innerText()).toContain('Le compte de Nouveau Gestionnaire est activé.')

    // The new account manager now has the console of hospital A.
    const newManager = await pageOf(requester, '/gestion')
    expect(await h1Of(newManager.page)).toBe('Gestion des comptes')
    expect(await rowOf(newManager.page, 'Nouveau').innerText()).toContain('(vous)')
    await page.goto(h.url('/gestion/demandes-gestionnaires'))
    expect(await mainText(page)).not.toContain(email) // no longer waiting in the queue
    expectNoPageProblems(problems)
  })

  it('activates several selected users at once after a confirmation page (bulk activation), with axe on each page', async () => {
    const first = await createAccount(h.db, { email: 'anne.bulk@chu-a.fr', siteIds: [a.siteIds[0] as string], lastName: 'Bulka', firstName: 'Anne', state: 'pendingActivation' })
    const second = await createAccount(h.db, { email: 'ben.bulk@yahoo.fr', siteIds: [a.siteIds[1] as string], lastName: 'Bulkb', firstName: 'Ben', state: 'pendingActivation' })
    const { page, problems } = await pageOf(managerA, '/gestion?statut=en-attente')
    await axeCheck(page)
    // With JavaScript, administration.js offers a « select all » box (progressive enhancement);
    // here each box is ticked on its own with the keyboard: Tab to it, Space.
    expect(await mainText(page)).toContain('Sélectionner tous les comptes en attente d’activation de cette page')
    for (const name of ['Sélectionner Bulka Anne', 'Sélectionner Bulkb Ben']) {
      await focusByTab(page, name, 80)
      await page.keyboard.press('Space')
    }
    await focusByTab(page, 'Activer les comptes sélectionnés', 20)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await h1Of(page)).toBe('Activer les comptes sélectionnés')
    const confirmation = await mainText(page)
    expect(confirmation).toContain('Bulka Anne')
    expect(confirmation).toContain(adminWords.personalEmail('yahoo.fr'))
    await axeCheck(page)
    await screenshotIfAsked(page, 'bulk')
    expect(await h.db.selectFrom('account').select('id').where('id', 'in', [first, second]).where('activated_at', 'is not', null).execute()).toEqual([])

    await expectEmailAfter(h, 'ben.bulk@yahoo.fr', adminSubjects.activated, async () => {
      await focusByTab(page, 'Activer 2 comptes')
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    await h.smtp!.waitForEmail('anne.bulk@chu-a.fr', { subject: adminSubjects.activated })
    expect(await h1Of(page)).toBe('Résultat de l’activation')
    expect(await page.locator('tbody').innerText()).toMatch(/Bulka Anne\s+anne\.bulk@chu-a\.fr\s+Activé/)
    await axeCheck(page)
    expectNoPageProblems(problems)
  })
})
