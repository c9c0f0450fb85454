/**
 * The whole path of the OpenID Connect provider, in a real browser, with the « fiches patients »
 * demo application in its own process (as `npm run demo:rp` runs it) and the emails through the
 * harness's real SMTP server: a person registers on two sites of hospital A (MALO and MARHEA),
 * confirms the address, is activated by hospital A's manager, signs in through the demo app
 * (the account service's login: password, then the emailed code), sees the records of MALO and
 * MARHEA and not those of hospital B's MALO (a forged URL to one is refused); the manager
 * removes MARHEA in the console; the demo app's session ends by back-channel logout; signing in
 * again (single sign-on while the portal session lives) shows no MARHEA record. The portal's
 * « Déconnexion » ends the demo app's session (back-channel logout). Then the demo app's « Se
 * déconnecter » ends the provider's session too: the next sign-in asks the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness, type OpenedPage } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import { waitFor } from '../helpers/processes.ts'
import { registerDemoClient, startDemoRpProcess, type DemoClient, type DemoProcess } from '../helpers/demo-rp.ts'
import { recordsOfSite } from '../../demo/fiches-patients/records.ts'
import { activateByKeyboard, expectEmailAfter, h1Of, mainText, navigating, openAccountMenu, pathOf, subjects, typeCode, typeEmailAndPassword } from './self-service-steps.ts'
import { adminSubjects, chooseAction, rowOf } from './administration-steps.ts'

const person = { email: 'margaux.lenoir@chu-a.fr', lastName: 'Lenoir', firstName: 'Margaux', password: 'Papillon-Indigo-58!' }

describe('the OpenID Connect path through the demo application', { timeout: 300_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  let b: TestHospital
  let managerA: string
  let demo: DemoClient
  let rp: DemoProcess
  let user: OpenedPage
  let manager: OpenedPage

  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    ;({ a, b } = await createTwoHospitals(h.db))
    managerA = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Admin', firstName: 'Démo' })
    demo = await registerDemoClient(h.db, h.clock.now())
    rp = await startDemoRpProcess(h.baseUrl, demo)
  })
  afterAll(async () => {
    await rp?.stop()
    await h?.close()
  })

  const demoUrl = (path: string) => `${demo.baseUrl}${path}`
  const [malo, marhea] = [0, 1]
  const siteClaim = async (id: string) => {
    const s = await h.db.selectFrom('site').innerJoin('hospital', 'hospital.id', 'site.hospital_id')
      .select(['site.id', 'site.abbreviation', 'site.title', 'site.hospital_id', 'hospital.finess']).where('site.id', '=', id).executeTakeFirstOrThrow()
    return { id: s.id, code: s.abbreviation, title: s.title, hospital_id: s.hospital_id, hospital_finess: s.finess }
  }
  const referencesOf = async (siteId: string) => recordsOfSite(await siteClaim(siteId)).map((r) => r.reference)
  const referencesOn = async (page: Page) => (await page.locator('main table a').allInnerTexts()).sort()
  const accountId = async () => (await h.db.selectFrom('account').select('id').where('email', '=', person.email).executeTakeFirstOrThrow()).id

  /** On the demo app's page: « Se connecter avec BaMaRa »; returns where it led (the login page, or back signed in). */
  async function startSignIn (page: Page): Promise<'asksPassword' | 'signedIn'> {
    await navigating(page, () => page.getByRole('link', { name: 'Se connecter avec BaMaRa' }).click())
    if (page.url().startsWith(h.baseUrl) && pathOf(page) === '/connexion') return 'asksPassword'
    expect(page.url()).toBe(demoUrl('/'))
    return 'signedIn'
  }

  it('registers on MALO and MARHEA of hospital A, confirms the address, is activated by the manager', async () => {
    user = await h.openPage()
    const page = user.page
    await page.goto(h.url('/inscription'))
    await page.getByRole('radio', { name: 'Mme' }).check()
    await page.getByLabel('Nom', { exact: true }).fill(person.lastName)
    await page.getByLabel('Prénom', { exact: true }).fill(person.firstName)
    await page.getByLabel(/^Email professionnel/).fill(person.email)
    await page.getByLabel('Mot de passe', { exact: true }).fill(person.password)
    await page.getByLabel('Confirmez votre mot de passe').fill(person.password)
    await page.getByRole('combobox', { name: 'Profession' }).selectOption({ label: 'Médecin' })
    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${a.name} (Ville)` })
    await page.getByRole('checkbox', { name: /^Malformations ORL rares/ }).check()
    await page.getByRole('checkbox', { name: /^Maladies rénales rares/ }).check()
    await page.getByRole('checkbox', { name: 'J’accepte les conditions générales d’utilisation' }).check()
    const confirmation = await expectEmailAfter(h, person.email, subjects.confirmation,
      () => navigating(page, () => page.getByRole('button', { name: 'S’inscrire' }).click()))
    expect(pathOf(page)).toBe('/inscription/envoyee')
    await page.goto(linkIn(confirmation))
    await navigating(page, () => page.getByRole('button', { name: 'Confirmer mon adresse email' }).click())
    expect(await h1Of(page)).toBe('Votre adresse email est confirmée')

    manager = await h.openPage()
    await h.signIn(manager.context, managerA)
    await manager.page.goto(h.url('/gestion'))
    await chooseAction(manager.page, `${person.lastName} ${person.firstName}`, 'Activer le compte')
    await expectEmailAfter(h, person.email, adminSubjects.activated,
      () => navigating(manager.page, () => manager.page.getByRole('button', { name: 'Activer le compte' }).click()))
    expect(await rowOf(manager.page, person.lastName).innerText()).toContain('Actif')
  })

  it('signs in through the demo app with the account service’s login (password, emailed code) and sees the records of MALO and MARHEA only', async () => {
    const page = user.page
    await page.goto(demoUrl('/'))
    expect(await h1Of(page)).toBe('Fiches patients')
    await axeCheck(page)
    expect(await startSignIn(page)).toBe('asksPassword')
    const codeEmail = await expectEmailAfter(h, person.email, subjects.code, () => typeEmailAndPassword(page, person.email, person.password))
    await typeCode(page, /\b(\d{8})\b/.exec(codeEmail.text)?.[1] ?? '')
    // « Vous êtes connecté », which goes on by itself (no script) to the provider, then the demo app.
    await page.waitForURL(demoUrl('/'))
    expect(await h1Of(page)).toBe('Vos fiches patients')
    expect(await page.locator('header').innerText()).toContain(`Connecté : ${person.firstName} ${person.lastName}`)
    expect(await referencesOn(page)).toEqual([...await referencesOf(a.siteIds[malo] as string), ...await referencesOf(a.siteIds[marhea] as string)].sort())
    const sectionTitles = await page.locator('main h2').allInnerTexts()
    expect(sectionTitles.sort()).toEqual(['MALO — Malformations ORL rares (CHU de Test A)', 'MARHEA — Maladies rénales rares (CHU de Test A)'])
    // Hospital B's MALO is another site, with other records: none of them here.
    for (const reference of await referencesOf(b.siteIds[malo] as string)) expect(await mainText(page)).not.toContain(reference)
    await axeCheck(page)

    await navigating(page, () => page.getByRole('link', { name: 'MARHEA-184-01' }).click())
    expect(await h1Of(page)).toBe('Fiche MARHEA-184-01')
    await axeCheck(page)

    // A record of hospital B's MALO by its address: refused by the demo's server.
    const forged = await page.goto(demoUrl(`/sites/${b.siteIds[malo]}/fiches/1`))
    expect(forged?.status()).toBe(403)
    expect(await h1Of(page)).toBe('Accès refusé')
    expect(await mainText(page)).not.toMatch(/MALO-810-/)
    expectNoPageProblems(user.problems.filter((p) => !p.includes('403')))
  })

  it('ends the demo app’s session by back-channel logout when the manager removes MARHEA; signing in again shows no MARHEA record', async () => {
    const page = manager.page
    await chooseAction(page, `${person.lastName} ${person.firstName}`, 'Modifier')
    await page.getByRole('button', { name: 'Retirer le site MARHEA — Maladies rénales rares' }).click()
    await navigating(page, () => page.getByRole('button', { name: 'Valider' }).click())
    expect(await page.getByRole('status').first().innerText()).toContain('Les modifications sont enregistrées.')
    const sites = await h.db.selectFrom('account_site').select('site_id').where('account_id', '=', await accountId()).execute()
    expect(sites.map((s) => s.site_id)).toEqual([a.siteIds[malo]])

    // The provider posts the logout token to the demo app (outbox dispatcher): the next page load asks to sign in.
    const demoPage = user.page
    await waitFor(async () => {
      await demoPage.goto(demoUrl('/'))
      return (await h1Of(demoPage)) === 'Fiches patients'
    }, { timeout: 20_000, interval: 500, what: 'the back-channel logout of the demo app' })
    expect(await mainText(demoPage)).toContain('Votre session dans cette application a pris fin')
    const marheaRecord = await demoPage.goto(demoUrl(`/sites/${a.siteIds[marhea]}/fiches/1`))
    expect(marheaRecord?.status()).toBe(401)

    // Signing in again: the portal session still lives (a site removed ends the provider's
    // sessions at the applications, not the portal's), so no password is asked (single sign-on).
    await demoPage.goto(demoUrl('/'))
    expect(await startSignIn(demoPage)).toBe('signedIn')
    expect(await h1Of(demoPage)).toBe('Vos fiches patients')
    expect(await referencesOn(demoPage)).toEqual((await referencesOf(a.siteIds[malo] as string)).sort())
    expect(await mainText(demoPage)).not.toContain('MARHEA')
    expect((await demoPage.goto(demoUrl(`/sites/${a.siteIds[marhea]}/fiches/1`)))?.status()).toBe(403)
  })

  it('« Déconnexion » in the account service ends the demo app’s session too (a shared workstation); signing in again asks the password', async () => {
    const page = user.page
    await page.goto(h.url('/mon-compte'))
    await openAccountMenu(page)
    await activateByKeyboard(page, 'Déconnexion')
    expect(pathOf(page)).toBe('/connexion')
    await waitFor(async () => {
      await page.goto(demoUrl('/'))
      return (await h1Of(page)) === 'Fiches patients'
    }, { timeout: 20_000, interval: 500, what: 'the back-channel logout of the demo app after the portal logout' })
    expect(await mainText(page)).toContain('Votre session dans cette application a pris fin')
    expect(await startSignIn(page)).toBe('asksPassword')
    const codeEmail = await expectEmailAfter(h, person.email, subjects.code, () => typeEmailAndPassword(page, person.email, person.password))
    await typeCode(page, /\b(\d{8})\b/.exec(codeEmail.text)?.[1] ?? '')
    await page.waitForURL(demoUrl('/'))
    expect(await h1Of(page)).toBe('Vos fiches patients')
  })

  it('« Se déconnecter » in the demo app ends the provider’s session: the next sign-in asks the password', async () => {
    const page = user.page
    await page.goto(demoUrl('/'))
    await navigating(page, () => page.getByRole('button', { name: 'Se déconnecter' }).click())
    // The provider asks for confirmation (RP-initiated logout), then sends the browser back.
    expect(page.url().startsWith(h.url('/oidc/session/end'))).toBe(true)
    await navigating(page, () => page.getByRole('button', { name: 'Oui, me déconnecter' }).click())
    expect(page.url()).toBe(demoUrl('/deconnecte'))
    expect(await mainText(page)).toContain('Vous êtes déconnecté.')
    expect(await startSignIn(page)).toBe('asksPassword')
    expect(await h1Of(page)).toBe('Connexion à BaMaRa')
    expectNoPageProblems(manager.problems)
  })
})
