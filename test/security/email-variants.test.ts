/**
 * One mailbox, one account (ASVS 6.2 / checklist line 15): spellings of one address that mail
 * delivers to the same mailbox — a domain typed with U+FF0E, U+3002 or U+FF61 for its dots, upper
 * case, fullwidth letters — are one key for registration, login, forgotten password, the
 * per-address limits and the manager's email edit. Local parts holding invisible characters or
 * look-alike dots are refused with a clear message and a 400, in French and in English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { emailsTo } from '../helpers/mailbox.ts'
import { signIn } from '../helpers/session.ts'

/** The four addresses of the review, one mailbox: « alice.dupont@ext.aphp.fr ». */
const variantsOf = (local: string) => [`${local}@ext.aphp.fr`, `${local}@ext\uFF0Eaphp.fr`, `${local}@ext\u3002aphp.fr`, `${local}@ext\uFF61aphp.fr`]
const goodPassword = 'Cerf-volant-bleu-2026!'

function masked (response: LightMyRequestResponse): string {
  const body = response.body.replace(/nonce="[^"]*"/g, 'nonce="…"').replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="…"')
  return JSON.stringify({ status: response.statusCode, location: response.headers.location, body })
}

describe(`one mailbox, one account (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  const browser = (lang: 'fr' | 'en' = 'fr') => new TestBrowser(t.app, lang === 'en' ? { 'accept-language': 'en-GB,en;q=0.9' } : {})
  const registration = (email: string) => ({
    civilite: 'mme', nom: 'Dupont', prenom: 'Alice', email, motDePasse: goodPassword, confirmationMotDePasse: goodPassword,
    profession: 'medecin', hopital: a.id, sites: a.siteIds[0] as string, cgu: 'oui',
  })

  beforeAll(async () => {
    t = await buildTestApp({ rules: { registrationsPerEmail: 4, passwordResetRequestsPerAccount: 3, registrationsPerAddress: 1e6, passwordResetRequestsPerIp: 1e6 } })
    a = (await createTwoHospitals(t.db)).a
  })
  afterAll(async () => { await t?.close() })

  it('registers the four spellings of one mailbox as one account, the others taking the usual « already exists » path', async () => {
    const responses = []
    for (const email of variantsOf('alice.dupont')) responses.push(await browser().post('/inscription', registration(email)))
    expect(responses.map((r) => r.statusCode)).toEqual([303, 303, 303, 303])
    expect(new Set(responses.map(masked)).size).toBe(1)
    const accounts = await t.db.selectFrom('account').select('email').where('email', 'like', 'alice.dupont@%').execute()
    expect(accounts.map((r) => r.email)).toEqual(['alice.dupont@ext.aphp.fr'])
    const emails = await emailsTo(t.db, 'alice.dupont@ext.aphp.fr')
    expect(emails.map((e) => e.template).sort()).toEqual(['emailConfirmation', 'registrationAttemptOnExistingEmail', 'registrationAttemptOnExistingEmail', 'registrationAttemptOnExistingEmail'])
  })

  it('counts every spelling against the one per-address registration limit', async () => {
    const spellings = [...variantsOf('bruno.leroy'), 'BRUNO.LEROY@EXT.APHP.FR']
    const statuses = []
    for (const email of spellings) statuses.push((await browser().post('/inscription', registration(email))).statusCode)
    expect(statuses).toEqual([303, 303, 303, 303, 429])
  })

  it('logs in with any spelling of the address to the one account', async () => {
    await createAccount(t.db, { email: 'chloe.martin@ext.aphp.fr', siteIds: [a.siteIds[0] as string] })
    for (const email of variantsOf('chloe.martin').slice(1)) {
      const response = await browser().post('/connexion', { email, password: testPassword })
      expect(response.statusCode, email).toBe(303)
      expect(response.headers.location).toBe('/connexion/code')
    }
    const codes = (await emailsTo(t.db, 'chloe.martin@ext.aphp.fr')).filter((e) => e.template === 'oneTimeCode')
    expect(codes).toHaveLength(3)
  })

  it('sends the reset link of the one account for any spelling, and counts them all against its limit', async () => {
    await createAccount(t.db, { email: 'denis.petit@ext.aphp.fr', siteIds: [a.siteIds[0] as string] })
    const statuses = []
    for (const email of variantsOf('Denis.Petit')) statuses.push((await browser().post('/mot-de-passe-oublie', { email })).statusCode)
    expect(statuses).toEqual([303, 303, 303, 429])
    expect((await emailsTo(t.db, 'denis.petit@ext.aphp.fr')).filter((e) => e.template === 'passwordReset')).toHaveLength(3)
  })

  const unsafe = ['eve\u200B.durand@ext.aphp.fr', 'eve.\u200Cdurand@ext.aphp.fr', 'eve\u200D.durand@ext.aphp.fr', 'eve\uFEFF.durand@ext.aphp.fr',
    'eve\u2060.durand@ext.aphp.fr', 'eve\u2024durand@ext.aphp.fr', 'eve\uFF0Edurand@ext.aphp.fr', 'eve\u3002durand@ext.aphp.fr', 'eve\uFF61durand@ext.aphp.fr']

  it('refuses a registration whose address holds an invisible character or a look-alike dot, with a clear message and a 400', async () => {
    for (const email of unsafe) {
      const response = await browser().post('/inscription', registration(email))
      expect(response.statusCode, JSON.stringify(email)).toBe(400)
      expect(response.body).toContain('Cette adresse contient un caractère invisible ou qui imite une lettre ou un point (.)')
    }
    const english = await browser('en').post('/inscription', registration(unsafe[0] as string))
    expect(english.statusCode).toBe(400)
    expect(english.body).toContain('This address contains an invisible character or one that imitates a letter or a full stop (.)')
    expect(await t.db.selectFrom('account').select('id').where('last_name', '=', 'Dupont').where('email', 'like', 'eve%').execute()).toEqual([])
  })

  it('refuses such an address on the forgotten-password and confirmation-resend forms too, with the same message', async () => {
    for (const url of ['/mot-de-passe-oublie', '/confirmation/renvoyer']) {
      const response = await browser().post(url, { email: unsafe[3] as string })
      expect(response.statusCode, url).toBe(400)
      expect(response.body).toContain('caractère invisible')
      const english = await browser('en').post(url, { email: unsafe[7] as string })
      expect(english.statusCode, url).toBe(400)
      expect(english.body).toContain('invisible character')
    }
  })

  it("refuses the manager's email edit to another spelling of an existing account's address, and to an unsafe address", async () => {
    await createAccount(t.db, { email: 'fanny.roux@ext.aphp.fr', siteIds: [a.siteIds[0] as string] })
    const other = await createAccount(t.db, { email: 'gilles.roux@ext.aphp.fr', siteIds: [a.siteIds[0] as string] })
    const superadmin = await createAccount(t.db, { email: 'root@chu-a.fr', siteIds: [], isSuperadmin: true })
    const manager = browser()
    await signIn(t, manager, superadmin)
    const edit = (email: string) => manager.post(`/gestion/comptes/${other}`, { civilite: 'mme', nom: 'Roux', prenom: 'Gilles', profession: 'medecin', email, action: 'enregistrer' })
    const taken = await edit('Fanny.Roux@ext\u3002aphp.fr')
    expect(taken.statusCode).toBe(400)
    expect(taken.body).toContain('Cette adresse email est déjà celle d’un autre compte.')
    const refused = await edit('gilles\u200B.roux@ext.aphp.fr')
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('caractère invisible')
    expect(await t.db.selectFrom('account_token').select('digest').where('account_id', '=', other).execute()).toEqual([])
  })

  it("finds an account's events in the journal whatever the spelling of its address", async () => {
    const superadmin = await createAccount(t.db, { email: 'journal@chu-a.fr', siteIds: [], isSuperadmin: true })
    const manager = browser()
    await signIn(t, manager, superadmin)
    const journal = await manager.get(`/gestion/journal.csv?utilisateur=${encodeURIComponent('Denis.Petit@ext\uFF61aphp.fr')}`)
    expect(journal.statusCode).toBe(200)
    expect(journal.body).toContain('denis.petit@ext.aphp.fr')
    const fragment = await manager.get(`/gestion/journal.csv?utilisateur=${encodeURIComponent('petit@ext\u3002aphp')}`)
    expect(fragment.body).toContain('denis.petit@ext.aphp.fr')
  })
})
