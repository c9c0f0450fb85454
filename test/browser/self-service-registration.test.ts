/**
 * In a real browser following the user guide step by step: §2.1
 * « S'inscrire » (form, email « Veuillez confirmer votre adresse email », confirmation page),
 * the refusal before activation (§2.1, the account is activated straight in the database until
 * the administration console takes over), §3.1–3.2 login with the emailed code, « Mon compte »,
 * §3.4 « Session expirée » (30 minutes without activity, back to the page one was on) and
 * « Se déconnecter » (name at the top right, « Déconnexion »). Keyboard only where the guide
 * names a link or a button; the emails come through the harness's real SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { minutes } from '../../src/config.ts'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import {
  activateByKeyboard, expectEmailAfter, h1Of, logIn, mainText, navigating, openAccountMenu, pathOf,
  subjects, typeEmailAndPassword, words,
} from './self-service-steps.ts'

const person = { email: 'anne.lefevre@chu-a.fr', lastName: 'Lefèvre', firstName: 'Anne', password: 'Cerisier-en-fleur-27!' }
const name = `${person.firstName} ${person.lastName}`

// A long walkthrough in a real browser: more time than the default per test on a busy machine.
describe('self-service in a real browser: register, confirm, log in, session expiry, logout', { timeout: 60_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    a = (await createTwoHospitals(h.db)).a
  })
  afterAll(async () => { await h?.close() })

  it('follows the guide from « S’inscrire » to « Déconnexion »', async () => {
    const { page, problems } = await h.openPage()

    // §2.1: « cliquez sur "s'inscrire" en bas du cadre ».
    await page.goto(h.url('/'))
    expect(pathOf(page)).toBe('/connexion')
    await activateByKeyboard(page, 'S’inscrire')
    expect(pathOf(page)).toBe('/inscription')
    expect(await h1Of(page)).toBe('S’inscrire')

    // « Remplissez les différents champs proposés. »
    await page.getByRole('radio', { name: 'Mme' }).check()
    await page.getByLabel('Nom', { exact: true }).fill(person.lastName)
    await page.getByLabel('Prénom', { exact: true }).fill(person.firstName)
    await page.getByLabel(/^Email professionnel/).fill(person.email)
    await page.getByLabel('Mot de passe', { exact: true }).fill(person.password)
    // Each rule of the guide is shown met as the user types.
    await expect.poll(() => page.locator('[data-rule="special"] [data-rule-state]').textContent()).toContain('respectée')
    expect(await page.locator('[data-rule-state]').allTextContents()).not.toContain('non respectée')
    await page.getByLabel('Confirmez votre mot de passe').fill(person.password)
    await page.getByRole('combobox', { name: 'Profession' }).selectOption({ label: 'Médecin' })
    // « Sélectionnez votre hôpital, puis sélectionner le service »: its sites appear in place.
    await page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${a.name} (Ville)` })
    await page.getByRole('checkbox', { name: /^Malformations ORL rares/ }).waitFor()
    // Sites searchable by the lead's name: only « Malformations ORL rares » is left to tick.
    await page.getByRole('searchbox', { name: /^Rechercher un site/ }).fill('duflo')
    const site = page.getByRole('checkbox', { name: /^Malformations ORL rares/ })
    expect(await page.locator('#sites-liste label:visible').count()).toBe(1)
    await site.focus()
    await page.keyboard.press('Space')
    expect(await site.isChecked()).toBe(true)
    const cgu = page.getByRole('checkbox', { name: 'J’accepte les conditions générales d’utilisation' })
    await cgu.focus()
    await page.keyboard.press('Space')
    await axeCheck(page)

    // « Enfin, cliquez sur "S'inscrire". Une nouvelle page s'affiche vous informant que vous
    // allez recevoir un email vous demandant de confirmer votre adresse email ».
    const confirmation = await expectEmailAfter(h, person.email, subjects.confirmation, () => activateByKeyboard(page, 'S’inscrire'))
    expect(pathOf(page)).toBe('/inscription/envoyee')
    expect(await h1Of(page)).toBe('Confirmez votre adresse email')
    expect(await mainText(page)).toContain('Vous allez recevoir un email vous demandant de confirmer votre adresse email')

    // « Cliquez sur ce lien, il vous ouvre une nouvelle page […] vous indiquant que votre compte
    // a bien été confirmé. » The link's page shows one button (mail scanners only GET).
    await page.goto(linkIn(confirmation))
    expect(await h1Of(page)).toBe('Confirmer votre adresse email')
    await activateByKeyboard(page, 'Confirmer mon adresse email')
    expect(await h1Of(page)).toBe('Votre adresse email est confirmée')
    expect(await mainText(page)).toContain('Un gestionnaire des comptes de votre établissement doit maintenant activer votre compte.')

    // « Si vous tentez de vous connecter avant cette validation, le message d'erreurs suivant
    // s'affichera »: only after the correct password.
    await activateByKeyboard(page, 'Aller à la page de connexion')
    await typeEmailAndPassword(page, person.email, person.password)
    expect(await h1Of(page)).toBe('Compte en attente d’activation')
    expect(await mainText(page)).toContain('Votre compte n’a pas encore été activé par un gestionnaire de comptes de votre hôpital.')
    expect(await h.db.selectFrom('session').select('id_digest').execute()).toEqual([])

    // §2.2: an account manager activates the account (straight in the database for now).
    await h.db.updateTable('account').set({ activated_at: h.clock.now() }).where('email', '=', person.email).execute()

    // §3.1–3.2: email and password, then the « Code à usage unique » from the email.
    await activateByKeyboard(page, 'Retour à la page de connexion')
    await logIn(h, page, person.email, person.password, name)
    expect(pathOf(page)).toBe('/mon-compte')

    // « Mon compte », from the menu under the name.
    await openAccountMenu(page)
    await page.keyboard.press('Tab')
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(pathOf(page)).toBe('/mon-compte')
    expect(await h1Of(page)).toBe('Mon compte')
    const account = await mainText(page)
    expect(account).toContain(person.email)
    expect(account).toContain('Malformations ORL rares (MALO)')

    // §3.4: 30 minutes without activity end the session; the next page asks to log in again…
    h.clock.advance(minutes(30) + 1000)
    await page.reload()
    expect(pathOf(page)).toBe('/connexion')
    expect(new URL(page.url()).searchParams.get('retour')).toBe('/mon-compte')
    expect(await page.getByRole('status').innerText()).toContain(words.sessionExpired)
    expect(await page.locator('header .account-menu').count()).toBe(0)
    // … « Cliquez sur "se connecter" pour retourner sur la page d'où vous avez été déconnecté. »
    await logIn(h, page, person.email, person.password, name)
    expect(pathOf(page)).toBe('/mon-compte')
    expect(await h1Of(page)).toBe('Mon compte')

    // « Se déconnecter »: « cliquer sur votre nom en haut à droite de l'écran, et sélectionner
    // "Déconnexion" ».
    await openAccountMenu(page)
    await activateByKeyboard(page, 'Déconnexion')
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.getByRole('status').innerText()).toBe(words.loggedOut)
    const accountId = (await h.db.selectFrom('account').select('id').where('email', '=', person.email).executeTakeFirstOrThrow()).id
    expect(await h.db.selectFrom('session').select('id_digest').where('account_id', '=', accountId).execute()).toEqual([])

    // The back button and a reload ask the server again: no account data without a session.
    await page.goBack()
    expect(pathOf(page)).toBe('/connexion')
    expect(new URL(page.url()).searchParams.get('retour')).toBe('/mon-compte')
    expect(await page.content()).not.toContain(person.email)
    expect(await page.locator('header .account-menu').count()).toBe(0)
    await page.reload()
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.content()).not.toContain(person.email)
    await page.goto(h.url('/mon-compte'))
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.content()).not.toContain(person.email)
    expectNoPageProblems(problems)
  })

})
