/**
 * Session expiry without surprise, in a real browser (user guide §3.4 « Session expirée »), with
 * a short idle timeout (rule overrides): with JavaScript, a dialog opens before the end and
 * « Rester connecté » renews the session; a form posted after expiry comes back, after the
 * login, with what was typed and a message that it is not saved yet (here without JavaScript).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seconds } from '../../src/config.ts'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { logIn, navigating, pathOf, words } from './self-service-steps.ts'

describe('session expiry in a real browser', { timeout: 120_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  let manager = ''
  let alice = ''
  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true, rules: { sessionIdleTimeout: seconds(8), sessionExpiryWarning: seconds(6) } })
    a = (await createTwoHospitals(h.db)).a
    manager = await createAccount(h.db, { email: 'gestion@chu-a.fr', firstName: 'Gaëlle', lastName: 'Durand', siteIds: [a.adminSiteId] })
    alice = await createAccount(h.db, { email: 'alice.martin@chu-a.fr', firstName: 'Alice', lastName: 'Martin', siteIds: [a.siteIds[0] as string] })
  })
  afterAll(async () => { await h?.close() })

  const lastSeen = async () => Number((await h.db.selectFrom('session').select('last_seen_at').where('account_id', '=', manager).executeTakeFirstOrThrow()).last_seen_at)

  it('warns before the idle timeout; « Rester connecté » renews the session; then says when it has expired', async () => {
    const { context, page, problems } = await h.openPage()
    await h.signIn(context, manager)
    await page.goto(h.url('/gestion'))
    const dialog = page.getByRole('alertdialog', { name: 'Votre session va expirer' })
    await dialog.waitFor({ state: 'visible', timeout: 6000 })
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Rester connecté')
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    expect(await dialog.innerText()).toContain('votre session se terminera dans 1 minute')
    await axeCheck(page)
    await page.setViewportSize({ width: 320, height: 700 })
    await axeCheck(page)
    await page.setViewportSize({ width: 1280, height: 800 })

    h.clock.advance(seconds(5))
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(lastSeen).toBe(h.clock.now())
    expect(pathOf(page)).toBe('/gestion')

    // Nothing more done: the warning comes back, then the end, with a way to log in again.
    const expired = page.getByRole('alertdialog', { name: 'Votre session a expiré' })
    await expired.waitFor({ state: 'visible', timeout: 12000 })
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Se reconnecter')
    h.clock.advance(seconds(9))
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.getByRole('status').innerText()).toContain(words.sessionExpired)
    expectNoPageProblems(problems)
  })

  it('brings a form posted after expiry back after the login, with what was typed and « not saved yet »', async () => {
    const { context, page, problems } = await h.openPage({ javaScript: false })
    await h.signIn(context, manager)
    await page.goto(h.url(`/gestion/comptes/${alice}`))
    await page.locator('input[name=nom]').fill('Martin-Dupré')
    h.clock.advance(h.app.rules.sessionIdleTimeout + seconds(1))
    await navigating(page, () => page.locator('input[name=nom]').press('Enter'))
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.getByRole('status').innerText()).toContain(words.sessionExpired)

    await logIn(h, page, 'gestion@chu-a.fr', testPassword, 'Gaëlle Durand')
    expect(pathOf(page)).toBe(`/gestion/comptes/${alice}`)
    expect(await page.locator('input[name=nom]').inputValue()).toBe('Martin-Dupré')
    expect(await page.getByRole('alert').first().innerText()).toContain('n’est pas encore enregistré')
    const stored = await h.db.selectFrom('account').select('last_name').where('id', '=', alice).executeTakeFirstOrThrow()
    expect(stored.last_name).toBe('Martin')
    await axeCheck(page)
    await page.setViewportSize({ width: 320, height: 700 })
    await axeCheck(page)

    // Shown once: a reload shows what is saved.
    await page.reload()
    expect(await page.locator('input[name=nom]').inputValue()).toBe('Martin')
    expectNoPageProblems(problems)
  })
})
