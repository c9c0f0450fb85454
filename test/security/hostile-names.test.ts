/**
 * Names are data (user guide §2.1, admin guide §3.1; ASVS 1.2.x, 1.3.x): every form that writes a
 * name applies registration's rule (kernel/accounts/person-names.ts), so line breaks, markup and
 * digits are refused with the same message; and an email built from a name that got into the
 * database some other way (an import, an older version) still has no extra header and no extra
 * line: the mail kernel renders every inserted value on one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { signIn } from '../helpers/session.ts'
import { lastEmailTo } from '../helpers/mailbox.ts'
import { composeEmail } from '../../src/kernel/mail/compose.ts'

const hostileNames = ['Dupont\r\nBcc: pirate@exemple.fr', 'Dupont\nX-Injected: 1', '<b>Dupont</b>', '<script>alert(1)</script>', 'Dupont\u2028Martin', 'R2D2']
const frenchMessage = 'Ce champ ne peut contenir que des lettres, des espaces, des tirets, des apostrophes et des points.'
const englishMessage = 'This field may only contain letters, spaces, hyphens, apostrophes and full stops.'

describe(`hostile names: one rule on every write, one line in every email (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let manager: TestBrowser
  let target = ''
  const identity = (overrides: Record<string, string>) => ({
    civilite: 'm', nom: 'Dupont', prenom: 'Jean', profession: 'medecin', email: 'cible@chu-a.fr', action: 'enregistrer', ...overrides,
  })
  const namesOf = async (id: string) => t.db.selectFrom('account').select(['last_name', 'first_name', 'search_text']).where('id', '=', id).executeTakeFirstOrThrow()

  beforeAll(async () => {
    t = await buildTestApp()
    ;({ a } = await createTwoHospitals(t.db))
    const managerId = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId] })
    target = await createAccount(t.db, { email: 'cible@chu-a.fr', lastName: 'Dupont', firstName: 'Jean', siteIds: [a.siteIds[0] as string] })
    manager = new TestBrowser(t.app)
    await signIn(t, manager, managerId)
  })
  afterAll(async () => { await t?.close() })

  it("refuses line breaks, markup and digits in the manager's edit of a name, with registration's message, and changes nothing", async () => {
    const before = await namesOf(target)
    for (const name of hostileNames) {
      for (const field of ['nom', 'prenom']) {
        const response = await manager.post(`/gestion/comptes/${target}`, identity({ [field]: name }))
        expect(response.statusCode, `${field}=${JSON.stringify(name)}`).toBe(400)
        expect(response.body, `${field}=${JSON.stringify(name)}`).toContain(frenchMessage)
        const swapped = await manager.post(`/gestion/comptes/${target}`, identity({ [field]: name, action: 'inverser' }))
        expect(swapped.statusCode, `swap with ${field}=${JSON.stringify(name)}`).toBe(400)
      }
    }
    const english = await manager.post(`/gestion/comptes/${target}`, identity({ nom: '<b>x</b>' }), { headers: { 'accept-language': 'en' } })
    expect(english.statusCode).toBe(400)
    expect(english.body).toContain(englishMessage)
    expect(await namesOf(target)).toEqual(before)
    const edits = await t.db.selectFrom('audit_event').select('type').where('type', '=', 'admin.accountEdited').execute()
    expect(edits).toEqual([])
    // Names with accents, apostrophes, hyphens and spaces are still taken.
    const fine = await manager.post(`/gestion/comptes/${target}`, identity({ nom: 'D’Alembert-Lévêque', prenom: 'Jean Marie' }))
    expect(fine.statusCode).toBe(303)
    expect(await namesOf(target)).toMatchObject({ last_name: 'D’Alembert-Lévêque', first_name: 'Jean Marie' })
  })

  it('gives the same message at registration', async () => {
    const anonymous = new TestBrowser(t.app)
    const response = await anonymous.post('/inscription', {
      civilite: 'm', nom: 'Dupont\r\nBcc: pirate@exemple.fr', prenom: '<b>Jean</b>', email: 'nouveau@chu-a.fr', motDePasse: 'Cerf-volant-bleu-2026!',
      confirmationMotDePasse: 'Cerf-volant-bleu-2026!', profession: 'medecin', hopital: a.id, sites: a.siteIds[0] as string, cgu: 'oui',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body.split(frenchMessage).length - 1).toBeGreaterThanOrEqual(2)
  })

  it('emails a name stored with CR/LF on one line: no extra header, no extra line in the text body', async () => {
    const plain = await createAccount(t.db, { email: 'plain@chu-a.fr', lastName: 'Martin', siteIds: [a.siteIds[0] as string], state: 'pendingActivation' })
    const hostile = await createAccount(t.db, { email: 'hostile@chu-a.fr', siteIds: [a.siteIds[0] as string], state: 'pendingActivation' })
    await t.db.updateTable('account').set({ last_name: 'Martin\r\nBcc: pirate@exemple.fr\r\n\r\nCliquez ici : http://pirate.example' }).where('id', '=', hostile).execute()
    for (const id of [plain, hostile]) expect((await manager.post(`/gestion/comptes/${id}/activer`, {})).statusCode).toBe(303)
    const reference = await lastEmailTo(t.db, 'plain@chu-a.fr')
    const email = await lastEmailTo(t.db, 'hostile@chu-a.fr')
    expect(email.template).toBe('accountActivated')
    const lines = email.text.split('\n')
    expect(lines.length).toBe(reference.text.split('\n').length)
    expect(email.text).not.toMatch(/\r|^Bcc:|^Cliquez ici/m)
    expect(lines[0]).toBe('Bonjour Madame Martin Bcc: pirate@exemple.fr Cliquez ici : http://pirate.example,')
    expect(email.subject).not.toMatch(/[\r\n]/)
    expect(email.html).not.toContain('<b>')
  })

  it('renders any part on one line and refuses a recipient that is not one bare address', () => {
    const context = { appName: 'BaMaRa', supportEmail: 'support@bamara.test', appBaseUrl: 'http://bamara.test' }
    const email = composeEmail(context, {
      template: 'test', to: 'claire@chu-a.fr', subject: 'Objet\r\nBcc: pirate@exemple.fr', greeting: { civility: 'mme', lastName: 'Martin\u2028Bcc: pirate@exemple.fr' },
      paragraphs: ['un\rdeux\n\ntrois\u0085quatre'], action: { label: 'Lien\n', url: 'http://bamara.test/x\r\ny' }, footnotes: ['a\u0000b'],
    })
    expect(email.subject).toBe('BaMaRa - Objet Bcc: pirate@exemple.fr')
    expect(email.text.split('\n').slice(0, 7)).toEqual(['Bonjour Madame Martin Bcc: pirate@exemple.fr,', '', 'un deux trois quatre', '', 'Lien  : http://bamara.test/x y', '', 'a b'])
    for (const to of ['a@chu-a.fr\r\nBcc: pirate@exemple.fr', 'a@chu-a.fr, pirate@exemple.fr', 'Pirate <pirate@exemple.fr>', 'a@chu-a.fr;b@chu-a.fr', '']) {
      expect(() => composeEmail(context, { template: 'test', to, subject: 'x', greeting: 'anyone', paragraphs: [] }), JSON.stringify(to)).toThrow(/recipient/)
    }
  })
})
