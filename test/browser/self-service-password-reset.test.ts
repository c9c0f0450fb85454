/**
 * In a real browser following the user guide §3.3 « Mot de passe
 * oublié »: the link under the login box, « Envoyer la demande », the email « Changez votre mot
 * de passe », « nouveau mot de passe » / « confirmez votre nouveau mot de passe », « Changer mon
 * mot de passe », back to the login page, and a login with the new password and a code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, testPassword } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import {
  activateByKeyboard, expectEmailAfter, h1Of, logIn, mainText, outboxCount, pathOf, subjects,
  typeEmailAndPassword, words,
} from './self-service-steps.ts'

describe('self-service in a real browser: forgotten password', () => {
  let h: BrowserHarness
  beforeAll(async () => { h = await startBrowserHarness({ smtp: true }) })
  afterAll(async () => { await h?.close() })

  it('follows « Mot de passe oublié ? » to a new password, then logs in with it and a code (§3.3)', async () => {
    const { a } = await createTwoHospitals(h.db)
    const email = 'lucie.moreau@chu-a.fr'
    const accountId = await createAccount(h.db, { email, firstName: 'Lucie', lastName: 'Moreau', siteIds: [a.siteIds[1] as string] })
    const newPassword = 'Glycine sous la pluie, 2026 !'
    const { page, problems } = await h.openPage()

    // « cliquant sur "Mot de passe oublié ?", en bas du cadre de la page de connexion ».
    await page.goto(h.url('/connexion'))
    await activateByKeyboard(page, 'Mot de passe oublié ?')
    expect(pathOf(page)).toBe('/mot-de-passe-oublie')
    expect(await h1Of(page)).toBe('Mot de passe oublié')

    // « Une nouvelle page vous demande de saisir votre adresse email. Cliquez ensuite sur
    // "Envoyer la demande". »
    await page.getByLabel(/^Adresse email professionnelle/).fill(email)
    const resetEmail = await expectEmailAfter(h, email, subjects.reset, () => activateByKeyboard(page, 'Envoyer la demande'))
    expect(pathOf(page)).toBe('/mot-de-passe-oublie/envoye')
    expect(await mainText(page)).toContain('vous allez recevoir un email intitulé « BaMaRa - Changez votre mot de passe »')

    // « Il vous invite à cliquer sur un lien qui vous ouvre une page vous permettant de changer
    // votre mot de passe. »
    const tokenPage = await page.goto(linkIn(resetEmail))
    expect(tokenPage?.headers()['referrer-policy']).toBe('no-referrer')
    expect(await h1Of(page)).toBe('Changer mon mot de passe')

    // Two different entries first: the page says so and keeps the old password.
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword)
    await page.getByLabel('Confirmez votre nouveau mot de passe').fill(`${newPassword}?`)
    await activateByKeyboard(page, 'Changer mon mot de passe')
    expect(pathOf(page)).toBe('/reinitialisation')
    expect(await page.locator('#confirmation-erreur').innerText()).toContain('Les deux mots de passe ne sont pas identiques.')

    // « Saisissez votre nouveau mot de passe une première fois dans le champ "nouveau mot de
    // passe", puis dans le champ "confirmez votre nouveau mot de passe" […] Cliquez alors sur
    // "changer mon mot de passe". Vous serez redirigé vers la page de connexion. »
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword)
    await page.getByLabel('Confirmez votre nouveau mot de passe').fill(newPassword)
    await activateByKeyboard(page, 'Changer mon mot de passe')
    expect(pathOf(page)).toBe('/connexion')
    expect(await h1Of(page)).toBe('Connexion à BaMaRa')
    expect(await page.getByRole('status').innerText()).toContain(words.passwordChanged)
    expect(await page.locator('header .account-menu').count()).toBe(0)
    await expect.poll(() => outboxCount(h, email, 'passwordChanged')).toBe(1)

    // The old password no longer opens the account; the new one does, with a code.
    await typeEmailAndPassword(page, email, testPassword)
    expect(await page.getByRole('alert').innerText()).toContain(words.rejected)
    await logIn(h, page, email, newPassword, 'Lucie Moreau')
    const sessions = await h.db.selectFrom('session').select('id_digest').where('account_id', '=', accountId).execute()
    expect(sessions).toHaveLength(1)

    // The link served once.
    await page.goto(linkIn(resetEmail))
    expect(await h1Of(page)).toBe('Lien de réinitialisation invalide ou expiré')
    expectNoPageProblems(problems)
  })
})
