/**
 * Everything works without JavaScript (RGAA, progressive enhancement): the account manager's walkthroughs of the
 * admin guide (§4 activation with its checklist, §3 names fixed, a site searched and added with the
 * names kept, a site removed, all saved by one « Valider », the last site kept,
 * §5 deactivation that ends the user's session, reactivation) in a browser with JavaScript
 * disabled, keyboard only: the « Actions » menus are native <details>, every action a plain form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, expectNoPageProblems, focusByTab, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import { expectEmailAfter, h1Of, logIn, mainText, navigating, pathOf } from './self-service-steps.ts'
import { addSiteBySearch, adminSubjects, adminWords, chooseAction, rowOf, siteLabelsOn } from './administration-steps.ts'

// Walkthroughs in a real browser: more time than the default per test on a busy machine.
describe('account administration without JavaScript, keyboard only', { timeout: 120_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  let managerA: string

  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    ;({ a } = await createTwoHospitals(h.db))
    managerA = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Gestion', firstName: 'Gaëlle' })
  })
  afterAll(async () => { await h?.close() })

  const managerPageWithoutJavaScript = async () => {
    const opened = await h.openPage({ javaScript: false })
    await h.signIn(opened.context, managerA)
    await opened.page.goto(h.url('/gestion'))
    return opened
  }

  it('activates a pending user from the « Actions » menu and the checklist page; the user logs in, also without JavaScript', async () => {
    const email = 'lucie.moreau@hotmail.fr'
    await createAccount(h.db, { email, siteIds: [a.siteIds[0] as string], lastName: 'Moreau', firstName: 'Lucie', state: 'pendingActivation' })
    await createAccount(h.db, { email: 'second.pending@chu-a.fr', siteIds: [a.siteIds[0] as string], lastName: 'Second', firstName: 'Sam', state: 'pendingActivation' })
    const { page, problems } = await managerPageWithoutJavaScript()
    // administration.js would add « Sélectionner tous … » above two pending lines: it did not run.
    expect(await mainText(page)).not.toContain('Sélectionner tous')
    await axeCheck(page)
    await chooseAction(page, 'Moreau Lucie', 'Activer le compte')
    expect(await h1Of(page)).toBe('Activer le compte de Moreau Lucie')
    expect(await mainText(page)).toContain(adminWords.checklistIntro)
    expect(await page.locator('.alert-warning').innerText()).toContain(adminWords.personalEmail('hotmail.fr'))
    await axeCheck(page)

    const activated = await expectEmailAfter(h, email, adminSubjects.activated, async () => {
      await focusByTab(page, 'Activer le compte')
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    expect(await page.getByRole('status').innerText()).toContain('Le compte de Moreau Lucie est activé.')

    const user = await h.openPage({ javaScript: false })
    await user.page.goto(linkIn(activated))
    await logIn(h, user.page, email, testPassword, 'Lucie Moreau')
    expectNoPageProblems(problems)
    expectNoPageProblems(user.problems)
  })

  it('fixes the names, searches and adds a site with the names still there, removes one with its cross, then one « Valider » saves it all; the last site stays', async () => {
    const userId = await createAccount(h.db, { email: 'hugo.faure@chu-a.fr', siteIds: [a.siteIds[1] as string], lastName: 'Hugo', firstName: 'Faur', state: 'pendingActivation' })
    const { page, problems } = await managerPageWithoutJavaScript()
    // The name is a link to the form.
    await focusByTab(page, 'Hugo', 80)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(pathOf(page)).toBe(`/gestion/comptes/${userId}`)
    expect(await page.locator('.account-state').innerText()).toContain('En attente d’activation')

    // « Inverser nom et prénom » comes back with the names swapped, not saved; then a typo fixed.
    await focusByTab(page, 'Inverser nom et prénom', 40)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await page.getByRole('status').first().innerText()).toContain('Cliquez sur « Valider » pour enregistrer.')
    await page.getByLabel('Prénom', { exact: true }).fill('Hugo')
    await page.getByLabel('Nom', { exact: true }).fill('Faure')

    // « Rechercher » then « Ajouter »: the names typed are still there, nothing is saved yet.
    await addSiteBySearch(page, 'Duflo', 'MALO — Malformations ORL rares')
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe('Faure')
    expect(await page.getByLabel('Prénom', { exact: true }).inputValue()).toBe('Hugo')
    await axeCheck(page)
    expect((await siteLabelsOn(page)).sort()).toEqual(['MALO — Malformations ORL rares (CHU de Test A)', 'MARHEA — Maladies rénales rares (CHU de Test A)'])
    await focusByTab(page, 'Retirer le site MARHEA — Maladies rénales rares', 40)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await siteLabelsOn(page)).toEqual(['MALO — Malformations ORL rares (CHU de Test A)'])
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe('Faure')
    expect(await h.db.selectFrom('account').select(['last_name', 'first_name']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ last_name: 'Hugo', first_name: 'Faur' })

    // The last label's cross: the guide's sentence; the label stays.
    await focusByTab(page, 'Retirer le site MALO — Malformations ORL rares', 40)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await page.getByRole('alert').innerText()).toContain(adminWords.lastSite)
    expect(await siteLabelsOn(page)).toEqual(['MALO — Malformations ORL rares (CHU de Test A)'])
    await axeCheck(page)

    // One « Valider »: names, the site added and the site removed.
    await focusByTab(page, 'Valider', 40)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await page.getByRole('status').first().innerText()).toContain('Les modifications sont enregistrées.')
    expect(await h1Of(page)).toBe('Modifier le profil de Faure Hugo')
    expect(await h.db.selectFrom('account').select(['last_name', 'first_name']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ last_name: 'Faure', first_name: 'Hugo' })
    const sites = await h.db.selectFrom('account_site').select('site_id').where('account_id', '=', userId).execute()
    expect(sites.map((s) => s.site_id)).toEqual([a.siteIds[0]])

    // The request is fixed: « Activer le compte » is right there.
    await focusByTab(page, 'Activer le compte', 40)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await h1Of(page)).toBe('Activer le compte de Faure Hugo')
    expectNoPageProblems(problems)
  })

  it('deactivates a user whose session is open elsewhere (it ends), then reactivates them', async () => {
    const userId = await createAccount(h.db, { email: 'ines.garcia@chu-a.fr', siteIds: [a.siteIds[2] as string], lastName: 'Garcia', firstName: 'Inès' })
    const user = await h.openPage({ javaScript: false })
    await h.signIn(user.context, userId)
    await user.page.goto(h.url('/mon-compte'))
    expect(pathOf(user.page)).toBe('/mon-compte')

    const { page, problems } = await managerPageWithoutJavaScript()
    await chooseAction(page, 'Garcia Inès', 'Désactiver le compte')
    await axeCheck(page)
    await focusByTab(page, 'Désactiver le compte')
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await rowOf(page, 'Garcia').innerText()).toContain('Désactivé')

    await user.page.goto(h.url('/mon-compte'))
    expect(pathOf(user.page)).toBe('/connexion')

    await chooseAction(page, 'Garcia Inès', 'Activer le compte')
    await focusByTab(page, 'Activer le compte')
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await rowOf(page, 'Garcia').innerText()).toContain('Actif')
    expect((await h.db.selectFrom('account').select('deactivated_at').where('id', '=', userId).executeTakeFirstOrThrow()).deactivated_at).toBeNull()
    expectNoPageProblems(problems)
  })
})
