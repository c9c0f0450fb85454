/**
 * the self-service pages work in a browser without JavaScript (RGAA;
 * every script is progressive enhancement) and have no axe violation (WCAG 2.1 A and AA):
 * login, code, registration with a hospital chosen (and with an error shown), the email
 * confirmation pages, forgotten password, the reset form and « Mon compte ». Keyboard only,
 * as in the guide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import {
  activateByKeyboard, expectEmailAfter, expectLoggedInAs, h1Of, logIn, mainText, navigating, openAccountMenu, passwordStep, pathOf,
  subjects, typeCode, words,
} from './self-service-steps.ts'

const person = { email: 'hugo.garnier@chu-a.fr', lastName: 'Garnier', firstName: 'Hugo', password: 'Tilleul-argenté-1984?' }

// axe takes a second or two per page on a busy machine: more time than the default per test.
describe('self-service pages without JavaScript, checked by axe', { timeout: 60_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    a = (await createTwoHospitals(h.db)).a
  })
  afterAll(async () => { await h?.close() })

  it('registers and confirms the address without JavaScript: login, registration (hospital chosen, then an error), sent and confirmation pages', async () => {
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
    expect(await page.locator('#sites-liste input[type="checkbox"]').count()).toBe(4)
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

    // Without the terms accepted: the page comes back with the error, and keeps what was typed.
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
    const account = await h.db.selectFrom('account').select(['email_confirmed_at', 'activated_at']).where('email', '=', person.email).executeTakeFirstOrThrow()
    expect(account.email_confirmed_at).not.toBeNull()
    expect(account.activated_at).toBeNull()
    expectNoPageProblems(problems)
  })

  it('logs in with the code and shows « Mon compte » without JavaScript: code page (also with an error) and account page', async () => {
    const email = 'ines.fabre@chu-a.fr'
    await createAccount(h.db, { email, firstName: 'Inès', lastName: 'Fabre', siteIds: [a.siteIds[2] as string] })
    const { page, problems } = await h.openPage({ javaScript: false })
    await page.goto(h.url('/connexion'))
    const code = await passwordStep(h, page, email, testPassword)
    await axeCheck(page)
    await typeCode(page, '1234')
    expect(await page.locator('#code-erreur').innerText()).toBe('Le code est composé de 8 chiffres.')
    await axeCheck(page)
    await typeCode(page, code)
    await expectLoggedInAs(page, 'Inès Fabre')

    await openAccountMenu(page)
    await page.keyboard.press('Tab')
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await h1Of(page)).toBe('Mon compte')
    expect(await mainText(page)).toContain('Centre de compétence mucoviscidose')
    await axeCheck(page)

    await openAccountMenu(page)
    await activateByKeyboard(page, 'Déconnexion')
    expect(await page.getByRole('status').innerText()).toBe(words.loggedOut)
    expectNoPageProblems(problems)
  })

  it('resets a forgotten password without JavaScript: request page and reset form', async () => {
    const email = 'remi.caron@chu-a.fr'
    await createAccount(h.db, { email, firstName: 'Rémi', lastName: 'Caron', siteIds: [a.siteIds[0] as string] })
    const { page, problems } = await h.openPage({ javaScript: false })
    await page.goto(h.url('/connexion'))
    await activateByKeyboard(page, 'Mot de passe oublié ?')
    expect(await h1Of(page)).toBe('Mot de passe oublié')
    await axeCheck(page)
    await page.getByLabel(/^Adresse email professionnelle/).fill(email)
    const reset = await expectEmailAfter(h, email, subjects.reset, () => activateByKeyboard(page, 'Envoyer la demande'))
    await page.goto(linkIn(reset))
    expect(await h1Of(page)).toBe('Changer mon mot de passe')
    await axeCheck(page)
    const newPassword = 'Noisetier-du-jardin-73%'
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword)
    await page.getByLabel('Confirmez votre nouveau mot de passe').fill(newPassword)
    await activateByKeyboard(page, 'Changer mon mot de passe')
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.getByRole('status').innerText()).toContain(words.passwordChanged)
    await logIn(h, page, email, newPassword, 'Rémi Caron')
    expectNoPageProblems(problems)
  })
})
