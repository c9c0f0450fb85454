/**
 * Where a login ends, in a real browser: admin guide §1 « Une fois connecté, vous accédez
 * directement à l'interface de gestion » (account managers and super-administrators on the
 * console), users on « Mon compte », and anyone sent to the login page by an expired session
 * (user guide §3.4 « Session expirée ») back on the page they were on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { minutes } from '../../src/config.ts'
import { expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { h1Of, logIn, pathOf, words } from './self-service-steps.ts'

describe('after login, each person lands where the guide says', { timeout: 90_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    a = (await createTwoHospitals(h.db)).a
  })
  afterAll(async () => { await h?.close() })

  async function logInFromLoginPage (email: string, name: string) {
    const { page, problems } = await h.openPage()
    await page.goto(h.url('/connexion'))
    await logIn(h, page, email, testPassword, name)
    return { page, problems }
  }

  it('sends a user to « Mon compte »', async () => {
    await createAccount(h.db, { email: 'lea.roux@chu-a.fr', firstName: 'Léa', lastName: 'Roux', siteIds: [a.siteIds[0] as string] })
    const { page, problems } = await logInFromLoginPage('lea.roux@chu-a.fr', 'Léa Roux')
    expect(pathOf(page)).toBe('/mon-compte')
    expect(await h1Of(page)).toBe('Mon compte')
    expectNoPageProblems(problems)
  })

  it('sends an account manager straight to the console', async () => {
    await createAccount(h.db, { email: 'gestion@chu-a.fr', firstName: 'Gaëlle', lastName: 'Durand', siteIds: [a.adminSiteId] })
    const { page, problems } = await logInFromLoginPage('gestion@chu-a.fr', 'Gaëlle Durand')
    expect(pathOf(page)).toBe('/gestion')
    expectNoPageProblems(problems)
  })

  it('sends a super-administrator straight to the console', async () => {
    await createAccount(h.db, { email: 'super@bndmr.fr', firstName: 'Sam', lastName: 'Admin', siteIds: [], isSuperadmin: true })
    const { page, problems } = await logInFromLoginPage('super@bndmr.fr', 'Sam Admin')
    expect(pathOf(page)).toBe('/gestion')
    expectNoPageProblems(problems)
  })

  it('brings a manager whose session expired back to the page they were on, not to the console', async () => {
    const alice = await createAccount(h.db, { email: 'alice.martin@chu-a.fr', firstName: 'Alice', lastName: 'Martin', siteIds: [a.siteIds[0] as string] })
    await createAccount(h.db, { email: 'gestion2@chu-a.fr', firstName: 'Hugo', lastName: 'Lefort', siteIds: [a.adminSiteId] })
    const { page, problems } = await logInFromLoginPage('gestion2@chu-a.fr', 'Hugo Lefort')
    await page.goto(h.url(`/gestion/comptes/${alice}`))
    expect(pathOf(page)).toBe(`/gestion/comptes/${alice}`)
    h.clock.advance(h.app.rules.sessionIdleTimeout + minutes(1))
    await page.reload()
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.getByRole('status').innerText()).toContain(words.sessionExpired)
    await logIn(h, page, 'gestion2@chu-a.fr', testPassword, 'Hugo Lefort')
    expect(pathOf(page)).toBe(`/gestion/comptes/${alice}`)
    expectNoPageProblems(problems)
  })
})
