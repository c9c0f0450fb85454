/**
 * The pages whose wording changed, in a real browser at 1280 and 320 px, with axe (WCAG 2.1
 * A/AA): « Mon compte » of an account manager (corrections go to the super-administrators) and
 * the « adresse confirmée » page reached from the emailed link (one button, then the page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, expectNoPageProblems, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { lastEmailTo, pathOfLinkIn } from '../helpers/mailbox.ts'
import { sendConfirmationEmail } from '../../src/features/email-confirmation/index.ts'
import { h1Of, mainText, navigating } from './self-service-steps.ts'

describe('« Mon compte » and « adresse confirmée » in a real browser, with axe at 1280 and 320 px', () => {
  let h: BrowserHarness
  let a: TestHospital
  let manager: string

  beforeAll(async () => {
    h = await startBrowserHarness()
    ;({ a } = await createTwoHospitals(h.db))
    manager = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Gestion', firstName: 'Gaëlle' })
  })
  afterAll(async () => { await h?.close() })

  for (const width of [1280, 320]) {
    it(`points the account manager to the super-administrators on « Mon compte », at ${width} px`, async () => {
      const { context, page, problems } = await h.openPage()
      await page.setViewportSize({ width, height: 900 })
      await h.signIn(context, manager)
      await page.goto(h.url('/mon-compte'))
      const text = await mainText(page)
      expect(text).toContain('adressez-vous aux super-administrateurs de BaMaRa (équipe BNDMR)')
      expect(text).not.toContain('gestionnaire de comptes de votre établissement')
      await axeCheck(page)
      expectNoPageProblems(problems)
    }, 120_000)

    it(`says each thing once on the « adresse confirmée » page, at ${width} px`, async () => {
      const email = `confirme.${width}@chu-a.fr`
      const id = await createAccount(h.db, { email, siteIds: [a.siteIds[0] as string], state: 'unconfirmed' })
      await h.db.transaction().execute((tx) => sendConfirmationEmail(h.app.flow, tx, id))
      const { page, problems } = await h.openPage()
      await page.setViewportSize({ width, height: 900 })
      await page.goto(h.url(pathOfLinkIn(await lastEmailTo(h.db, email))))
      await page.getByRole('button', { name: 'Confirmer mon adresse email' }).focus()
      await navigating(page, () => page.keyboard.press('Enter'))
      expect(await h1Of(page)).toBe('Votre adresse email est confirmée')
      const text = await mainText(page)
      expect(text.split('Votre adresse email est confirmée')).toHaveLength(2)
      expect(text.split('Vous serez notifié par email')).toHaveLength(2)
      await axeCheck(page)
      expectNoPageProblems(problems)
    }, 120_000)
  }
})
