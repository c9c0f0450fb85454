/**
 * Steps shared by the console walkthroughs (admin guide « L'interface de gestion »): what an
 * account manager does with the keyboard on the user list (« Actions » menus are <details>:
 * Tab to the summary, Enter opens it, Tab to the entry, Enter) and on the edit form.
 */
import { writeFile } from 'node:fs/promises'
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { focusByTab } from '../helpers/browser-harness.ts'
import { h1Of, navigating } from './self-service-steps.ts'

export const adminSubjects = {
  activated: 'BaMaRa - Votre compte vient d\'être activé',
  confirmation: 'BaMaRa - Veuillez confirmer votre adresse email',
  unlock: 'BaMaRa - Déverrouillez votre compte',
} as const

export const adminWords = {
  lastSite: 'Attention, un profil doit toujours avoir au moins un site de renseigné. Il ne vous sera pas possible de retirer tous les sites d’un utilisateur.',
  checklistIntro: 'Vérifiez particulièrement les points suivants avant d’activer un compte :',
  personalEmail: (domain: string) => `L’adresse utilise un domaine de messagerie personnelle (${domain}) : ce n’est pas un email institutionnel.`,
  accountManagerSite: 'L’utilisateur est inscrit sur le « Site administrateur comptes » (site réservé aux gestionnaires de comptes).',
}

/** The line of the list whose « Nom » cell (the row header) is `lastName`. */
export const rowOf = (page: Page, lastName: string) =>
  page.locator('tbody tr').filter({ has: page.locator('th[scope=row]', { hasText: new RegExp(`^${lastName}\\b`) }) })

/** From the top of the page, Tab to this user's « Actions » and open it with `key` (Enter or Space). */
export async function openActionsMenuByKeyboard (page: Page, name: string, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await page.locator('.skip-link').focus()
  // The summary reads « Actions — Nom Prénom » (the name is visually hidden, for screen readers).
  await focusByTab(page, new RegExp(`^Actions\\s+— ${name}$`), 150)
  await page.keyboard.press(key)
  const open = await page.evaluate(() => (document.activeElement?.parentElement as HTMLDetailsElement | null)?.open)
  expect(open, `« Actions » of ${name} opened with ${key}`).toBe(true)
}

/** « Actions » → `entry` for this user, keyboard only; waits for the page it leads to. */
export async function chooseAction (page: Page, name: string, entry: string): Promise<void> {
  await openActionsMenuByKeyboard(page, name)
  await focusByTab(page, entry, 10)
  await navigating(page, () => page.keyboard.press('Enter'))
}

/**
 * On the edit form without JavaScript: types a search in « Ajouter un site », « Rechercher », then
 * « Ajouter » on the result `label`. Each button brings the page back with everything typed kept.
 */
export async function addSiteBySearch (page: Page, search: string, label: string): Promise<void> {
  const field = page.getByLabel('Ajouter un site')
  await field.fill(search)
  await page.getByRole('button', { name: 'Rechercher' }).focus()
  await navigating(page, () => page.keyboard.press('Enter'))
  const results = await page.locator('.site-results').innerText()
  expect(results).toContain(label)
  expect(results).not.toContain('CHU de Test B')
  await page.getByRole('button', { name: `Ajouter le site ${label}` }).focus()
  await navigating(page, () => page.keyboard.press('Enter'))
  expect(await page.getByRole('status').first().innerText()).toContain(`Le site ${label} est ajouté à la liste.`)
}

/**
 * On the edit form with JavaScript, keyboard only: types `search` in the « Ajouter un site »
 * combobox, arrows down to the suggestion `label`, Enter. No page load: the label appears with its
 * cross, the live region says so.
 */
export async function chooseSiteInCombobox (page: Page, search: string, label: string): Promise<void> {
  const combobox = page.getByRole('combobox', { name: /^Ajouter un site/ })
  await combobox.focus()
  await combobox.pressSequentially(search, { delay: 20 })
  const option = page.getByRole('listbox', { name: 'Sites proposés' }).getByRole('option', { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
  await option.waitFor()
  expect(await combobox.getAttribute('aria-expanded')).toBe('true')
  expect(await page.getByRole('listbox').innerText()).not.toContain('CHU de Test B')
  for (let presses = 0; presses < 10 && await option.getAttribute('aria-selected') !== 'true'; presses++) await page.keyboard.press('ArrowDown')
  expect(await combobox.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'))
  await page.keyboard.press('Enter')
  expect(await combobox.getAttribute('aria-expanded')).toBe('false')
  expect(await combobox.inputValue()).toBe('')
  expect(await siteLabelsOn(page)).toContain(`${label} (CHU de Test A)`)
  await expect.poll(() => page.locator('#sites-annonce').innerText()).toContain(`Le site ${label} est ajouté à la liste.`)
}

/** The labels (« ABBR — Titre (Hôpital) ») of the « Sites » field, without their cross and mark. */
export async function siteLabelsOn (page: Page): Promise<string[]> {
  return (await page.locator('.site-labels .tag').allInnerTexts()).map((t) => t.replace(/\s*×\s*$/, '').replace(/\s*(à ajouter|to add)$/, '').trim())
}

export { h1Of }

/** With SCREENSHOTS=1, saves the whole page to /tmp/admin-<name>.png (to look at the styles). */
export async function screenshotIfAsked (page: Page, name: string, width = 1280): Promise<void> {
  if (!process.env.SCREENSHOTS) return
  await page.setViewportSize({ width, height: 900 })
  await writeFile(`/tmp/admin-${name}.png`, await page.screenshot({ fullPage: true }))
}
