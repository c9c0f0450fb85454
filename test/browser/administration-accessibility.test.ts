/**
 * Accessibility (RGAA, WCAG 2.1 AA): no axe violation on the list, the edit form and the dialogs: axe
 * (WCAG 2.1 A/AA) in a real browser on the list (search and filters applied, an « Actions » menu
 * opened with the keyboard, a read-only line), the edit form at 1280 and 320 px (as it opens,
 * with the « Sites » combobox's suggestions open, with field errors), the activation checklist with its warnings, the deactivation
 * confirmation, the deletion confirmation (and its error), the super-administrator's list.
 * (The bulk activation pages are checked in administration-superadmin.test.ts, the pages
 * without JavaScript in administration-no-javascript.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, expectNoPageProblems, focusByTab, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { h1Of, mainText, navigating } from './self-service-steps.ts'
import { adminWords, openActionsMenuByKeyboard, rowOf, screenshotIfAsked } from './administration-steps.ts'

describe('account administration: no axe violation on the console pages', () => {
  let h: BrowserHarness
  let a: TestHospital
  let b: TestHospital
  let managerA: string
  let superadmin: string

  beforeAll(async () => {
    h = await startBrowserHarness()
    ;({ a, b } = await createTwoHospitals(h.db))
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

  it('has no axe violation on the list with filters, search and a menu open, the edit form, the activation, deactivation and deletion pages', async () => {
    const pending = await createAccount(h.db, { email: 'axel.leveque@gmail.com', siteIds: [a.siteIds[1] as string], lastName: 'Lévêque', firstName: 'Axel', state: 'pendingActivation' })
    const active = await createAccount(h.db, { email: 'alice.leveque@chu-a.fr', siteIds: [a.siteIds[1] as string, a.siteIds[0] as string], lastName: 'Lévêque', firstName: 'Alice', locked: true })
    await createAccount(h.db, { email: 'multi@chu-a.fr', siteIds: [a.siteIds[0] as string, b.siteIds[0] as string], lastName: 'Multiple', firstName: 'Marc' })
    const { page, problems } = await pageOf(managerA, '/gestion')
    await axeCheck(page)

    // Search (accents ignored) and filters, then a menu opened with the keyboard.
    await page.getByLabel('Rechercher (nom ou email)').fill('leveque')
    await page.getByLabel('Site', { exact: true }).selectOption({ label: 'MARHEA — Maladies rénales rares' })
    await page.getByLabel('Trier par').selectOption('nom')
    await focusByTab(page, 'Filtrer', 20)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(new URL(page.url()).searchParams.get('q')).toBe('leveque')
    expect(await page.locator('tbody tr').count()).toBe(2)
    await openActionsMenuByKeyboard(page, 'Lévêque Alice')
    await axeCheck(page)

    // A user of two hospitals: read-only for a manager, with the reason.
    await page.goto(h.url('/gestion?q=multiple'))
    const readOnly = rowOf(page, 'Multiple')
    expect(await readOnly.getByRole('button', { name: 'Actions' }).isDisabled()).toBe(true)
    expect(await readOnly.innerText()).toContain('Inscrit sur plusieurs hôpitaux')
    await axeCheck(page)

    await page.goto(h.url(`/gestion/comptes/${pending}/activer`))
    expect(await page.locator('.alert-warning').innerText()).toContain(adminWords.personalEmail('gmail.com'))
    await axeCheck(page)
    await page.goto(h.url(`/gestion/comptes/${active}/desactiver`))
    expect(await h1Of(page)).toBe('Désactiver le compte de Lévêque Alice')
    await axeCheck(page)

    // Deletion (super-administrators): the page, then a wrong typed address (400, error summary).
    const superPage = await pageOf(superadmin, `/gestion/comptes/${pending}/supprimer`)
    expect(await h1Of(superPage.page)).toBe('Supprimer définitivement le compte de Lévêque Axel')
    await axeCheck(superPage.page)
    await superPage.page.getByLabel(/Pour confirmer, saisissez l’adresse email du compte/).fill('autre@chu-a.fr')
    await focusByTab(superPage.page, 'Supprimer définitivement', 40)
    await navigating(superPage.page, () => superPage.page.keyboard.press('Enter'))
    expect(await superPage.page.getByRole('alert').innerText()).toContain('L’adresse saisie ne correspond pas')
    await axeCheck(superPage.page)
    expect(await h.db.selectFrom('account').select('id').where('id', '=', pending).executeTakeFirst()).toBeDefined()

    // The super-administrator's list, filtered by hospital.
    await superPage.page.goto(h.url(`/gestion?hopital=${b.id}`))
    expect(await mainText(superPage.page)).toContain('Multiple')
    expect(await mainText(superPage.page)).not.toContain('alice.leveque@chu-a.fr')
    await axeCheck(superPage.page)
    expectNoPageProblems(problems)
    expectNoPageProblems(superPage.problems)
  }, 300_000)

  it('has no axe violation on the edit form at 1280 and 320 px: as it opens, with the « Sites » suggestions open, with field errors', async () => {
    const active = await createAccount(h.db, { email: 'alain.leveque@chu-a.fr', siteIds: [a.siteIds[1] as string], lastName: 'Lévêque', firstName: 'Alain', locked: true })
    const { page, problems } = await pageOf(managerA, `/gestion/comptes/${active}`)
    // The edit form: as it opens, with the combobox's suggestions open and one highlighted, with
    // field errors; at 1280 and at 320 px wide.
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 900 })
      await page.goto(h.url(`/gestion/comptes/${active}`))
      const combobox = page.getByRole('combobox', { name: /^Ajouter un site/ })
      await combobox.focus()
      await combobox.pressSequentially('ma', { delay: 20 })
      await page.getByRole('listbox', { name: 'Sites proposés' }).getByRole('option').first().waitFor()
      expect(await page.getByRole('listbox').innerText()).toContain('déjà sur le profil')
      await page.keyboard.press('ArrowDown')
      expect(await combobox.getAttribute('aria-activedescendant')).toMatch(/^site-propose-/)
      await axeCheck(page)
      await page.keyboard.press('Escape')
      await page.keyboard.press('Escape')
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no sideways scroll at ${width} px`).toBe(true)
      await screenshotIfAsked(page, `edit-${width}`, width)
      await page.getByLabel('Nom', { exact: true }).fill('')
      await page.getByRole('button', { name: 'Valider' }).focus()
      await navigating(page, () => page.keyboard.press('Enter'))
      expect(await page.title()).toMatch(/^Erreur/)
      expect(await page.getByLabel('Nom', { exact: true }).getAttribute('aria-invalid')).toBe('true')
      await axeCheck(page)
    }
    expectNoPageProblems(problems)
  }, 300_000)
})
