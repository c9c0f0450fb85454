/**
 * The account managers' guide walked in a real browser at 1280 px, as a manager would, from a
 * user's request to its end: the user registers (user guide §2.1) with their names swapped and a
 * site forgotten, confirms the address; the manager activates the request (« L'interface de
 * gestion » §4), fixes the swapped names AND adds the forgotten site, THEN « Valider » (§3.1,
 * §3.4.1), removes a site (§3.4.2), tries to remove the last one (refused with the guide's
 * sentence), deactivates (§5), reactivates (§4), and resends the unlock email to the locked user
 * (§7). Emails come through the harness's real SMTP server. A screenshot of each step is written
 * under test-output/guide-walkthrough/ for review (the folder is not versioned).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { expectNoPageProblems, focusByTab, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { linkIn } from '../helpers/mailbox.ts'
import { activateByKeyboard, expectEmailAfter, h1Of, mainText, navigating, pathOf, subjects, typeEmailAndPassword } from './self-service-steps.ts'
import { adminSubjects, adminWords, chooseAction, chooseSiteInCombobox, rowOf, siteLabelsOn } from './administration-steps.ts'

const shots = new URL('../../test-output/guide-walkthrough/', import.meta.url)
const person = { email: 'camille.bertin@chu-a.fr', lastName: 'Bertin', firstName: 'Camille', password: 'Cerisier-en-fleur-27!' }

describe('the guide walked at 1280 px: a request from registration to the unlock email', { timeout: 600_000 }, () => {
  let h: BrowserHarness
  let a: TestHospital
  let managerA: string
  let step = 0

  beforeAll(async () => {
    h = await startBrowserHarness({ smtp: true })
    a = (await createTwoHospitals(h.db)).a
    managerA = await createAccount(h.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Admin', firstName: 'Démo' })
    await mkdir(shots, { recursive: true })
  })
  afterAll(async () => { await h?.close() })

  async function screenshot (page: Page, name: string): Promise<void> {
    step++
    await writeFile(new URL(`${String(step).padStart(2, '0')}-${name}.png`, shots), await page.screenshot({ fullPage: true }))
  }
  const accountOf = () => h.db.selectFrom('account').select(['id', 'last_name', 'first_name', 'activated_at', 'deactivated_at', 'locked_at'])
    .where('email', '=', person.email).executeTakeFirstOrThrow()
  const sitesOf = async (id: string) => (await h.db.selectFrom('account_site').select('site_id').where('account_id', '=', id).execute()).map((r) => r.site_id).sort()

  it('registers, confirms, is activated, corrected in one « Valider », loses a site but never the last, is deactivated, reactivated and gets a new unlock email', async () => {
    // The user registers with the names swapped, on MARHEA only (MALO is forgotten).
    const user = await h.openPage()
    await user.page.setViewportSize({ width: 1280, height: 900 })
    await user.page.goto(h.url('/inscription'))
    // As people fill it: identity first, the hospital last; its sites appear in place (JavaScript).
    await user.page.getByRole('radio', { name: 'Mme' }).check()
    await user.page.getByLabel('Nom', { exact: true }).fill(person.firstName)
    await user.page.getByLabel('Prénom', { exact: true }).fill(person.lastName)
    await user.page.getByLabel(/^Email professionnel/).fill(person.email)
    await user.page.getByLabel('Mot de passe', { exact: true }).fill(person.password)
    await user.page.getByLabel('Confirmez votre mot de passe').fill(person.password)
    await user.page.getByRole('combobox', { name: 'Profession' }).selectOption({ label: 'Médecin' })
    await user.page.getByRole('combobox', { name: /^Hôpital/ }).selectOption({ label: `${a.name} (Ville)` })
    expect(await user.page.getByLabel('Nom', { exact: true }).inputValue()).toBe(person.firstName)
    await user.page.getByRole('checkbox', { name: /^Maladies rénales rares/ }).check()
    await user.page.getByRole('checkbox', { name: 'J’accepte les conditions générales d’utilisation' }).check()
    await screenshot(user.page, 'inscription')
    const confirmation = await expectEmailAfter(h, person.email, subjects.confirmation, () => activateByKeyboard(user.page, 'S’inscrire'))
    expect(pathOf(user.page)).toBe('/inscription/envoyee')

    // The confirmation link: a page with one button.
    await user.page.goto(linkIn(confirmation))
    await activateByKeyboard(user.page, 'Confirmer mon adresse email')
    expect(await h1Of(user.page)).toBe('Votre adresse email est confirmée')
    await screenshot(user.page, 'adresse-confirmee')
    const { id } = await accountOf()

    // The manager activates the request (§4): « Actions » → « Activer le compte », the checklist.
    const manager = await h.openPage()
    await manager.page.setViewportSize({ width: 1280, height: 900 })
    await h.signIn(manager.context, managerA)
    const page = manager.page
    await page.goto(h.url('/gestion'))
    expect(await rowOf(page, 'Camille').innerText()).toContain('En attente d’activation')
    await screenshot(page, 'liste-demande')
    await chooseAction(page, 'Camille Bertin', 'Activer le compte')
    expect(await mainText(page)).toContain(adminWords.checklistIntro)
    await screenshot(page, 'activation')
    await expectEmailAfter(h, person.email, adminSubjects.activated, async () => {
      await focusByTab(page, 'Activer le compte')
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    expect(await rowOf(page, 'Camille').innerText()).toContain('Actif')

    // §3.1 and §3.4.1 on one form: the names swapped back AND the forgotten site added, THEN « Valider ».
    await chooseAction(page, 'Camille Bertin', 'Modifier')
    expect(await h1Of(page)).toBe('Modifier le profil de Camille Bertin')
    await page.getByRole('button', { name: 'Inverser nom et prénom' }).focus()
    await page.keyboard.press('Enter')
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe(person.lastName)
    await chooseSiteInCombobox(page, 'Malo', 'MALO — Malformations ORL rares')
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe(person.lastName)
    await screenshot(page, 'fiche-corrigee-avant-valider')
    await page.getByRole('button', { name: 'Valider' }).focus()
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await page.getByRole('status').first().innerText()).toContain('Les modifications sont enregistrées.')
    expect(await accountOf()).toMatchObject({ last_name: person.lastName, first_name: person.firstName })
    expect(await sitesOf(id)).toEqual([a.siteIds[0], a.siteIds[1]].sort())
    await screenshot(page, 'fiche-enregistree')

    // §3.4.2: a site removed with the cross on its label, then « Valider ».
    await page.getByRole('button', { name: 'Retirer le site MARHEA — Maladies rénales rares' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Valider' }).focus()
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await sitesOf(id)).toEqual([a.siteIds[0]])

    // The last site cannot go: the guide's sentence, and nothing changes.
    await page.getByRole('button', { name: 'Retirer le site MALO — Malformations ORL rares' }).focus()
    await page.keyboard.press('Enter')
    expect(await page.getByRole('alert').innerText()).toContain(adminWords.lastSite)
    expect(await siteLabelsOn(page)).toEqual(['MALO — Malformations ORL rares (CHU de Test A)'])
    await screenshot(page, 'dernier-site')
    expect(await sitesOf(id)).toEqual([a.siteIds[0]])

    // §5: deactivated from the edit page's actions, with its confirmation page.
    await page.reload()
    await focusByTab(page, 'Désactiver le compte', 80)
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await h1Of(page)).toBe('Désactiver le compte de Bertin Camille')
    await focusByTab(page, 'Désactiver le compte')
    await navigating(page, () => page.keyboard.press('Enter'))
    expect(await rowOf(page, 'Bertin').innerText()).toContain('Désactivé')
    expect((await accountOf()).deactivated_at).not.toBeNull()
    await screenshot(page, 'desactive')

    // §4: reactivated (the same checklist page), the user is told by email.
    await expectEmailAfter(h, person.email, adminSubjects.activated, async () => {
      await chooseAction(page, 'Bertin Camille', 'Activer le compte')
      await focusByTab(page, 'Activer le compte')
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    expect(await rowOf(page, 'Bertin').innerText()).toContain('Actif')
    expect((await accountOf()).deactivated_at).toBeNull()

    // §7: the user locks their account with wrong passwords; the manager resends the unlock email
    // from the edit page, where the status says « Verrouillé ».
    await user.page.goto(h.url('/connexion'))
    for (let attempt = 0; attempt < h.config.rules.maximumFailedPasswords; attempt++) {
      await typeEmailAndPassword(user.page, person.email, 'Mauvais-mot-de-passe-1!')
    }
    expect((await accountOf()).locked_at).not.toBeNull()
    await page.goto(h.url(`/gestion/comptes/${id}`))
    expect(await page.locator('.account-state').innerText()).toContain('Verrouillé')
    await screenshot(page, 'fiche-verrouillee')
    const unlock = await expectEmailAfter(h, person.email, adminSubjects.unlock, async () => {
      await focusByTab(page, 'Renvoyer le mail de déverrouillage', 80)
      await navigating(page, () => page.keyboard.press('Enter'))
    })
    expect(await page.getByRole('status').innerText()).toContain(`Un nouvel email de déverrouillage a été envoyé à ${person.email}.`)
    expect(linkIn(unlock)).toContain(h.baseUrl)
    await screenshot(page, 'deverrouillage-renvoye')
    expectNoPageProblems(manager.problems)
    expectNoPageProblems(user.problems)
  })
})
