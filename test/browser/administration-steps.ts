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
  managerRequestChecklist: 'Le rôle : cette personne est-elle bien le gestionnaire des comptes BaMaRa de son établissement ?',
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

/** On the edit form: types a search in « Rechercher un site », then « Ajouter » on the result `label`. */
export async function addSiteBySearch (page: Page, search: string, label: string): Promise<void> {
  const field = page.getByLabel('Rechercher un site')
  await field.fill(search)
  await navigating(page, () => field.press('Enter'))
  const results = await page.locator('.site-results').innerText()
  expect(results).toContain(label)
  expect(results).not.toContain('CHU de Test B')
  await page.getByRole('button', { name: `Ajouter le site ${label}` }).focus()
  await navigating(page, () => page.keyboard.press('Enter'))
  expect(await page.getByRole('status').first().innerText()).toContain(`Le site ${label} a été ajouté.`)
}

/** The labels (« ABBR — Titre (Hôpital) ») shown on the edit form. */
export async function siteLabelsOn (page: Page): Promise<string[]> {
  return (await page.locator('.site-labels .tag').allInnerTexts()).map((t) => t.replace(/\s*×\s*$/, '').trim())
}

export { h1Of }

/** With SCREENSHOTS=1, saves the whole page to /tmp/admin-<name>.png (to look at the styles). */
export async function screenshotIfAsked (page: Page, name: string, width = 1280): Promise<void> {
  if (!process.env.SCREENSHOTS) return
  await page.setViewportSize({ width, height: 900 })
  await writeFile(`/tmp/admin-${name}.png`, await page.screenshot({ fullPage: true }))
}
