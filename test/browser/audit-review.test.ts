/**
 * The journal and the access review in a real browser: the journal, the access review and its report pass axe (WCAG 2.1
 * AA), without console errors or CSP violations, and « Confirmer les droits » works without
 * JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'

const year = 365 * 24 * 3600 * 1000

describe('audit journal and access review in a real browser', { timeout: 180_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  let managerA = ''
  let alice = ''

  beforeAll(async () => {
    h = await startBrowserHarness()
    ;({ a } = await createTwoHospitals(h.db))
    const longAgo = h.clock.now() - 2 * year
    managerA = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], now: longAgo })
    alice = await createAccount(h.db, { email: 'alice@chu-a.fr', lastName: 'Martin', siteIds: [a.siteIds[0] as string], now: longAgo })
    await createAccount(h.db, { email: 'amelie@chu-a.fr', lastName: 'Petit', siteIds: [a.siteIds[1] as string], now: longAgo })
  })
  afterAll(async () => { await h?.close() })

  it('confirms rights without JavaScript, and every new page passes axe', async () => {
    const { page, context, problems } = await h.openPage({ javaScript: false })
    await h.signIn(context, managerA)
    await page.goto(h.url('/gestion/revue-des-droits'))
    await axeCheck(page)
    await page.getByRole('button', { name: 'Confirmer les droits de Martin Claire' }).click()
    await page.waitForURL(/fait=1/)
    expect(await page.locator('[role=status]').first().innerText()).toContain('Droits confirmés pour 1 compte.')
    const reviewed = await h.db.selectFrom('account').select('access_reviewed_by').where('id', '=', alice).executeTakeFirstOrThrow()
    expect(reviewed.access_reviewed_by).toBe(managerA)
    await axeCheck(page)
    await page.goto(h.url('/gestion/revue-des-droits/rapport'))
    expect(await page.locator('table caption').innerText()).toContain('Décisions de revue des droits')
    await axeCheck(page)
    await page.setViewportSize({ width: 320, height: 700 })
    await axeCheck(page)
    await page.goto(h.url('/gestion/revue-des-droits'))
    await axeCheck(page)
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(h.url('/gestion/journal'))
    expect(await page.locator('h1').innerText()).toBe('Journal des événements')
    await axeCheck(page)
    await page.goto(h.url('/gestion/journal?du=2026-02-31'))
    await axeCheck(page)
    expectNoPageProblems(problems)
  })
})
