/**
 * In a real browser following the user guide: §3.5 « Compte
 * verrouillé » (three wrong passwords, one email « Déverrouillez votre compte », its link), and
 * §3.2 « Procédure d'authentification »: the code works only in the browser that entered the
 * password, only for 1 minute, and « Envoyer un nouveau code » kills the previous one. Emails
 * come through the harness's real SMTP server; the app's clock is the harness's TestClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seconds } from '../../src/config.ts'
import { expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { codeIn, linkIn } from '../helpers/mailbox.ts'
import {
  activateByKeyboard, countEmails, expectEmailAfter, expectLoggedInAs, h1Of, logIn, outboxCount, passwordStep,
  pathOf, subjects, typeCode, typeEmailAndPassword, words,
} from './self-service-steps.ts'

const sessionsOf = (h: BrowserHarness, accountId: string) =>
  h.db.selectFrom('session').select('id_digest').where('account_id', '=', accountId).execute()

describe('self-service in a real browser: lockout, code bound to its browser, code expiry', () => {
  let h: BrowserHarness
  let a: TestHospital
  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    a = (await createTwoHospitals(h.db)).a
  })
  afterAll(async () => { await h?.close() })

  const newAccount = (email: string, firstName: string, lastName: string) =>
    createAccount(h.db, { email, firstName, lastName, siteIds: [a.siteIds[0] as string] })

  it('locks the account after three wrong passwords, sends one unlock email, and its link unlocks it (§3.5)', async () => {
    const email = 'paul.bernard@chu-a.fr'
    const accountId = await newAccount(email, 'Paul', 'Bernard')
    const { page, problems } = await h.openPage()
    await page.goto(h.url('/connexion'))

    // « Lorsque vous saisissez trois fois un mauvais mot de passe […] votre compte est bloqué :
    // un email vous est adressé ».
    for (const wrong of ['Mauvais-passe-1!', 'Mauvais-passe-2!', 'Mauvais-passe-3!']) {
      await typeEmailAndPassword(page, email, wrong)
      expect(pathOf(page)).toBe('/connexion')
      expect(await page.getByRole('alert').innerText()).toContain(words.rejected)
    }
    const unlock = await h.smtp!.waitForEmail(email, { subject: subjects.unlock })

    // The right password now gets the very same answer, and neither a code nor a second email.
    await typeEmailAndPassword(page, email, testPassword)
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.getByRole('alert').innerText()).toContain(words.rejected)
    expect(await outboxCount(h, email, 'unlock')).toBe(1)
    expect(await outboxCount(h, email, 'oneTimeCode')).toBe(0)
    await expect.poll(() => h.db.selectFrom('outbox').select('id').where('recipient', '=', email).where('status', '!=', 'sent').execute()).toEqual([])
    expect(countEmails(h, email, subjects.unlock)).toBe(1)
    expect(await sessionsOf(h, accountId)).toEqual([])

    // « Il vous invite à cliquer sur un lien qui va déverrouiller votre compte »: a page with one
    // button, then the login page, not logged in.
    await page.goto(linkIn(unlock))
    expect(await h1Of(page)).toBe('Déverrouiller votre compte')
    await activateByKeyboard(page, 'Déverrouiller mon compte')
    expect(pathOf(page)).toBe('/connexion')
    expect(await page.getByRole('status').innerText()).toContain(words.unlocked)
    expect(await page.locator('header .account-menu').count()).toBe(0)

    await logIn(h, page, email, testPassword, 'Paul Bernard')
    expect(await sessionsOf(h, accountId)).toHaveLength(1)

    // The link served once.
    await page.goto(linkIn(unlock))
    expect(await h1Of(page)).toBe('Lien de déverrouillage invalide')
    expectNoPageProblems(problems)
  })

  it('accepts the code only in the browser that entered the password; another browser starts again with a new code (§3.2)', async () => {
    const email = 'marc.petit@chu-a.fr'
    const accountId = await newAccount(email, 'Marc', 'Petit')
    const first = await h.openPage()
    const second = await h.openPage()

    // Browser A: the password, then the code arrives by email.
    await first.page.goto(h.url('/connexion'))
    const codeOfA = await passwordStep(h, first.page, email, testPassword)

    // Browser B, which entered nothing, has no code page: back to the login page…
    await second.page.goto(h.url('/connexion/code'))
    expect(pathOf(second.page)).toBe('/connexion')
    expect(await second.page.getByLabel('Code à usage unique').count()).toBe(0)
    // … and A's code sent from B (with B's own CSRF token) is turned away, asking to start again.
    const csrf = await second.page.locator('input[name="_csrf"]').first().inputValue()
    const forced = await second.context.request.post(h.url('/connexion/code'), { form: { _csrf: csrf, code: codeOfA } })
    expect(new URL(forced.url()).pathname).toBe('/connexion')
    expect(await forced.text()).toContain(words.restart)
    expect(await sessionsOf(h, accountId)).toEqual([])

    // B enters the password itself: « Tout changement de navigateur […] entrainera la génération
    // d'un nouveau code temporaire. » A's code typed in B is wrong there.
    const codeOfB = await passwordStep(h, second.page, email, testPassword)
    expect(codeOfB).not.toBe(codeOfA)
    await typeCode(second.page, codeOfA)
    expect(pathOf(second.page)).toBe('/connexion/code')
    expect(await second.page.locator('#code-erreur').innerText()).toContain(words.wrongCode)
    expect(await sessionsOf(h, accountId)).toEqual([])
    await typeCode(second.page, codeOfB)
    await expectLoggedInAs(second.page, 'Marc Petit')
    expect(await sessionsOf(h, accountId)).toHaveLength(1)

    // A's code, now in A: that login attempt was replaced by B's, so A starts again too.
    await typeCode(first.page, codeOfA)
    expect(pathOf(first.page)).toBe('/connexion')
    expect(await first.page.getByRole('status').innerText()).toContain(words.restart)
    expect(await first.page.locator('header .account-menu').count()).toBe(0)
    expect(await sessionsOf(h, accountId)).toHaveLength(1)
    await logIn(h, first.page, email, testPassword, 'Marc Petit')
    expect(await sessionsOf(h, accountId)).toHaveLength(2)
    expectNoPageProblems(first.problems)
    expectNoPageProblems(second.problems)
  })

  it('refuses a code after its minute; « Envoyer un nouveau code » emails another and kills the old one (§3.2)', async () => {
    const email = 'julie.roux@chu-a.fr'
    const accountId = await newAccount(email, 'Julie', 'Roux')
    const { page, problems } = await h.openPage()
    await page.goto(h.url('/connexion'))
    const oldCode = await passwordStep(h, page, email, testPassword)

    // « Le code fourni dans l'email n'est valable que pendant 1 minute. »
    h.clock.advance(seconds(61))
    await typeCode(page, oldCode)
    expect(pathOf(page)).toBe('/connexion/code')
    expect(await page.getByRole('alert').innerText()).toContain(words.codeExpired)
    expect(await sessionsOf(h, accountId)).toEqual([])

    // « Passé ce délai, […] cliquant sur "envoyer un nouveau code" en bas du cadre ».
    const renewed = await expectEmailAfter(h, email, subjects.code, () => activateByKeyboard(page, 'Envoyer un nouveau code'))
    expect(await page.getByRole('status').innerText()).toContain(words.newCodeSent)
    const newCode = codeIn(renewed)
    expect(newCode).not.toBe(oldCode)
    expect(countEmails(h, email, subjects.code)).toBe(2)

    await typeCode(page, oldCode)
    expect(pathOf(page)).toBe('/connexion/code')
    expect(await page.locator('#code-erreur').innerText()).toContain(words.wrongCode)
    expect(await sessionsOf(h, accountId)).toEqual([])

    await typeCode(page, newCode)
    expect(pathOf(page)).toBe('/mon-compte')
    await expectLoggedInAs(page, 'Julie Roux')
    expect(await sessionsOf(h, accountId)).toHaveLength(1)
    expectNoPageProblems(problems)
  })
})
