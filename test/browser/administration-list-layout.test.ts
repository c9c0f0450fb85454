/**
 * The user list in a real browser (admin guide « L'interface de gestion » §1–7): at 1024, 1280
 * and 1920 px wide, with long names, emails and site titles, the list, every « Actions » button
 * and the open menu are fully in view without scrolling sideways; the lock stays in the first
 * column (§7). Then axe (WCAG 2.1 A/AA) at 1280 and 320 px on the pages the console changed: the
 * list with a menu open, the bulk confirmation and its result, an account-manager request's
 * activation checklist, and a refusal page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { axeCheck, expectNoPageProblems, focusByTab, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createSite, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { mainText, navigating } from './self-service-steps.ts'
import { openActionsMenuByKeyboard, rowOf, screenshotIfAsked } from './administration-steps.ts'

const longLastName = 'De La Rochefoucauld-Montmorency-Lévis'
const longFirstName = 'Marie-Alexandrine-Éléonore'
const longName = `${longLastName} ${longFirstName}`

interface Box { x: number; y: number; width: number; height: number }

/** Where an element is, and whether it is cut off on the right by a box that scrolls or clips. */
async function boxOf (page: Page, selector: string): Promise<Box> {
  const box = await page.locator(selector).first().boundingBox()
  if (!box) throw new Error(`${selector} is not displayed`)
  return box
}

async function expectNoSidewaysScroll (page: Page, width: number): Promise<void> {
  const sizes = await page.evaluate(() => ({
    document: { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth },
    list: [...document.querySelectorAll('.table-scroll')].map((e) => ({ scroll: e.scrollWidth, client: e.clientWidth })),
  }))
  expect(sizes.document.scroll, `document scrolls sideways at ${width} px`).toBeLessThanOrEqual(sizes.document.client)
  for (const list of sizes.list) expect(list.scroll, `the list scrolls sideways at ${width} px`).toBeLessThanOrEqual(list.client)
}

function expectInside (inner: Box, outer: { left: number; right: number }, what: string): void {
  expect(inner.x, `${what}: left edge`).toBeGreaterThanOrEqual(outer.left - 0.5)
  expect(inner.x + inner.width, `${what}: right edge`).toBeLessThanOrEqual(outer.right + 0.5)
}

