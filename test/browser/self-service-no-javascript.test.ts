/**
 * Issue 3, walkthrough 6: the self-service pages work in a browser without JavaScript (RGAA;
 * every script is progressive enhancement) and have no axe violation (WCAG 2.1 A and AA):
 * login, code, registration with a hospital chosen (and with an error shown), the email
 * confirmation pages, forgotten password, the reset form and « Mon compte ». One person goes
 * through all of them, keyboard only, as in the guide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import {
  activateByKeyboard, expectEmailAfter, expectLoggedInAs, h1Of, mainText, navigating, openAccountMenu, passwordStep, pathOf,
  subjects, typeCode,
} from './self-service-steps.ts'

const person = { email: 'hugo.garnier@chu-a.fr', lastName: 'Garnier', firstName: 'Hugo', password: 'Tilleul-argenté-1984?' }
const name = `${person.firstName} ${person.lastName}`

describe('self-service pages without JavaScript, checked by axe', () => {
  let h: BrowserHarness
  let a: TestHospital
  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    a = (await createTwoHospitals(h.db)).a
  })
  afterAll(async () => { await h?.close() })

  it('registers, confirms, logs in with a code, shows « Mon compte » and resets the password, all without JavaScript', async () => {
    const { page, problems } = await h.openPage({ javaScript: false })

    // Login page.
    await page.goto(h.url('/connexion'))
    expect(await h1Of(page)).toBe('Connexion à BaMaRa')
    await axeCheck(page)

    // Registration: the hospital through its small GET form, then the whole list of its sites.
    await activateByKeyboard(page, 'S’inscrire')
    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${a.name} (Ville)` })
    await activateByKeyboard(page, 'Afficher les sites de cet hôpital')
    expect(await page.getByRole('searchbox').count()).toBe(0)
    const siteBoxes = page.locator('#sites-liste input[type="checkbox"]')
    expect(await siteBoxes.count()).toBe(4)
    expect(await page.locator('#sites-liste').innerText()).toContain(`Site administrateur comptes (${a.name})`)
    await axeCheck(page)

    await page.getByRole('radio', { name: 'M.' }).check()
    await page.getByLabel('Nom', { exact: true }).fill(person.lastName)
    await page.getByLabel('Prénom', { exact: true }).fill(person.firstName)
    await page.getByLabel(/^Email professionnel/).fill(person.email)
    await page.getByLabel('Mot de passe', { exact: true }).fill(person.password)
    await page.getByLabel('Confirmez votre mot de passe').fill(person.password)
    await page.getByRole('combobox', { name: 'Profession' }).selectOption({ label: 'Interne' })
    await page.getByRole('checkbox', { name: /^Maladies rénales rares/ }).check()

    // Without the terms accepted: the page comes back with the error, announced and tied to the box.
    await activateByKeyboard(page, 'S’inscrire')
    expect(pathOf(page)).toBe('/inscription')
    expect(await mainText(page)).toContain('Vous devez accepter les conditions générales d’utilisation pour vous inscrire.')
    await axeCheck(page)
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe(person.lastName)
    expect(await page.getByRole('checkbox', { name: /^Maladies rénales rares/ }).isChecked()).toBe(true)

    await page.getByLabel('Mot de passe', { exact: true }).fill(person.password)
    await page.getByLabel('Confirmez votre mot de passe').fill(person.password)
    const cgu = page.getByRole('checkbox', { name: 'J’accepte les conditions générales d’utilisation' })
    await cgu.focus()
    await page.keyboard.press('Space')
    const confirmation = await expectEmailAfter(h, person.email, subjects.confirmation, () => activateByKeyboard(page, 'S’inscrire'))
    expect(await h1Of(page)).toBe('Confirmez votre adresse email')
    await axeCheck(page)

    // The confirmation link's page and the confirmed page.
    await page.goto(linkIn(confirmation))
    expect(await h1Of(page)).toBe('Confirmer votre adresse email')
    await axeCheck(page)
    await activateByKeyboard(page, 'Confirmer mon adresse email')
    expect(await h1Of(page)).toBe('Votre adresse email est confirmée')
    await axeCheck(page)

    // Activated by a manager (straight in the database), then the code page and « Mon compte ».
    await h.db.updateTable('account').set({ activated_at: h.clock.now() }).where('email', '=', person.email).execute()
    await activateByKeyboard(page, 'Aller à la page de connexion')
    const code = await passwordStep(h, page, person.email, person.password)
    await axeCheck(page)
    await typeCode(page, '1234')
    expect(await page.locator('#code-erreur').innerText()).toBe('Le code est composé de 8 chiffres.')
    await axeCheck(page)
    await typeCode(page, code)
    await expectLoggedInAs(page, name)
    await openAccountMenu(page)
    await page.keyboard.press('Tab')
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await h1Of(page)).toBe('Mon compte')
    expect(await mainText(page)).toContain('Maladies rénales rares (MARHEA)')
    await axeCheck(page)

    // Logged out, « Mot de passe oublié ? » and the reset form.
    await openAccountMenu(page)
    await activateByKeyboard(page, 'Déconnexion')
    await activateByKeyboard(page, 'Mot de passe oublié ?')
    expect(await h1Of(page)).toBe('Mot de passe oublié')
    await axeCheck(page)
    await page.getByLabel(/^Adresse email professionnelle/).fill(person.email)
    const reset = await expectEmailAfter(h, person.email, subjects.reset, () => activateByKeyboard(page, 'Envoyer la demande'))
    await page.goto(linkIn(reset))
    expect(await h1Of(page)).toBe('Changer mon mot de passe')
    await axeCheck(page)
    const newPassword = `${person.password}-bis`
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword)
    await page.getByLabel('Confirmez votre nouveau mot de passe').fill(newPassword)
    await activateByKeyboard(page, 'Changer mon mot de passe')
    expect(pathOf(page)).toBe('/connexion')
    const nextCode = await passwordStep(h, page, person.email, newPassword)
    await typeCode(page, nextCode)
    await expectLoggedInAs(page, name)
    expectNoPageProblems(problems)
  })
})
