/**
 * The foundation in a real browser (Chromium): home, terms of use, help and contact pages in
 * French and in English, with no axe (WCAG 2.1 AA) violation, reachable with the keyboard alone,
 * working without JavaScript, and with no console error or CSP violation. Also checks that the
 * harness receives the app's emails through real SMTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  axeCheck, expectNoPageProblems, focusByTab, focusedElementName, startBrowserHarness, type BrowserHarness,
} from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import { composeEmail } from '../../src/kernel/mail/compose.ts'
import { enqueueMail } from '../../src/kernel/mail/outbox.ts'

const pages = {
  fr: [
    { path: '/cgu', h1: 'Conditions générales d’utilisation' },
    { path: '/aide', h1: 'Aide — guide d’utilisation' },
    { path: '/contact', h1: 'Contacter le support' },
  ],
  en: [
    { path: '/cgu', h1: 'Terms of use' },
    { path: '/aide', h1: 'Help — user guide' },
    { path: '/contact', h1: 'Contact support' },
  ],
}

const h1Of = (page: Page) => page.locator('h1').innerText()
const langOf = (page: Page) => page.locator('html').getAttribute('lang')

/** Keyboard only: from the top of the page, Tab to the header's language button, Enter. */
async function switchLanguageByKeyboard (page: Page, button: 'English' | 'Français', expected: 'en' | 'fr') {
  await page.goto(page.url().replace(/#.*$/, ''))
  await focusByTab(page, button)
  await page.keyboard.press('Enter')
  await expect.poll(() => langOf(page)).toBe(expected)
}

describe('foundation pages in a real browser', () => {
  let h: BrowserHarness
  let a: TestHospital
  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    a = (await createTwoHospitals(h.db)).a
  })
  afterAll(async () => { await h?.close() })

  it('sends an anonymous visitor from the home page to the login page', async () => {
    const { page, problems } = await h.openPage()
    const response = await page.goto(h.url('/'))
    expect(new URL(page.url()).pathname).toBe('/connexion')
    // The login page is another feature's; once it answers, it is held to the same standard.
    if (response?.status() === 200) {
      await axeCheck(page)
      expectNoPageProblems(problems)
    }
  })

  it('shows the terms, help and contact pages in French, then in English through the keyboard-only language switch', async () => {
    const { page, problems } = await h.openPage()
    for (const { path, h1 } of pages.fr) {
      await page.goto(h.url(path))
      expect(await langOf(page)).toBe('fr')
      expect(await h1Of(page)).toBe(h1)
      await axeCheck(page)
    }
    await switchLanguageByKeyboard(page, 'English', 'en')
    expect(new URL(page.url()).pathname).toBe('/contact')
    for (const { path, h1 } of pages.en) {
      await page.goto(h.url(path))
      expect(await langOf(page)).toBe('en')
      expect(await h1Of(page)).toBe(h1)
      await axeCheck(page)
    }
    await switchLanguageByKeyboard(page, 'Français', 'fr')
    expect(await h1Of(page)).toBe('Contacter le support')
    expectNoPageProblems(problems)
  })

  it('answers an unknown address with an accessible French 404 page', async () => {
    const { page, problems } = await h.openPage()
    const response = await page.goto(h.url('/page-inexistante'))
    expect(response?.status()).toBe(404)
    expect(await h1Of(page)).toBe('Page introuvable')
    await axeCheck(page)
    expectNoPageProblems(problems)
  })

  it('takes an English browser straight to the English pages', async () => {
    const { page, problems } = await h.openPage({ locale: 'en-GB' })
    await page.goto(h.url('/cgu'))
    expect(await langOf(page)).toBe('en')
    expect(await page.getByText('Sharing one account between several people is strictly forbidden.').isVisible()).toBe(true)
    expectNoPageProblems(problems)
  })

  it('lets a keyboard user skip to the content with the first Tab', async () => {
    const { page, problems } = await h.openPage()
    await page.goto(h.url('/aide'))
    await page.keyboard.press('Tab')
    expect(await focusedElementName(page)).toBe('Aller au contenu')
    const box = await page.getByRole('link', { name: 'Aller au contenu' }).boundingBox()
    expect(box?.x).toBeGreaterThanOrEqual(0)
    await page.keyboard.press('Enter')
    // The fragment navigation completes asynchronously: wait for it (under load it lags the key press).
    await page.waitForURL((url) => url.hash === '#contenu', { timeout: 5000 })
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('contenu')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement))).toBe(true)
    expect(await focusedElementName(page)).toBe('Contactez le support')
    expectNoPageProblems(problems)
  })

  it('works without JavaScript: table of contents, language switch, home page and account menu', async () => {
    const { page, context, problems } = await h.openPage({ javaScript: false })
    await page.goto(h.url('/aide'))
    await focusByTab(page, '3.5. Compte verrouillé')
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.hash === '#compte-verrouille', { timeout: 5000 })
    await axeCheck(page)

    await switchLanguageByKeyboard(page, 'English', 'en')
    expect(await h1Of(page)).toBe('Help — user guide')
    await switchLanguageByKeyboard(page, 'Français', 'fr')

    const accountId = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId] })
    await h.signIn(context, accountId)
    await page.goto(h.url('/'))
    expect(await h1Of(page)).toBe('Accueil')
    expect(await page.locator('main').innerText()).toContain('Bonjour Mme Dupont')
    expect(await page.locator('main').getByRole('link', { name: 'Gestion des comptes' }).isVisible()).toBe(true)
    await axeCheck(page)

    // The account menu is a <details>: Enter opens it, Tab reaches its first link.
    await focusByTab(page, /^Menu du compte/)
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    expect(await focusedElementName(page)).toBe('Mon compte')
    await axeCheck(page)
    expectNoPageProblems(problems)
  })

  it('greets a logged-in user with JavaScript on, without « Gestion des comptes » for a plain user', async () => {
    const { page, context, problems } = await h.openPage()
    await h.signIn(context, await createAccount(h.db, { email: 'claire@chu-a.fr', siteIds: [a.siteIds[0] as string] }))
    await page.goto(h.url('/'))
    expect(await page.locator('main').innerText()).toContain('Bonjour Mme Dupont')
    expect(await page.getByRole('link', { name: 'Gestion des comptes' }).count()).toBe(0)
    await axeCheck(page)
    expectNoPageProblems(problems)
  })

  it('reports a CSP violation as a page problem (the watcher is not blind)', async () => {
    const { page, problems } = await h.openPage()
    await page.goto(h.url('/cgu'))
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.body.append(script)
    })
    await expect.poll(() => problems.join('\n')).toMatch(/Content Security Policy/)
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined()
  })

  it('receives the app’s emails through real SMTP, decoded', async () => {
    const email = composeEmail(h.app.mailContext, {
      template: 'harness-check',
      to: 'dupont@chu-a.fr',
      subject: 'Veuillez confirmer votre adresse email',
      greeting: { civility: 'mme', lastName: 'Dupont' },
      paragraphs: ['Cliquez sur le lien pour confirmer votre adresse : ça marche, même accentué.'],
      action: { label: 'Confirmer mon adresse email', url: h.url('/confirmation?jeton=abc') },
    })
    await h.db.transaction().execute((tx) => enqueueMail(tx, email, h.clock.now()))
    void h.app.mail.kick()
    const received = await h.smtp!.waitForEmail('dupont@chu-a.fr')
    const outboxRow = () => h.db.selectFrom('outbox').select(['status', 'text_body']).where('recipient', '=', 'dupont@chu-a.fr').executeTakeFirstOrThrow()
    // Sent, then forgotten: the body held a single-use link.
    await expect.poll(outboxRow).toEqual({ status: 'sent', text_body: null })
    expect(received.subject).toBe('BaMaRa - Veuillez confirmer votre adresse email')
    expect(received.text).toContain('ça marche, même accentué.')
    expect(received.html).toContain('<a href="http://127.0.0.1:')
    expect(linkIn(received)).toBe(h.url('/confirmation?jeton=abc'))
  })
})
