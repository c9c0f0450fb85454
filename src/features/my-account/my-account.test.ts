import { describe, expect, it } from 'vitest'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, testPassword } from '../../../test/helpers/fixtures.ts'
import { emailsTo, lastEmailTo } from '../../../test/helpers/mailbox.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { verifyPassword } from '../../kernel/security/passwords.ts'
import { digestToken } from '../../kernel/security/tokens.ts'
import { suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

const newPassword = 'Lavande-Verte-2026?'
const passphrase = 'Correct horse battery staple 7! rouge cerise, gare du nord à 9h.'

describe(`my account (${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  let counter = 0


  async function signedInAccount () {
    const email = `jeanne.martin.${++counter}@chu-a.fr`
    const id = await createAccount(s.t.db, {
      email, lastName: 'Martin', firstName: 'Jeanne',
      siteIds: [s.a.siteIds[0] as string, s.a.siteIds[1] as string, s.b.siteIds[2] as string],
    })
    const browser = new TestBrowser(s.t.app)
    const token = await signIn(s.t, browser, id)
    return { id, email, browser, token }
  }

  const changeForm = (current: string, password = newPassword, confirmation = password) =>
    ({ motDePasseActuel: current, nouveauMotDePasse: password, confirmation })

  async function storedHash (id: string) {
    const row = await s.t.db.selectFrom('account').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()
    return row.password_hash
  }

  async function sessionCount (id: string) {
    return (await s.t.db.selectFrom('session').select('id_digest').where('account_id', '=', id).execute()).length
  }

  it('sends an anonymous visitor to the login page, which brings them back', async () => {
    const response = await new TestBrowser(s.t.app).get('/mon-compte')
    expect(response.statusCode).toBe(303)
    const location = new URL(response.headers.location as string, 'http://x')
    expect(location.pathname).toBe('/connexion')
    expect(location.searchParams.get('retour')).toBe('/mon-compte')
    const post = await new TestBrowser(s.t.app).post('/mon-compte/mot-de-passe', changeForm(testPassword))
    expect(post.statusCode).toBe(303)
    expect(post.headers.location).toMatch(/^\/connexion\?/)
  })

  it('shows the user their data, hospitals, sites, status and last login', async () => {
    const { id, browser } = await signedInAccount()
    await s.t.db.updateTable('account').set({ last_login_at: Date.UTC(2026, 10, 27, 8, 30) }).where('id', '=', id).execute()
    const page = await browser.get('/mon-compte')
    expect(page.statusCode).toBe(200)
    for (const text of ['Mon compte', 'Madame', 'Martin', 'Jeanne', `jeanne.martin.${counter}@chu-a.fr`, 'Médecin', 'Actif',
      'CHU de Test A', 'CHU de Test B', 'Malformations ORL rares (MALO)', 'Maladies rénales rares (MARHEA)',
      'Centre de compétence mucoviscidose', '27 novembre 2026 à 09:30', 'Mot de passe actuel',
      'Nouveau mot de passe', 'Confirmez votre nouveau mot de passe', 'Changer mon mot de passe']) {
      expect(page.body, text).toContain(text)
    }
    expect(page.body).toContain('autocomplete="current-password"')
    expect(page.body).toContain('autocomplete="new-password"')
    expect(page.body).not.toContain('$argon2id')
  })

  it('points an account manager to the super-administrators, not to herself, for corrections; a user to the hospital’s account manager', async () => {
    const manager = await createAccount(s.t.db, { email: `gestion.${++counter}@chu-a.fr`, siteIds: [s.a.adminSiteId], lastName: 'Gestion', firstName: 'Gaëlle' })
    const managerBrowser = new TestBrowser(s.t.app)
    await signIn(s.t, managerBrowser, manager)
    const managerPage = await managerBrowser.get('/mon-compte')
    expect(managerPage.statusCode).toBe(200)
    expect(managerPage.body).not.toContain('gestionnaire de comptes de votre établissement')
    expect(managerPage.body).toContain(`adressez-vous aux super-administrateurs de BaMaRa (équipe BNDMR) : ${s.t.config.supportEmail}.`)
    const englishBrowser = new TestBrowser(s.t.app, { 'accept-language': 'en' })
    await signIn(s.t, englishBrowser, manager)
    expect((await englishBrowser.get('/mon-compte')).body).toContain('contact the BaMaRa super-administrators (BNDMR team)')
    const { browser } = await signedInAccount()
    expect((await browser.get('/mon-compte')).body).toContain('adressez-vous au gestionnaire de comptes de votre établissement')
  })

  it('refuses a change without the right current password and keeps everything as it was', async () => {
    const { id, browser } = await signedInAccount()
    const other = new TestBrowser(s.t.app)
    await signIn(s.t, other, id)
    const response = await browser.post('/mon-compte/mot-de-passe', changeForm('Pas-Le-Bon-42!'))
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Le mot de passe actuel est incorrect.')
    expect(response.body).toContain('aria-invalid="true"')
    expect(await verifyPassword(await storedHash(id), testPassword)).toBe(true)
    expect(await sessionCount(id)).toBe(2)
    expect((await other.get('/mon-compte')).statusCode).toBe(200)
    const failure = await s.t.db.selectFrom('audit_event').select(['type', 'outcome']).where('target_id', '=', id).execute()
    expect(failure).toEqual([{ type: 'password.changed', outcome: 'failure' }])
  })

  it('changes the password, ends the other sessions but keeps this one, and emails a notice', async () => {
    const { id, email, browser, token } = await signedInAccount()
    const other = new TestBrowser(s.t.app)
    await signIn(s.t, other, id)
    const response = await browser.post('/mon-compte/mot-de-passe', changeForm(testPassword))
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/mon-compte?mot-de-passe=modifie')

    const hash = await storedHash(id)
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1')).toBe(true)
    expect(await verifyPassword(hash, newPassword)).toBe(true)
    const sessions = await s.t.db.selectFrom('session').select('id_digest').where('account_id', '=', id).execute()
    expect(sessions.map((s) => s.id_digest)).toEqual([digestToken(token)])
    const page = await browser.get('/mon-compte?mot-de-passe=modifie')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Votre mot de passe a été modifié.')
    expect((await other.get('/mon-compte')).statusCode).toBe(303)

    const notice = await lastEmailTo(s.t.db, email)
    expect(notice.subject).toBe('BaMaRa - Votre mot de passe a été modifié')
    const events = await s.t.db.selectFrom('audit_event').select(['type', 'outcome', 'actor_id']).where('target_id', '=', id).execute()
    expect(events).toEqual([{ type: 'password.changed', outcome: 'success', actor_id: id }])
  })

  it('accepts a 64-character passphrase, without truncation or case folding', async () => {
    const { id, browser } = await signedInAccount()
    expect((await browser.post('/mon-compte/mot-de-passe', changeForm(testPassword, passphrase))).statusCode).toBe(303)
    const hash = await storedHash(id)
    expect(await verifyPassword(hash, passphrase)).toBe(true)
    expect(await verifyPassword(hash, `${passphrase}x`)).toBe(false)
    expect(await verifyPassword(hash, passphrase.toUpperCase())).toBe(false)
  })

  it('refuses a mismatch and names each broken rule', async () => {
    const { id, email, browser } = await signedInAccount()
    const cases: Array<[string, string]> = [
      ['Ab1!', 'trop court'],
      ['ABCDEFGH1!', 'une lettre minuscule'],
      ['abcdefgh1!', 'une lettre majuscule'],
      ['Abcdefgh!!', 'un chiffre'],
      ['Abcdefgh12', 'un caractère spécial'],
      ['Password1!', 'figure parmi les plus utilisés'],
      ['Martin-Lilas-42!', 'ni votre nom'],
      ['Test-Lilas-42!', 'ni le nom de votre hôpital'],
    ]
    for (const [password, message] of cases) {
      const response = await browser.post('/mon-compte/mot-de-passe', changeForm(testPassword, password))
      expect(response.statusCode, password).toBe(400)
      expect(response.body, password).toContain(message)
    }
    const mismatch = await browser.post('/mon-compte/mot-de-passe', changeForm(testPassword, newPassword, 'Lavande-Verte-2027?'))
    expect(mismatch.statusCode).toBe(400)
    expect(mismatch.body).toContain('Les deux mots de passe ne sont pas identiques')
    expect(await verifyPassword(await storedHash(id), testPassword)).toBe(true)
    expect(await emailsTo(s.t.db, email)).toHaveLength(0)
  })

  it('limits password change attempts per account (429 with Retry-After)', async () => {
    const { id, browser } = await signedInAccount()
    for (let i = 0; i < s.t.config.rules.passwordChangeAttemptsPerAccount; i++) {
      expect((await browser.post('/mon-compte/mot-de-passe', changeForm(`Mauvais-${i}-Essai!`))).statusCode).toBe(400)
    }
    const refused = await browser.post('/mon-compte/mot-de-passe', changeForm(testPassword))
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(await verifyPassword(await storedHash(id), testPassword)).toBe(true)
    s.t.clock.advance(s.t.config.rules.passwordChangeRateLimitWindow)
    await signIn(s.t, browser, id) // the session idled out while waiting
    expect((await browser.post('/mon-compte/mot-de-passe', changeForm(testPassword))).statusCode).toBe(303)
  })

  it('refuses the change without the CSRF token', async () => {
    const { id, browser } = await signedInAccount()
    const response = await browser.post('/mon-compte/mot-de-passe', changeForm(testPassword), { csrf: false })
    expect(response.statusCode).toBe(403)
    expect(await verifyPassword(await storedHash(id), testPassword)).toBe(true)
  })

  it('answers empty, huge and mistyped forms with a 400 page, never a 500', async () => {
    const { browser } = await signedInAccount()
    const forms: Array<Record<string, string | string[]>> = [
      {}, { motDePasseActuel: '' }, changeForm('x'.repeat(5000)), { ...changeForm(testPassword), nouveauMotDePasse: ['a', 'b'] },
      changeForm(testPassword, 'x'.repeat(2000)),
    ]
    for (const form of forms) {
      const response = await browser.post('/mon-compte/mot-de-passe', form)
      expect(response.statusCode, JSON.stringify(form).slice(0, 60)).toBe(400)
      expect(response.headers['content-type']).toContain('text/html')
    }
    const odd = await browser.get('/mon-compte?mot-de-passe=x&mot-de-passe=y')
    expect(odd.statusCode).toBe(200)
  })

  it('speaks English when asked', async () => {
    const { browser } = await signedInAccount()
    const page = await browser.get('/mon-compte', { 'accept-language': 'en' })
    expect(page.body).toContain('My account')
    expect(page.body).toContain('Current password')
    expect(page.body).toContain('Physician')
  })
})
