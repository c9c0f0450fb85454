/**
 * SIGTERM during load (docs/security.md « What is defended, how, which test »: faults): the real server process gets SIGTERM while 20
 * registrations (each hashing a password, so each takes a while) are in flight. Those requests
 * finish with their normal answer, the process exits 0, and nothing is half-written: every
 * registration is either whole (account, sites, confirmation email in the outbox, audit event)
 * or absent. Runs on both engines (the embedded SQLite file, or a PostgreSQL test database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine, type TestApp, type TestDatabase } from '../helpers/test-app.ts'
import { createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { HttpClient, sleep, startServer, waitFor, type HttpResponse, type ServerProcess } from '../helpers/processes.ts'

const password = 'Tulipe-Rouge-1987!'

describe(`SIGTERM while requests run (${testEngine})`, () => {
  let database: TestDatabase
  let seed: TestApp
  let server: ServerProcess
  let a: TestHospital

  beforeAll(async () => {
    database = await createTestDatabase()
    seed = await buildTestApp({ database })
    ;({ a } = await createTwoHospitals(seed.db))
    // Info level: the log says when each request reached the server.
    server = await startServer({ ...database.env, LOG_LEVEL: 'info' })
  }, 60_000)

  afterAll(async () => {
    await server?.stop('SIGKILL')
    await seed?.close()
    await database?.drop()
  })

  function register (browser: HttpClient, email: string) {
    return browser.post('/inscription', {
      civilite: 'm', nom: 'Martin', prenom: 'Paul', email,
      motDePasse: password, confirmationMotDePasse: password,
      profession: 'medecin', hopital: a.id, sites: [a.siteIds[0] as string, a.siteIds[1] as string], cgu: 'oui',
    })
  }

  /** Each part of one registration, counted: all present (1, ≥1, 1, 1) or all absent (0s). */
  async function registrationParts (email: string) {
    const account = await seed.db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirst()
    const sites = account
      ? await seed.db.selectFrom('account_site').select('site_id').where('account_id', '=', account.id).execute()
      : []
    const emails = await seed.db.selectFrom('outbox').select('id').where('recipient', '=', email).where('template', '=', 'emailConfirmation').execute()
    const events = account
      ? await seed.db.selectFrom('audit_event').select('id').where('type', '=', 'account.registered').where('target_id', '=', account.id).execute()
      : []
    return { account: account ? 1 : 0, sites: sites.length, emails: emails.length, events: events.length }
  }

  it('lets in-flight requests finish, exits 0, and leaves each registration whole or absent', async () => {
    const emails = Array.from({ length: 20 }, (_, i) => `paul.martin.${i}@chu-a.fr`)
    const browsers = emails.map(() => new HttpClient(server.baseUrl))
    await Promise.all(browsers.map((browser) => browser.csrfToken()))

    let answered = 0
    const inFlight = emails.map((email, i) => register(browsers[i] as HttpClient, email).finally(() => { answered++ }))
    // SIGTERM once the server has received all 20 (and before it has answered them all).
    const arrived = () => server.output().split('\n').filter((line) => line.includes('"url":"/inscription"') && line.includes('incoming request')).length
    await waitFor(() => arrived() === emails.length, { timeout: 20_000, what: 'the 20 requests to reach the server' })
    expect(answered).toBeLessThan(emails.length)
    const exit = server.stop('SIGTERM')
    await sleep(50)
    // Late arrivals: refused (503 or connection refused), never half-done.
    const lateEmails = ['late.0@chu-a.fr', 'late.1@chu-a.fr']
    const late = lateEmails.map((email) => register(new HttpClient(server.baseUrl), email).catch((error: unknown) => error))

    const answers: HttpResponse[] = await Promise.all(inFlight)
    expect(answers.map((r) => `${r.status} ${r.location}`)).toEqual(emails.map(() => '303 /inscription/envoyee'))
    const started = Date.now()
    expect(await exit, server.output().slice(-2000)).toBe(0)
    expect(Date.now() - started).toBeLessThan(10_000)

    for (const answer of await Promise.all(late)) {
      if (answer instanceof Error) continue
      expect((answer as HttpResponse).status).toBe(503)
    }

    const whole = { account: 1, sites: 2, emails: 1, events: 1 }
    const absent = { account: 0, sites: 0, emails: 0, events: 0 }
    for (const email of emails) expect(await registrationParts(email), email).toEqual(whole)
    for (const email of lateEmails) expect([whole, absent]).toContainEqual(await registrationParts(email))
  }, 60_000)
})
