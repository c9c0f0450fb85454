/**
 * User guide §2.1 « Formulaire d'inscription » as people really fill it: names, email, password
 * and profession first, the hospital last (« Sélectionnez votre hôpital, puis sélectionner le
 * service »), sometimes changing it after ticking sites. Nothing typed may be lost. With
 * JavaScript the sites appear in place; without it the form comes back with every field but
 * the passwords, and says so. axe at 1280 and 320 px wide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { activateByKeyboard, h1Of, mainText, pathOf } from './self-service-steps.ts'

const password = 'Cerisier-en-fleur-27!'

async function fillPersonalFields (page: Page, person: { lastName: string; firstName: string; email: string }) {
  await page.getByRole('radio', { name: 'Mme' }).check()
  await page.getByLabel('Nom', { exact: true }).fill(person.lastName)
  await page.getByLabel('Prénom', { exact: true }).fill(person.firstName)
  await page.getByLabel(/^Email professionnel/).fill(person.email)
  await page.getByLabel('Mot de passe', { exact: true }).fill(password)
  await page.getByLabel('Confirmez votre mot de passe').fill(password)
  await page.getByRole('combobox', { name: 'Profession' }).selectOption({ label: 'Interne' })
}

async function typedValues (page: Page) {
  return {
    lastName: await page.getByLabel('Nom', { exact: true }).inputValue(),
    firstName: await page.getByLabel('Prénom', { exact: true }).inputValue(),
    email: await page.getByLabel(/^Email professionnel/).inputValue(),
    password: await page.getByLabel('Mot de passe', { exact: true }).inputValue(),
    confirmation: await page.getByLabel('Confirmez votre mot de passe').inputValue(),
    profession: await page.getByRole('combobox', { name: 'Profession' }).inputValue(),
    mme: await page.getByRole('radio', { name: 'Mme' }).isChecked(),
  }
}

// Real browser and axe on a shared, busy machine: minutes, not seconds, per test.
describe('registration keeps what was typed when the hospital is chosen last', { timeout: 180_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  let b: TestHospital
  beforeAll(async () => {
    h = await startBrowserHarness()
    ;({ a, b } = await createTwoHospitals(h.db))
  })
  afterAll(async () => { await h?.close() })

  it('with JavaScript: the sites appear in place, announced; changing the hospital keeps every field; the registration succeeds', async () => {
    const { page, problems } = await h.openPage()
    await page.goto(h.url('/inscription'))
    // The no-JavaScript button is gone: choosing is enough.
    expect(await page.getByRole('button', { name: 'Afficher les sites de cet hôpital' }).count()).toBe(0)
    const person = { lastName: 'Lefèvre', firstName: 'Anne', email: 'anne.lefevre.js@chu-b.fr' }
    await fillPersonalFields(page, person)
    const typed = await typedValues(page)
    // A reload would forget this mark.
    await page.evaluate(() => { (window as unknown as { stillHere: boolean }).stillHere = true })

    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${a.name} (Ville)` })
    await page.getByRole('checkbox', { name: /^Malformations ORL rares/ }).waitFor()
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true)
    expect(await typedValues(page)).toEqual(typed)
    expect(await page.locator('#sites-annonce').textContent()).toBe(`4 sites de l’hôpital ${a.name} affichés.`)
    expect(await page.locator('#sites-annonce').getAttribute('aria-live')).toBe('polite')
    // The site filter works on the sites loaded in place.
    await page.getByRole('searchbox', { name: /^Rechercher un site/ }).fill('duflo')
    expect(await page.locator('#sites-liste label:visible').count()).toBe(1)
    await page.getByRole('checkbox', { name: /^Malformations ORL rares/ }).check()
    await axeCheck(page)

    // « changer d'hôpital » after ticking a site: B's sites replace A's, the rest stays.
    await page.getByRole('link', { name: 'changer d’hôpital' }).click()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('hopital')
    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${b.name} (Ville)` })
    await page.getByText(`Site administrateur comptes (${b.name})`).waitFor()
    expect(await page.locator(`#sites-liste input[value="${a.siteIds[0]}"]`).count()).toBe(0)
    expect(await page.locator('#sites-annonce').textContent()).toBe(`4 sites de l’hôpital ${b.name} affichés.`)
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true)
    expect(await typedValues(page)).toEqual(typed)

    await page.getByRole('checkbox', { name: /^Maladies rénales rares/ }).check()
    await page.getByRole('checkbox', { name: 'J’accepte les conditions générales d’utilisation' }).check()
    await activateByKeyboard(page, 'S’inscrire')
    expect(pathOf(page)).toBe('/inscription/envoyee')
    const account = await h.db.selectFrom('account').select(['id', 'last_name', 'profession_code']).where('email', '=', person.email).executeTakeFirstOrThrow()
    expect(account).toMatchObject({ last_name: 'Lefèvre', profession_code: 'interne' })
    const sites = await h.db.selectFrom('account_site').select('site_id').where('account_id', '=', account.id).execute()
    expect(sites.map((s) => s.site_id)).toEqual([b.siteIds[1]])
    expectNoPageProblems(problems)
  })

  it('without JavaScript: « Afficher les sites de cet hôpital » keeps every field but the passwords, and says so', async () => {
    const { page, problems } = await h.openPage({ javaScript: false })
    await page.goto(h.url('/inscription'))
    const person = { lastName: 'Garnier', firstName: 'Hugo', email: 'hugo.garnier.nojs@chu-a.fr' }
    await fillPersonalFields(page, person)
    await page.getByRole('checkbox', { name: 'J’accepte les conditions générales d’utilisation' }).check()
    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${a.name} (Ville)` })
    await activateByKeyboard(page, 'Afficher les sites de cet hôpital')

    expect(pathOf(page)).toBe('/inscription')
    expect(await page.getByRole('status').innerText()).toContain('les mots de passe ne sont pas conservés : saisissez de nouveau votre mot de passe et sa confirmation')
    expect(await typedValues(page)).toEqual({ ...person, password: '', confirmation: '', profession: 'interne', mme: true })
    expect(await page.getByRole('checkbox', { name: 'J’accepte les conditions générales d’utilisation' }).isChecked()).toBe(true)
    expect(await page.getByRole('combobox', { name: /^Hôpital/ }).inputValue()).toBe(a.id)
    expect(await page.locator('#sites-liste input[type="checkbox"]').count()).toBe(4)
    await axeCheck(page)

    // Changing the hospital after ticking a site: B's sites, the fields still there.
    await page.getByRole('checkbox', { name: /^Malformations ORL rares/ }).check()
    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${b.name} (Ville)` })
    await activateByKeyboard(page, 'Afficher les sites de cet hôpital')
    expect(await mainText(page)).toContain(`Les sites de l’hôpital ${b.name} sont affichés plus bas.`)
    expect(await page.locator(`#sites-liste input[value="${b.siteIds[0]}"]`).count()).toBe(1)
    expect(await page.locator(`#sites-liste input[value="${a.siteIds[0]}"]`).count()).toBe(0)
    expect((await typedValues(page)).lastName).toBe(person.lastName)

    // Type the passwords again, tick a site, register.
    await page.getByLabel('Mot de passe', { exact: true }).fill(password)
    await page.getByLabel('Confirmez votre mot de passe').fill(password)
    await page.getByRole('checkbox', { name: /^Malformations ORL rares/ }).check()
    await activateByKeyboard(page, 'S’inscrire')
    expect(pathOf(page)).toBe('/inscription/envoyee')
    expect(await h1Of(page)).toBe('Confirmez votre adresse email')
    expectNoPageProblems(problems)
  })

  it.each([1280, 320])('has no axe violation at %i px wide: blank, with sites shown, with errors', async (width) => {
    const { page, problems } = await h.openPage()
    await page.setViewportSize({ width, height: 900 })
    await page.goto(h.url('/inscription'))
    await axeCheck(page)
    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${a.name} (Ville)` })
    await page.getByRole('checkbox', { name: /^Malformations ORL rares/ }).waitFor()
    await axeCheck(page)
    // Nothing may stick out sideways on a narrow screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
    await activateByKeyboard(page, 'S’inscrire')
    expect(await page.getByRole('alert').innerText()).toContain('Le formulaire contient')
    await axeCheck(page)
    expectNoPageProblems(problems)
  })
})

