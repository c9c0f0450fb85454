import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { emailsTo, lastEmailTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { days, minutes } from '../../config.ts'
import { sendConfirmationEmail } from './index.ts'

let counter = 0
const uniqueEmail = () => `paul.martin.${++counter}@chu-a.fr`

const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('jeton') as string

async function confirmedAt (t: TestApp, accountId: string) {
  const row = await t.db.selectFrom('account').select('email_confirmed_at').where('id', '=', accountId).executeTakeFirstOrThrow()
  return row.email_confirmed_at
}

async function eventCount (t: TestApp, accountId: string, type: string) {
  const rows = await t.db.selectFrom('audit_event').select('id').where('target_id', '=', accountId).where('type', '=', type).execute()
  return rows.length
}

describe(`email confirmation, user guide §2.1 and §5 (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital

  /** An unconfirmed account and the link of its confirmation email, issued through the public API. */
  async function unconfirmedAccountWithLink (siteIds = [a.siteIds[0] as string]) {
    const email = uniqueEmail()
    const accountId = await createAccount(t.db, { email, siteIds, state: 'unconfirmed', lastName: 'Martin' })
    await t.db.transaction().execute((tx) => sendConfirmationEmail(t.app.flow, tx, accountId))
    return { email, accountId, link: pathOfLinkIn(await lastEmailTo(t.db, email)) }
  }

  beforeAll(async () => {
    t = await buildTestApp({ rules: { confirmationResendsPerEmail: 1000, confirmationResendsPerAddress: 1000 } })
    ;({ a } = await createTwoHospitals(t.db))
  })
  afterAll(async () => { await t.close() })

  it('emails « BaMaRa - Veuillez confirmer votre adresse email » with a link valid 7 days', async () => {
    const { email, link } = await unconfirmedAccountWithLink()
    const sent = await lastEmailTo(t.db, email)
    expect(sent.subject).toBe('BaMaRa - Veuillez confirmer votre adresse email')
    expect(sent.text).toContain('Bonjour Madame Martin,')
    expect(sent.text).toContain('Ce lien est valable 7 jours')
    expect(link).toMatch(/^\/confirmation\?jeton=[A-Za-z0-9_-]{43}$/)
    const stored = await t.db.selectFrom('account_token').select(['digest', 'expires_at', 'purpose']).execute()
    expect(stored.some((row) => row.digest === tokenOf(link))).toBe(false)
    expect(stored.some((row) => row.purpose === 'emailConfirmation' && row.expires_at === t.clock.now() + days(7))).toBe(true)
  })

  it('opens a page with one button and changes nothing on GET, without leaking the link as referrer', async () => {
    const { accountId, link } = await unconfirmedAccountWithLink()
    const browser = new TestBrowser(t.app)
    for (let i = 0; i < 2; i++) {
      const page = await browser.get(link)
      expect(page.statusCode).toBe(200)
      expect(page.headers['referrer-policy']).toBe('no-referrer')
      expect(page.body).toContain('Confirmer mon adresse email')
      expect(page.body).toContain('action="/confirmation"')
    }
    expect(await confirmedAt(t, accountId)).toBeNull()
  })

  it('confirms the address on POST, records the event, and refuses the link afterwards', async () => {
    const { accountId, link } = await unconfirmedAccountWithLink()
    const browser = new TestBrowser(t.app)
    const confirmed = await browser.post('/confirmation', { jeton: tokenOf(link) })
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.headers['referrer-policy']).toBe('no-referrer')
    expect(confirmed.body).toContain('Votre adresse email est confirmée')
    expect(confirmed.body).toContain('Un gestionnaire des comptes de votre établissement doit maintenant activer votre compte.')
    expect(await confirmedAt(t, accountId)).toBe(t.clock.now())
    expect(await eventCount(t, accountId, 'account.emailConfirmed')).toBe(1)
    expect(browser.cookies.has(t.app.sessionCookie)).toBe(false)

    const replayed = await browser.post('/confirmation', { jeton: tokenOf(link) })
    expect(replayed.statusCode).toBe(400)
    expect(replayed.body).toContain('Lien de confirmation invalide ou expiré')
    expect(replayed.body).toContain('action="/confirmation/renvoyer"')
    const reopened = await browser.get(link)
    expect(reopened.statusCode).toBe(400)
    expect(reopened.body).toContain('Renvoyer l’email de confirmation')
    expect(await eventCount(t, accountId, 'account.emailConfirmed')).toBe(1)
  })

  it('accepts the link until its 7 days are over and refuses it after (TestClock)', async () => {
    const early = await unconfirmedAccountWithLink()
    const late = await unconfirmedAccountWithLink()
    const browser = new TestBrowser(t.app)
    t.clock.advance(days(7) - minutes(1))
    expect((await browser.post('/confirmation', { jeton: tokenOf(early.link) })).statusCode).toBe(200)
    t.clock.advance(minutes(1))
    const expiredPage = await browser.get(late.link)
    expect(expiredPage.statusCode).toBe(400)
    expect(expiredPage.body).toContain('il est valable 7 jours')
    const expired = await browser.post('/confirmation', { jeton: tokenOf(late.link) })
    expect(expired.statusCode).toBe(400)
    expect(await confirmedAt(t, late.accountId)).toBeNull()
  })

  it('confirms exactly once when two requests race with one link', async () => {
    const { accountId, link } = await unconfirmedAccountWithLink()
    const responses = await Promise.all([0, 1, 2, 3].map(() => new TestBrowser(t.app).post('/confirmation', { jeton: tokenOf(link) })))
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 400, 400, 400])
    expect(await eventCount(t, accountId, 'account.emailConfirmed')).toBe(1)
  })

  it('tells an account manager that the BaMaRa super-administrators will activate the account', async () => {
    const { link } = await unconfirmedAccountWithLink([a.adminSiteId])
    const confirmed = await new TestBrowser(t.app).post('/confirmation', { jeton: tokenOf(link) })
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('Votre demande d’inscription est envoyée aux super-administrateurs de BaMaRa (équipe BNDMR). Ce sont eux qui activeront votre compte.')
  })

  it('says each thing once on the « adresse confirmée » page, for a user and for an account manager, in French and in English', async () => {
    /** The page's sentences (and clauses), tags removed, compared without case or final punctuation. */
    const sentencesOf = (body: string) => (/<main[^>]*>([\s\S]*)<\/main>/.exec(body)?.[1] ?? '')
      .replace(/<\/(h1|h2|p|li|div)>/g, '. ').replace(/<[^>]+>/g, ' ')
      .split(/[.!?:;]+(?:\s+|$)/).map((s) => s.replace(/\s+/g, ' ').trim().toLowerCase()).filter((s) => s.length > 0)
    for (const [siteIds, lang] of [[[a.siteIds[0] as string], 'fr'], [[a.adminSiteId], 'fr'], [[a.siteIds[0] as string], 'en'], [[a.adminSiteId], 'en']] as const) {
      const { link } = await unconfirmedAccountWithLink([...siteIds])
      const confirmed = await new TestBrowser(t.app, { 'accept-language': lang }).post('/confirmation', { jeton: tokenOf(link) })
      expect(confirmed.statusCode).toBe(200)
      const sentences = sentencesOf(confirmed.body)
      expect(sentences.length).toBeGreaterThan(3)
      expect(sentences.filter((s, i) => sentences.indexOf(s) !== i), `${lang}, ${siteIds[0] === a.adminSiteId ? 'manager' : 'user'}`).toEqual([])
    }
  })

  it('refuses unknown, malformed, missing, repeated and huge tokens with a 400 page, never a 500', async () => {
    const browser = new TestBrowser(t.app)
    for (const query of ['', '?jeton=', '?jeton=abc', `?jeton=${'A'.repeat(43)}`, `?jeton=${'x'.repeat(100_000)}`, '?jeton=a&jeton=b', '?jeton=%00%0a']) {
      const page = await browser.get(`/confirmation${query}`)
      expect(page.statusCode).toBe(400)
      expect(page.body).toContain('Lien de confirmation invalide ou expiré')
    }
    const forms: Array<Record<string, string | string[]>> = [{}, { jeton: '' }, { jeton: 'A'.repeat(43) }, { jeton: ['a', 'b'] }, { jeton: 'x'.repeat(10_000) }]
    for (const form of forms) {
      const response = await browser.post('/confirmation', form)
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('Lien de confirmation invalide ou expiré')
    }
  })

  it('refuses a confirmation without its CSRF token (403)', async () => {
    const { accountId, link } = await unconfirmedAccountWithLink()
    const browser = new TestBrowser(t.app)
    await browser.get(link)
    const response = await browser.post('/confirmation', { jeton: tokenOf(link) }, { csrf: false })
    expect(response.statusCode).toBe(403)
    expect(await confirmedAt(t, accountId)).toBeNull()
  })

  it('re-sends a link only to an unconfirmed account, voiding the old one, with the same answer in every case', async () => {
    const pending = await unconfirmedAccountWithLink()
    const confirmedEmail = uniqueEmail()
    await createAccount(t.db, { email: confirmedEmail, siteIds: [a.siteIds[0] as string], state: 'pendingActivation' })
    const browser = new TestBrowser(t.app)

    const form = await browser.get('/confirmation/renvoyer')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('autocomplete="email"')

    const answers = []
    for (const email of [` ${pending.email.toUpperCase()} `, confirmedEmail, 'nobody@chu-a.fr']) {
      const response = await browser.post('/confirmation/renvoyer', { email })
      answers.push({ status: response.statusCode, location: response.headers.location, body: response.body })
    }
    expect(answers[0]).toEqual({ status: 303, location: '/confirmation/renvoyee', body: '' })
    expect(answers[1]).toEqual(answers[0])
    expect(answers[2]).toEqual(answers[0])
    const page = await browser.get('/confirmation/renvoyee')
    expect(page.body).toContain('Si un compte en attente de confirmation existe pour cette adresse')

    const pendingEmails = await emailsTo(t.db, pending.email)
    expect(pendingEmails).toHaveLength(2)
    expect(await emailsTo(t.db, confirmedEmail)).toHaveLength(0)
    expect(await emailsTo(t.db, 'nobody@chu-a.fr')).toHaveLength(0)
    expect(await eventCount(t, pending.accountId, 'account.confirmationEmailResent')).toBe(1)

    expect((await browser.post('/confirmation', { jeton: tokenOf(pending.link) })).statusCode).toBe(400)
    const newLink = pathOfLinkIn(pendingEmails[1] as typeof pendingEmails[number])
    expect((await browser.post('/confirmation', { jeton: tokenOf(newLink) })).statusCode).toBe(200)
  })

  it('checks the resend form: empty, malformed, huge and repeated addresses give a 400 page', async () => {
    const browser = new TestBrowser(t.app)
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{}, 'Indiquez votre adresse email.'],
      [{ email: 'pas-une-adresse' }, 'Indiquez une adresse email valide'],
      [{ email: 'x'.repeat(10_000) }, 'Ce champ est trop long'],
      [{ email: ['a@chu-a.fr', 'b@chu-a.fr'] }, 'La valeur de ce champ n’est pas valide.'],
    ]
    for (const [form, message] of cases) {
      const response = await browser.post('/confirmation/renvoyer', form)
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain(message)
    }
  })
})

describe(`confirmation resend limits (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp({ rules: { confirmationResendsPerEmail: 2, confirmationResendsPerAddress: 3 } }) })
  afterAll(async () => { await t.close() })

  it('limits resends per address and per email, saying so in French with Retry-After', async () => {
    const { a } = await createTwoHospitals(t.db)
    const email = 'flood@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [a.siteIds[0] as string], state: 'unconfirmed' })
    const browser = new TestBrowser(t.app)
    expect((await browser.post('/confirmation/renvoyer', { email })).statusCode).toBe(303)
    expect((await browser.post('/confirmation/renvoyer', { email })).statusCode).toBe(303)
    const third = await browser.post('/confirmation/renvoyer', { email })
    expect(third.statusCode).toBe(429)
    expect(third.body).toContain('Trop de demandes en peu de temps.')
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0)
    expect(await emailsTo(t.db, email)).toHaveLength(2)
    expect((await browser.post('/confirmation/renvoyer', { email: 'other@chu-a.fr' })).statusCode).toBe(429)
  })
})
