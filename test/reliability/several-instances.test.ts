/**
 * Several instances behind a load balancer (issue 6, « Several instances »): two real server
 * processes on different ports share one PostgreSQL database and one SMTP server. Everything a
 * request leaves behind lives in the database (sessions, pre-login challenges, lock counters,
 * rate limits, the outbox), so a browser may be sent to either instance at every request.
 *
 * PostgreSQL only: several processes on one SQLite file is not a supported deployment (see the
 * README), so this file runs in the PostgreSQL pass of the test command (TEST_DB=postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine, type TestApp, type TestDatabase } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { codeIn } from '../helpers/mailbox.ts'
import { startSmtpCapture, type SmtpCapture } from '../helpers/browser-harness.ts'
import { HttpClient, sleep, startServer, waitFor, type ServerProcess } from '../helpers/processes.ts'
import { composeEmail } from '../../src/kernel/mail/compose.ts'
import { enqueueMail } from '../../src/kernel/mail/outbox.ts'

const codeSubject = 'BaMaRa - Mot de passe à usage unique'

describe.skipIf(testEngine !== 'postgres')('two instances sharing one PostgreSQL database', () => {
  let database: TestDatabase
  let seed: TestApp
  let smtp: SmtpCapture
  let one: ServerProcess
  let two: ServerProcess
  let a: TestHospital

  beforeAll(async () => {
    database = await createTestDatabase()
    // Migrates the database and gives the test its own connection; its dispatcher stays off.
    seed = await buildTestApp({ database })
    ;({ a } = await createTwoHospitals(seed.db))
    smtp = await startSmtpCapture()
    const env = { ...database.env, SMTP_URL: smtp.url }
    ;[one, two] = await Promise.all([startServer(env), startServer(env)])
  }, 90_000)

  afterAll(async () => {
    const codes = await Promise.all([one?.stop(), two?.stop()])
    await seed?.close()
    await database?.drop()
    await smtp?.stop()
    expect(codes).toEqual([0, 0])
  })

  /** Password through `first`, the emailed code through `second`; returns the browser, logged in on `landing`. */
  async function logIn (email: string, first: ServerProcess, second: ServerProcess, landing = '/mon-compte'): Promise<HttpClient> {
    const browser = new HttpClient(first.baseUrl)
    const before = smtp.emailsTo(email).filter((m) => m.subject === codeSubject).length
    const passwordStep = await browser.post('/connexion', { email, password: testPassword })
    expect(passwordStep.status).toBe(303)
    expect(passwordStep.location).toBe('/connexion/code')
    const codeEmail = await smtp.waitForEmail(email, { subject: codeSubject, skip: before })
    const codeStep = await browser.through(second.baseUrl).post('/connexion/code', { code: codeIn(codeEmail) })
    expect(codeStep.status).toBe(303)
    expect(codeStep.location).toBe(landing)
    return browser
  }

  it('accepts through one instance the code requested through the other (the pre-login cookie travels with the browser)', async () => {
    const email = 'code.traveller@chu-a.fr'
    await createAccount(seed.db, { email, siteIds: [a.siteIds[0] as string] })
    const browser = await logIn(email, one, two)
    expect((await browser.get('/mon-compte')).status).toBe(200)
    expect((await browser.through(two.baseUrl).get('/mon-compte')).status).toBe(200)
  })

  it('shares the lock counter: parallel wrong passwords spread over both instances lock once and send one unlock email', async () => {
    const email = 'lock.target@chu-a.fr'
    const id = await createAccount(seed.db, { email, siteIds: [a.siteIds[0] as string] })
    const attackers = Array.from({ length: 8 }, (_, i) => new HttpClient((i % 2 === 0 ? one : two).baseUrl))
    await Promise.all(attackers.map((browser) => browser.csrfToken()))
    const answers = await Promise.all(attackers.map((browser) => browser.post('/connexion', { email, password: 'Mauvais-Mot-2-Passe!' })))
    expect(answers.map((r) => r.status)).toEqual(attackers.map(() => 401))

    const account = await seed.db.selectFrom('account').select(['locked_at', 'failed_password_count']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(account.locked_at).not.toBeNull()
    const queued = await seed.db.selectFrom('outbox').select(['id', 'template']).where('recipient', '=', email).execute()
    expect(queued.map((r) => r.template)).toEqual(['unlock'])
    const locks = await seed.db.selectFrom('audit_event').select('id').where('type', '=', 'account.locked').where('target_id', '=', id).execute()
    expect(locks).toHaveLength(1)

    await smtp.waitForEmail(email)
    await sleep(2500) // a poll round of both instances: nothing more leaves
    expect(smtp.emailsTo(email)).toHaveLength(1)

    // Locked for both: the right password is refused through either instance.
    for (const server of [one, two]) {
      const attempt = await new HttpClient(server.baseUrl).post('/connexion', { email, password: testPassword })
      expect(attempt.status).toBe(401)
    }
  })

  it('ends on the other instance the session of an account deactivated through one', async () => {
    const email = 'soon.gone@chu-a.fr'
    const id = await createAccount(seed.db, { email, siteIds: [a.siteIds[1] as string] })
    await createAccount(seed.db, { email: 'manager@chu-a.fr', siteIds: [a.adminSiteId], lastName: 'Gestion' })
    const user = (await logIn(email, two, two)).through(two.baseUrl)
    expect((await user.get('/mon-compte')).status).toBe(200)

    const manager = await logIn('manager@chu-a.fr', one, one, '/gestion')
    expect((await manager.get(`/gestion/comptes/${id}/desactiver`)).status).toBe(200)
    const deactivated = await manager.post(`/gestion/comptes/${id}/desactiver`, {})
    expect(deactivated.status).toBe(303)

    const after = await user.get('/mon-compte')
    expect(after.status).toBe(303)
    expect(after.location).toMatch(/^\/connexion/)
    expect((await user.through(one.baseUrl).get('/mon-compte')).status).toBe(303)
    const sessions = await seed.db.selectFrom('session').select('id_digest').where('account_id', '=', id).execute()
    expect(sessions).toEqual([])
  })

  it('sends every outbox email exactly once although both instances deliver', async () => {
    const now = Date.now()
    await seed.db.transaction().execute(async (tx) => {
      for (let i = 0; i < 40; i++) {
        await enqueueMail(tx, composeEmail(seed.app.mailContext, {
          template: 'reliabilityProbe', to: `probe${i}@chu-a.fr`, subject: `Essai ${i}`, greeting: 'anyone', paragraphs: ['Essai de distribution.'],
        }), now)
      }
    })
    await waitFor(async () => {
      const left = await seed.db.selectFrom('outbox').select('id').where('status', '!=', 'sent').execute()
      return left.length === 0
    }, { timeout: 30_000, what: 'every email sent' })
    await sleep(2500)

    const rows = await seed.db.selectFrom('outbox').select(['recipient', 'subject', 'status']).execute()
    expect(rows.every((r) => r.status === 'sent')).toBe(true)
    expect(smtp.messages).toHaveLength(rows.length)
    for (let i = 0; i < 40; i++) {
      expect(smtp.emailsTo(`probe${i}@chu-a.fr`).map((m) => m.subject)).toEqual([`BaMaRa - Essai ${i}`])
    }
    const delivered = new Map<string, number>()
    for (const m of smtp.messages) delivered.set(`${m.to} ${m.subject}`, (delivered.get(`${m.to} ${m.subject}`) ?? 0) + 1)
    const queued = new Map<string, number>()
    for (const r of rows) queued.set(`${r.recipient} ${r.subject}`, (queued.get(`${r.recipient} ${r.subject}`) ?? 0) + 1)
    expect(delivered).toEqual(queued)
  })
})
