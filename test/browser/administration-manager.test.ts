/**
 * In a real browser, following the admin guide « L'interface de gestion » as an account
 * manager of hospital A, keyboard only (JavaScript on): §4 « Activer un compte » (the checklist
 * page and its warnings, the email, the user's first login), §3 « Modifier un profil » (names,
 * « Inverser nom et prénom », sites chosen in the combobox by abbreviation and by lead, a cross,
 * one « Valider » for everything, the last site that cannot go), §5 « Désactiver un compte » (the open session dies) and reactivation, and the two
 * « Renvoyer le mail … » actions. Emails arrive through the harness's real SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoPageProblems, focusByTab, focusedElementName, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import { expectEmailAfter, h1Of, logIn, mainText, navigating, pathOf } from './self-service-steps.ts'
import { adminSubjects, adminWords, chooseAction, chooseSiteInCombobox, openActionsMenuByKeyboard, rowOf, screenshotIfAsked, siteLabelsOn } from './administration-steps.ts'

describe('account administration in a real browser: an account manager, keyboard only', () => {
  let h: BrowserHarness
  let a: TestHospital
  let b: TestHospital
  let managerA: string

  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    ;({ a, b } = await createTwoHospitals(h.db))
    managerA = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Gestion', firstName: 'Gaëlle' })
    await createAccount(h.db, { email: 'bruno@chu-b.fr', siteIds: [b.siteIds[0] as string], lastName: 'Autrehopital', firstName: 'Bruno', state: 'pendingActivation' })
  })
  afterAll(async () => { await h?.close() })

  const managerPage = async () => {
    const opened = await h.openPage()
    await h.signIn(opened.context, managerA)
    await opened.page.goto(h.url('/gestion'))
    return opened
  }
  const accountRow = (id: string) => h.db.selectFrom('account').select(['last_name', 'first_name', 'activated_at', 'deactivated_at'])
    .where('id', '=', id).executeTakeFirstOrThrow()

  it('activates a pending user through « Actions » → « Activer le compte »; the user gets the email and logs in (§4)', async () => {
    const email = 'lea.martin@gmail.com'
    const userId = await createAccount(h.db, { email, siteIds: [a.siteIds[0] as string], lastName: 'Martin', firstName: 'Léa', state: 'pendingActivation' })
    const { page, problems } = await managerPage()

    // The list: statuses in words (not only icons), the manager's own line, never hospital B's users.
    expect(await h1Of(page)).toBe('Gestion des comptes')
    expect(await rowOf(page, 'Martin').innerText()).toContain('En attente d’activation')
    expect(await rowOf(page, 'Gestion').innerText()).toContain('(vous)')
    expect(await mainText(page)).not.toContain('Autrehopital')
    expect(await page.locator('.status-counts').innerText()).toContain('1 en attente d’activation')

    // « Actions » → « Activer le compte »: the checklist page, with the gmail warning.
    await chooseAction(page, 'Martin Léa', 'Activer le compte')
    expect(pathOf(page)).toBe(`/gestion/comptes/${userId}/activer`)
    expect(await h1Of(page)).toBe('Activer le compte de Martin Léa')
    const checklist = await mainText(page)
    expect(checklist).toContain(adminWords.checklistIntro)
    expect(checklist).toContain(adminWords.personalEmail('gmail.com'))
    expect(await page.locator('.alert-warning').isVisible()).toBe(true)
    await screenshotIfAsked(page, 'activation')
    expect((await accountRow(userId)).activated_at).toBeNull() // the GET page changed nothing

    const activated = await expectEmailAfter(h, email, adminSubjects.activated, async () => {
      await focusByTab(page, 'Activer le compte')
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    expect(pathOf(page)).toBe('/gestion')
    expect(await page.getByRole('status').innerText()).toContain('Le compte de Martin Léa est activé.')
    expect(await rowOf(page, 'Martin').innerText()).toContain('Actif')
    expect(linkIn(activated)).toBe(h.url('/connexion'))
    expectNoPageProblems(problems)

    // The user follows the email's link and logs in: password, then the code emailed.
    const user = await h.openPage()
    await user.page.goto(linkIn(activated))
    await logIn(h, user.page, email, testPassword, 'Léa Martin')
    expectNoPageProblems(user.problems)
  })

  it('fixes the names, adds sites in the combobox with the keyboard, removes one with its cross, and saves it all with one « Valider » (§3.1, §3.4.1–3.4.2)', async () => {
    const userId = await createAccount(h.db, { email: 'jean.durand@chu-a.fr', siteIds: [a.siteIds[2] as string], lastName: 'Jean', firstName: 'Durant' })
    const { page, problems } = await managerPage()

    // Clicking the name opens the form (« Actions » → « Modifier » leads there too).
    await chooseAction(page, 'Jean Durant', 'Modifier')
    expect(pathOf(page)).toBe(`/gestion/comptes/${userId}`)
    expect(await h1Of(page)).toBe('Modifier le profil de Jean Durant')
    expect(await page.locator('.account-state').innerText()).toContain('Actif')

    // Names: « Inverser nom et prénom » swaps them in place, then a typo is fixed: nothing saved yet.
    await page.getByRole('button', { name: 'Inverser nom et prénom' }).focus()
    await page.keyboard.press('Enter')
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe('Durant')
    expect(await page.getByLabel('Prénom', { exact: true }).inputValue()).toBe('Jean')
    await page.getByLabel('Nom', { exact: true }).fill('Durand')
    expect(await accountRow(userId)).toMatchObject({ last_name: 'Jean', first_name: 'Durant' })

    // Sites: « Malo » finds MALO by its abbreviation; « leveque » finds MARHEA by its lead Lévêque;
    // hospital B has the same sites, never offered to hospital A's manager. Escape closes the list.
    await chooseSiteInCombobox(page, 'Malo', 'MALO — Malformations ORL rares')
    await chooseSiteInCombobox(page, 'leveque', 'MARHEA — Maladies rénales rares')
    const combobox = page.getByRole('combobox', { name: /^Ajouter un site/ })
    await combobox.pressSequentially('rares', { delay: 20 })
    await page.getByRole('listbox').waitFor()
    expect(await page.getByRole('listbox', { name: 'Sites proposés' }).getByRole('option', { name: /MALO/ }).getAttribute('aria-disabled')).toBe('true')
    await page.keyboard.press('Escape')
    expect(await combobox.getAttribute('aria-expanded')).toBe('false')
    await page.keyboard.press('Escape')
    expect(await combobox.inputValue()).toBe('')

    // The cross on the first label removes it in place; the live region says so.
    await page.getByRole('button', { name: 'Retirer le site Centre de compétence mucoviscidose' }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#sites-annonce').innerText()).toContain('Le site Centre de compétence mucoviscidose est retiré de la liste.')
    expect((await siteLabelsOn(page)).sort()).toEqual(['MALO — Malformations ORL rares (CHU de Test A)', 'MARHEA — Maladies rénales rares (CHU de Test A)'])
    await screenshotIfAsked(page, 'edit-before-valider')
    expect(await page.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(0)

    // One « Valider »: the names and both site changes, saved together.
    await page.getByRole('button', { name: 'Valider' }).focus()
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await page.getByRole('status').first().innerText()).toContain('Les modifications sont enregistrées.')
    expect(await accountRow(userId)).toMatchObject({ last_name: 'Durand', first_name: 'Jean' })
    const saved = await h.db.selectFrom('account_site').select('site_id').where('account_id', '=', userId).execute()
    expect(saved.map((s) => s.site_id).sort()).toEqual([a.siteIds[0], a.siteIds[1]].sort())

    // The last label cannot go: the guide's sentence, and it stays.
    await page.getByRole('button', { name: 'Retirer le site MARHEA — Maladies rénales rares' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Retirer le site MALO — Malformations ORL rares' }).focus()
    await page.keyboard.press('Enter')
    expect(await page.getByRole('alert').innerText()).toContain(adminWords.lastSite)
    await screenshotIfAsked(page, 'edit-last-site')
    expect(await siteLabelsOn(page)).toEqual(['MALO — Malformations ORL rares (CHU de Test A)'])
    expectNoPageProblems(problems)
  })

  it('deactivates a user: their open session dies at their next page; then reactivates them (§5)', async () => {
    const email = 'paul.leroy@chu-a.fr'
    const userId = await createAccount(h.db, { email, siteIds: [a.siteIds[1] as string], lastName: 'Leroy', firstName: 'Paul' })
    const user = await h.openPage()
    await h.signIn(user.context, userId)
    await user.page.goto(h.url('/mon-compte'))
    expect(pathOf(user.page)).toBe('/mon-compte')

    const { page, problems } = await managerPage()
    await chooseAction(page, 'Leroy Paul', 'Désactiver le compte')
    expect(await h1Of(page)).toBe('Désactiver le compte de Leroy Paul')
    await screenshotIfAsked(page, 'deactivation')
    await focusByTab(page, 'Désactiver le compte')
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await page.getByRole('status').innerText()).toContain('Le compte de Leroy Paul est désactivé.')
    expect(await rowOf(page, 'Leroy').innerText()).toContain('Désactivé')
    expect((await accountRow(userId)).deactivated_at).not.toBeNull()

    await user.page.goto(h.url('/mon-compte'))
    expect(pathOf(user.page)).toBe('/connexion')
    expect(await user.page.locator('header .account-menu').count()).toBe(0)

    // Reactivation: « Activer le compte » on the deactivated line, the same checklist page.
    await expectEmailAfter(h, email, adminSubjects.activated, async () => {
      await chooseAction(page, 'Leroy Paul', 'Activer le compte')
      expect(await h1Of(page)).toBe('Activer le compte de Leroy Paul')
      await focusByTab(page, 'Activer le compte')
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    expect(await rowOf(page, 'Leroy').innerText()).toContain('Actif')
    expect(await accountRow(userId)).toMatchObject({ deactivated_at: null })
    expectNoPageProblems(problems)
  })

  it('resends the confirmation email to an unconfirmed user and the unlock email to a locked one (§6)', async () => {
    const unconfirmed = 'nina.blanc@chu-a.fr'
    const locked = 'victor.roux@chu-a.fr'
    await createAccount(h.db, { email: unconfirmed, siteIds: [a.siteIds[0] as string], lastName: 'Blanc', firstName: 'Nina', state: 'unconfirmed' })
    await createAccount(h.db, { email: locked, siteIds: [a.siteIds[0] as string], lastName: 'Roux', firstName: 'Victor', locked: true })
    const { page, problems } = await managerPage()
    expect(await rowOf(page, 'Blanc').innerText()).toContain('Email non confirmé')
    expect(await rowOf(page, 'Roux').innerText()).toContain('Verrouillé')

    const confirmation = await expectEmailAfter(h, unconfirmed, adminSubjects.confirmation,
      () => chooseAction(page, 'Blanc Nina', 'Renvoyer le mail de confirmation'))
    expect(await page.getByRole('status').innerText()).toContain(`Un nouvel email de confirmation a été envoyé à ${unconfirmed}.`)
    expect(linkIn(confirmation)).toContain(h.baseUrl)

    const unlock = await expectEmailAfter(h, locked, adminSubjects.unlock,
      () => chooseAction(page, 'Roux Victor', 'Renvoyer le mail de déverrouillage'))
    expect(await page.getByRole('status').innerText()).toContain(`Un nouvel email de déverrouillage a été envoyé à ${locked}.`)
    expect(linkIn(unlock)).toContain(h.baseUrl)

    // Space opens a menu too; it offers only what the state allows (a locked active user: no
    // « Renvoyer le mail de confirmation »); Escape closes it (administration.js), focus stays on it.
    await openActionsMenuByKeyboard(page, 'Roux Victor', 'Space')
    const menu = rowOf(page, 'Roux').locator('.actions-menu')
    expect((await menu.locator('li').allInnerTexts()).map((e) => e.trim())).toEqual(['Modifier', 'Désactiver le compte', 'Renvoyer le mail de déverrouillage'])
    await screenshotIfAsked(page, 'list')
    await screenshotIfAsked(page, 'list-narrow', 375)
    await page.keyboard.press('Escape')
    expect(await menu.getAttribute('open')).toBeNull()
    expect(await focusedElementName(page)).toMatch(/^Actions\s+— Roux Victor$/)
    expectNoPageProblems(problems)
  })
})
