/**
 * Steps shared by the self-service walkthroughs (user guide §2 « S'inscrire », §3 « Se
 * connecter », « Se déconnecter »): what a person does with the keyboard on each page, and the
 * emails they read, received by the harness's real SMTP server.
 */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { focusByTab, type BrowserHarness, type CapturedEmail } from '../helpers/browser-harness.ts'
import { codeIn } from '../helpers/mailbox.ts'

export const subjects = {
  confirmation: 'BaMaRa - Veuillez confirmer votre adresse email',
  code: 'BaMaRa - Mot de passe à usage unique',
  unlock: 'BaMaRa - Déverrouillez votre compte',
  reset: 'BaMaRa - Changez votre mot de passe',
} as const

export const words = {
  rejected: 'Adresse email ou mot de passe incorrect.',
  sessionExpired: 'Votre session a expiré.',
  loggedOut: 'Vous êtes déconnecté.',
  unlocked: 'Votre compte est déverrouillé.',
  passwordChanged: 'Votre mot de passe a été changé.',
  restart: 'Votre demande de connexion n’est plus valable.',
  codeExpired: 'Ce code a expiré.',
  wrongCode: 'Code incorrect.',
  newCodeSent: 'Un nouveau code vient de vous être envoyé.',
}

export const pathOf = (page: Page) => new URL(page.url()).pathname
export const h1Of = (page: Page) => page.locator('h1').innerText()
export const mainText = (page: Page) => page.locator('main').innerText()

/** Runs `action` (a key press, a click) and waits until the page it leads to has loaded. */
export async function navigating (page: Page, action: () => Promise<unknown>): Promise<void> {
  const navigation = page.waitForNavigation()
  await action()
  await navigation
}

/** Tabs to the button or link named `name`, then presses Enter, and waits for the next page. */
export async function activateByKeyboard (page: Page, name: string | RegExp): Promise<void> {
  await focusByTab(page, name)
  await navigating(page, () => page.keyboard.press('Enter'))
}

/** Emails with this subject the address has received so far. */
export function countEmails (h: BrowserHarness, to: string, subject: string): number {
  return h.smtp!.emailsTo(to).filter((m) => m.subject === subject).length
}

/** Runs `action`, then waits for the email with this subject it sends (the next one, not an older one). */
export async function expectEmailAfter (h: BrowserHarness, to: string, subject: string, action: () => Promise<unknown>): Promise<CapturedEmail> {
  const before = countEmails(h, to, subject)
  await action()
  return h.smtp!.waitForEmail(to, { subject, skip: before })
}

/** The emails of the outbox to this address built from `template` (sent or not): exact counts. */
export async function outboxCount (h: BrowserHarness, to: string, template: string): Promise<number> {
  const rows = await h.db.selectFrom('outbox').select('id').where('recipient', '=', to).where('template', '=', template).execute()
  return rows.length
}

/** On the login page: « Adresse email », « Mot de passe », Enter (« Se connecter »). */
export async function typeEmailAndPassword (page: Page, email: string, password: string): Promise<void> {
  expect(await h1Of(page)).toBe('Connexion à BaMaRa')
  await page.getByLabel('Adresse email', { exact: true }).fill(email)
  const passwordField = page.getByLabel('Mot de passe', { exact: true })
  await passwordField.fill(password)
  await navigating(page, () => passwordField.press('Enter'))
}

/** On the code page: the 8 digits in « Code à usage unique », then Tab to « Se connecter », Enter. */
export async function typeCode (page: Page, code: string): Promise<void> {
  expect(await h1Of(page)).toBe('Code à usage unique')
  const field = page.getByLabel('Code à usage unique')
  await field.fill(code)
  await page.keyboard.press('Tab')
  expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Se connecter')
  await navigating(page, () => page.keyboard.press('Enter'))
}

/** The password step; returns the code it emailed. */
export async function passwordStep (h: BrowserHarness, page: Page, email: string, password: string): Promise<string> {
  const message = await expectEmailAfter(h, email, subjects.code, () => typeEmailAndPassword(page, email, password))
  expect(pathOf(page)).toBe('/connexion/code')
  expect(await mainText(page)).toContain(`un code à 8 chiffres vient d’être envoyé à ${email}`)
  return codeIn(message)
}

/** The whole login from the login page: password, emailed code. Ends logged in. */
export async function logIn (h: BrowserHarness, page: Page, email: string, password: string, name: string): Promise<void> {
  const code = await passwordStep(h, page, email, password)
  await typeCode(page, code)
  await expectLoggedInAs(page, name)
}

/** The user's name at the top right: the account menu's button. */
export async function expectLoggedInAs (page: Page, name: string): Promise<void> {
  const menu = page.locator('header .account-menu summary')
  expect(await menu.innerText()).toBe(name)
  expect(await menu.getAttribute('aria-label')).toBe(`Menu du compte : ${name}`)
}

/** From the top of the page, opens the menu under the user's name with the keyboard (a <details>: Enter opens it). */
export async function openAccountMenu (page: Page): Promise<void> {
  await page.locator('.skip-link').focus()
  await focusByTab(page, /^Menu du compte/)
  await page.keyboard.press('Enter')
  expect(await page.locator('header details.account-menu').getAttribute('open')).not.toBeNull()
}
