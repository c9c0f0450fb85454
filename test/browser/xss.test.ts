/**
 * Stored and reflected XSS in a real browser (issue 6; ASVS 1.2/3.4.3; house style: HTML only
 * through the escaping `html` tag, CSP with nonces). Every user-controlled text is filled with
 * attack strings straight in the database (names, email local part, hospital name, site titles,
 * abbreviations, lead names, email subjects and recipients, audit details), and reflected ones go
 * in the address (search terms, filter values, « retour »). Each page that shows them is opened
 * in Chromium with JavaScript on: `window.__xss` must stay undefined, and there must be no console
 * error at all (a CSP violation is one: an injected script blocked by the CSP still fails here,
 * since the markup itself must be inert), and no `javascript:` link or form target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { recordEvent } from '../../src/kernel/audit/audit-trail.ts'
import { composeEmail } from '../../src/kernel/mail/compose.ts'
import { enqueueMail } from '../../src/kernel/mail/outbox.ts'
import { foldForSearch } from '../../src/kernel/text.ts'

const attacks = {
  script: '<script>window.__xss=1</script>',
  attribute: '"><img src=x onerror="window.__xss=1">',
  single: "'><svg onload='window.__xss=1'>",
  title: '</title><script>window.__xss=1</script>',
  url: 'javascript:window.__xss=1',
  textarea: '</textarea><iframe srcdoc="<script>parent.__xss=1</script>">',
}
const all = Object.values(attacks)

async function expectInert (page: Page, problems: string[], where: string) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), where).toBeUndefined()
  const dangerous = await page.evaluate(() => [...document.querySelectorAll('a[href], form[action], iframe[src], img[src]')]
    .map((el) => el.getAttribute('href') ?? el.getAttribute('action') ?? el.getAttribute('src') ?? '')
    .filter((v) => /^\s*javascript:/i.test(v)))
  expect(dangerous, where).toEqual([])
  // No element created by the attack strings.
  expect(await page.locator('img[src="x"], svg[onload], iframe[srcdoc]').count(), where).toBe(0)
  expectNoPageProblems(problems)
}

describe('attack strings are inert on every page that shows them (Chromium)', () => {
  let h: BrowserHarness
  let a: TestHospital
  let superadmin: string
  let victim: string
  let pending: string
  let mailId: string

  beforeAll(async () => {
    h = await startBrowserHarness()
    a = (await createTwoHospitals(h.db)).a
    // The hospital and its sites, as an import could have written them.
    await h.db.updateTable('hospital').set({ name: `CHU ${attacks.title}` }).where('id', '=', a.id).execute()
    for (const [i, siteId] of a.siteIds.entries()) {
      const title = `Site ${all[i % all.length] as string}`
      await h.db.updateTable('site').set({
        title, abbreviation: attacks.attribute.slice(0, 40), lead_name: attacks.single, search_text: foldForSearch(`${title} xss`),
      }).where('id', '=', siteId).execute()
    }
    superadmin = await createAccount(h.db, { email: 'super@chu-a.fr', siteIds: [a.adminSiteId], isSuperadmin: true, lastName: attacks.script, firstName: attacks.title })
    victim = await createAccount(h.db, {
      email: 'victime@chu-a.fr', siteIds: [a.siteIds[0] as string, a.siteIds[1] as string], lastName: attacks.attribute, firstName: attacks.textarea,
    })
    pending = await createAccount(h.db, { email: 'attente@chu-a.fr', siteIds: [a.siteIds[0] as string], state: 'pendingActivation', lastName: attacks.single, firstName: attacks.script })
    // An email local part with markup (the app refuses it at registration; an import or old data could hold it).
    await createAccount(h.db, { email: 'autre@chu-a.fr', siteIds: [a.adminSiteId], state: 'pendingActivation', lastName: attacks.url, firstName: attacks.title })
    await h.db.updateTable('account').set({ email: '"><img src=x onerror="window.__xss=1">@chu-a.fr' }).where('email', '=', 'autre@chu-a.fr').execute()
    await h.db.updateTable('account').set({ search_text: 'xss script' }).execute()
    // The dev mailbox and the audit journal.
    await h.db.transaction().execute(async (tx) => {
      await enqueueMail(tx, composeEmail(h.app.mailContext, {
        template: 'xss', to: 'victime@chu-a.fr', subject: attacks.title, greeting: { civility: 'mme', lastName: attacks.script }, paragraphs: [attacks.attribute, attacks.url],
        action: { label: attacks.single, url: attacks.url },
      }), h.clock.now())
      await recordEvent(tx, {
        type: 'account.registered', outcome: 'success', actorId: victim, targetId: victim, hospitalId: a.id,
        ip: attacks.attribute, userAgent: attacks.script, details: { note: attacks.title, other: attacks.url },
      }, h.clock.now())
    })
    mailId = (await h.db.selectFrom('outbox').select('id').where('template', '=', 'xss').executeTakeFirstOrThrow()).id
  })
  afterAll(async () => { await h?.close() })

  it('registration with the hospital chosen, the login page and the public pages, with attacks in the address', async () => {
    const { page, problems } = await h.openPage()
    const retour = encodeURIComponent(attacks.url)
    const paths = [
      `/inscription?hopital=${a.id}`,
      `/connexion?retour=${retour}`,
      `/connexion?retour=${encodeURIComponent(attacks.attribute)}&expiree=${encodeURIComponent(attacks.script)}`,
      `/mot-de-passe-oublie?email=${encodeURIComponent(attacks.attribute)}`,
      `/reinitialisation?jeton=${encodeURIComponent(attacks.attribute)}`,
      `/deverrouillage?jeton=${encodeURIComponent(attacks.script)}`,
      `/nexiste-pas/${encodeURIComponent(attacks.script)}`,
    ]
    for (const path of paths) {
      await page.goto(h.url(path))
      await expectInert(page, problems, path)
    }
    // The site search of the registration form (JSON rendered by the page's script).
    await page.goto(h.url(`/inscription?hopital=${a.id}`))
    const search = page.locator('input[type="search"]').first()
    if (await search.count() > 0) {
      await search.fill('xss')
      await page.waitForTimeout(600)
      await expectInert(page, problems, 'site search on the registration form')
    }
    // The language switch carries the address back (« retour »).
    await page.goto(h.url(`/connexion?retour=${retour}`))
    await page.locator('form.lang-switch button').click()
    await page.waitForLoadState()
    await expectInert(page, problems, 'language switch')
    expect(new URL(page.url()).origin).toBe(h.baseUrl)
  })

  it('my account and the header menu of a user whose names are attacks', async () => {
    const { context, page, problems } = await h.openPage()
    await h.signIn(context, victim)
    await page.goto(h.url('/mon-compte'))
    await expectInert(page, problems, '/mon-compte')
    expect(await page.locator('main').innerText()).toContain(attacks.attribute)
  })

  it('the console: list with every filter, edit page with its site combobox and its search without JavaScript, activation checklist, requests, journal', async () => {
    const { context, page, problems } = await h.openPage()
    await h.signIn(context, superadmin)
    const q = (params: Record<string, string>) => new URLSearchParams(params).toString()
    const paths = [
      '/gestion',
      '/gestion?q=xss',
      `/gestion?${q({ q: attacks.script, statut: attacks.attribute, site: attacks.single, profession: attacks.title, hopital: attacks.url, tri: attacks.textarea })}`,
      `/gestion?${q({ fait: 'active', compte: pending })}`,
      `/gestion/comptes/${victim}`,
      `/gestion/comptes/${pending}/activer`,
      `/gestion/comptes/${victim}/desactiver`,
      '/gestion/demandes-gestionnaires',
      '/gestion/journal',
      `/gestion/journal?${q({ utilisateur: attacks.attribute, action: attacks.script })}`,
      '/gestion/revue-des-droits',
      '/gestion/revue-des-droits/rapport',
    ]
    for (const path of paths) {
      const response = await page.goto(h.url(path))
      expect(response?.status(), path).toBeLessThan(500)
      await expectInert(page, problems, path)
    }
    // The attack strings are shown as text where they belong.
    await page.goto(h.url(`/gestion/comptes/${victim}`))
    expect(await page.title()).toContain(attacks.attribute)
    // The « Sites » combobox: suggestions (JSON written with textContent), a label chosen, a cross.
    const combobox = page.getByRole('combobox', { name: /^Ajouter un site/ })
    await combobox.pressSequentially('xss', { delay: 20 })
    await page.getByRole('listbox', { name: 'Sites proposés' }).getByRole('option').first().waitFor()
    await expectInert(page, problems, 'site suggestions')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    expect(await page.locator('.site-labels li').count()).toBe(3)
    await page.locator('.site-labels button[name=croix]').first().click()
    await expectInert(page, problems, 'sites chosen and removed in place')
    // Without JavaScript: « Rechercher » and « Ajouter » bring the page back, typed values kept.
    const noScript = await h.openPage({ javaScript: false })
    await h.signIn(noScript.context, superadmin)
    await noScript.page.goto(h.url(`/gestion/comptes/${victim}`))
    await noScript.page.getByLabel('Ajouter un site').fill(attacks.script)
    await noScript.page.getByRole('button', { name: 'Rechercher' }).click()
    await noScript.page.waitForLoadState()
    await expectInert(noScript.page, noScript.problems, 'site search without JavaScript')
    await noScript.page.getByLabel('Ajouter un site').fill('xss')
    await noScript.page.getByRole('button', { name: 'Rechercher' }).click()
    await noScript.page.waitForLoadState()
    await noScript.page.locator('button[name=choisir]').first().click()
    await noScript.page.waitForLoadState()
    await expectInert(noScript.page, noScript.problems, 'site chosen without JavaScript')
    expect(await noScript.page.getByLabel('Nom', { exact: true }).inputValue()).toBe(attacks.attribute)
  }, 240_000)

  it('the dev mailbox: list, recipient filter, an email and its framed HTML', async () => {
    const { page, problems } = await h.openPage()
    for (const path of ['/dev/mailbox', `/dev/mailbox?destinataire=${encodeURIComponent(attacks.attribute)}`, `/dev/mailbox/${mailId}`]) {
      await page.goto(h.url(path))
      await expectInert(page, problems, path)
    }
    // The framed HTML body is sandboxed: even its own markup runs nothing.
    await page.goto(h.url(`/dev/mailbox/${mailId}/html`))
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  })
})