describe('the user list in a real browser: nothing cut off at 1024, 1280 and 1920 px', () => {
  let h: BrowserHarness
  let a: TestHospital
  let b: TestHospital
  let managerA: string
  let superadmin: string

  beforeAll(async () => {
    h = await startBrowserHarness()
    ;({ a, b } = await createTwoHospitals(h.db))
    const longSite = await createSite(h.db, a.id, {
      title: 'Centre de référence des malformations ORL rares et des anomalies cranio-faciales associées', abbreviation: 'MALO-CRANIOFACIAL', kind: 'crmrConstituent',
    })
    managerA = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Gestion', firstName: 'Gaëlle' })
    superadmin = await createAccount(h.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true, lastName: 'Super', firstName: 'Sophie' })
    // The widest lines: a locked active account (three entries), long everything, several sites.
    await createAccount(h.db, {
      email: 'marie-alexandrine-eleonore.de-la-rochefoucauld-montmorency-levis@chu-a.fr',
      siteIds: [longSite, a.siteIds[0] as string, a.siteIds[1] as string], lastName: longLastName, firstName: longFirstName, locked: true,
    })
    await createAccount(h.db, { email: 'jean-baptiste.vandenberghe-lefebvre@chu-a.fr', siteIds: [longSite], lastName: 'Vandenberghe-Lefebvre', firstName: 'Jean-Baptiste', state: 'pendingActivation' })
    await createAccount(h.db, { email: 'anne-sophie.multi-etablissements@chu-a.fr', siteIds: [a.siteIds[0] as string, b.siteIds[0] as string], lastName: 'Multi-Établissements', firstName: 'Anne-Sophie' })
    await createAccount(h.db, { email: 'partie@chu-a.fr', siteIds: [a.siteIds[0] as string], lastName: 'Partie', firstName: 'Paule', state: 'deactivated' })
  })
  afterAll(async () => { await h?.close() })

  const pageOf = async (accountId: string, width: number) => {
    const opened = await h.openPage()
    await opened.page.setViewportSize({ width, height: 1080 })
    await h.signIn(opened.context, accountId)
    await opened.page.goto(h.url('/gestion'))
    return opened
  }

  for (const width of [1024, 1280, 1920]) {
    for (const who of ['manager', 'superadmin'] as const) {
      it(`shows every « Actions » button and the open menu whole, without sideways scrolling, at ${width} px (${who})`, async () => {
        const { page, problems } = await pageOf(who === 'manager' ? managerA : superadmin, width)
        await expectNoSidewaysScroll(page, width)
        const list = await boxOf(page, '.table-scroll')
        const visible = { left: Math.max(0, list.x), right: Math.min(width, list.x + list.width) }
        const buttons = page.locator('tbody tr td:last-child').locator('summary, button')
        expect(await buttons.count()).toBeGreaterThanOrEqual(4)
        for (const button of await buttons.all()) {
          const box = await button.boundingBox()
          if (!box) throw new Error('an « Actions » button is not displayed')
          expectInside(box, visible, `« Actions » at ${width} px`)
          // The whole word shows: the button is not narrower than its text.
          expect(await button.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true)
        }

        // The lock is in the first column (§7).
        expect(await rowOf(page, longLastName).locator('td').first().innerText()).toContain('Verrouillé')

        await openActionsMenuByKeyboard(page, longName)
        const menu = rowOf(page, longLastName).locator('.actions-menu ul')
        const menuBox = await menu.boundingBox()
        if (!menuBox) throw new Error('the open menu is not displayed')
        expectInside(menuBox, visible, `the open menu at ${width} px`)
        expect(menuBox.y + menuBox.height).toBeGreaterThan(0)
        for (const entry of await menu.locator('a, button').all()) {
          const box = await entry.boundingBox()
          if (!box) throw new Error('a menu entry is not displayed')
          expectInside(box, visible, `a menu entry at ${width} px`)
          expect(await entry.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true)
        }
        // The entry on top of the menu is the one the pointer reaches (not hidden under a line).
        const first = await menu.locator('a').first().boundingBox()
        if (!first) throw new Error('no first entry')
        const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x as number, y as number)?.closest('.actions-menu ul') !== null, [first.x + first.width / 2, first.y + first.height / 2])
        expect(hit).toBe(true)
        await expectNoSidewaysScroll(page, width)
        await screenshotIfAsked(page, `list-${who}-${width}`, width)
        expectNoPageProblems(problems)
      })
    }
  }

  for (const width of [1280, 320]) {
    it(`has no axe violation on the list (menu open), the bulk pages, a manager request’s checklist and a refusal page at ${width} px`, async () => {
      const request = await createAccount(h.db, { email: `future.gestionnaire.${width}@gmail.com`, siteIds: [a.adminSiteId], lastName: `Future${width}`, firstName: 'Gestionnaire', state: 'pendingActivation' })
      const active = await createAccount(h.db, { email: `deja.actif.${width}@chu-a.fr`, siteIds: [a.siteIds[0] as string], lastName: `Déjà${width}`, firstName: 'Actif' })
      const pending = `Attente${width}`
      await createAccount(h.db, { email: `attente.${width}@chu-a.fr`, siteIds: [a.siteIds[0] as string], lastName: pending, firstName: 'Anne', state: 'pendingActivation' })
      const { page, problems } = await pageOf(managerA, width)
      await axeCheck(page)
      await openActionsMenuByKeyboard(page, longName)
      await axeCheck(page)

      // Bulk activation of one pending line, keyboard only: confirmation, then result.
      await rowOf(page, pending).locator('input[type=checkbox]').focus()
      await page.keyboard.press('Space')
      await page.getByRole('button', { name: 'Activer les comptes sélectionnés' }).focus()
      await navigating(page, () => page.keyboard.press('Enter'))
      expect(await mainText(page)).toContain(`attente.${width}@chu-a.fr`)
      await axeCheck(page)
      await screenshotIfAsked(page, `bulk-confirmation-${width}`, width)
      await focusByTab(page, 'Activer 1 compte', 60)
      await navigating(page, () => page.keyboard.press('Enter'))
      expect(await mainText(page)).toContain('Activé')
      await axeCheck(page)

      // A refusal page (the account is active: « Activer » is refused), linking back to the list.
      await page.goto(h.url(`/gestion/comptes/${active}/activer`))
      expect(await page.getByRole('link', { name: 'Retour à la liste des utilisateurs' }).getAttribute('href')).toBe('/gestion')
      await axeCheck(page)
      expectNoPageProblems(problems)

      const superPage = await pageOf(superadmin, width)
      await superPage.page.goto(h.url(`/gestion/comptes/${request}/activer`))
      expect(await mainText(superPage.page)).toContain('Demande de compte de gestionnaire des comptes')
      await axeCheck(superPage.page)
      await screenshotIfAsked(superPage.page, `manager-request-${width}`, width)
      expectNoPageProblems(superPage.problems)
    }, 240_000)
  }
})
