/**
 * PostgreSQL restarted and stopped while requests run (docs/security.md « What is defended, how, which test »: faults): `/readyz` turns 503
 * while the database is away, requests fail with the clean 503 page (no stack trace, no 500),
 * the process keeps running, and it serves again by itself once the database is back.
 *
 * The database here is a private PostgreSQL cluster started by this file (Debian's binaries, on
 * a free port), never the shared server the other test files use. It runs in the PostgreSQL
 * pass of the test command only (TEST_DB=postgres): restarting a database is a PostgreSQL
 * concern, and running it once is enough.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, testPassword, type TestHospital } from '../helpers/fixtures.ts'
import { HttpClient, PrivatePostgres, sleep, startServer, waitFor, type HttpResponse, type ServerProcess } from '../helpers/processes.ts'

const unavailableTitle = 'Service momentanément indisponible'

/** What no error page may show: a stack frame, a source path, an exception name or a driver message. */
function expectNoInternals (body: string) {
  expect(body).not.toMatch(/\s+at\s+\S+\s+\(|node_modules|\.ts:\d+|Error:|ECONNREFUSED|terminating connection|stack/i)
}

describe.skipIf(testEngine !== 'postgres')('PostgreSQL restarted while requests run', () => {
  let cluster: PrivatePostgres
  let server: ServerProcess
  let a: TestHospital
  const email = 'steady.user@chu-a.fr'

  beforeAll(async () => {
    cluster = await PrivatePostgres.create()
    const admin = new pg.Client({ connectionString: cluster.url })
    await admin.connect()
    await admin.query('create database bamara')
    await admin.end()
    const databaseUrl = cluster.databaseUrl('bamara')
    const seed = await buildTestApp({ database: { env: { DATABASE_URL: databaseUrl }, drop: async () => {} } })
    ;({ a } = await createTwoHospitals(seed.db))
    await createAccount(seed.db, { email, siteIds: [a.siteIds[0] as string] })
    await seed.close()
    server = await startServer({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' })
  }, 90_000)

  afterAll(async () => {
    const code = await server?.stop()
    cluster?.destroy()
    expect(code, server?.output()).toBe(0)
  })

  it('answers 503 cleanly while the database is away and recovers by itself', async () => {
    const answers: HttpResponse[] = []
    const failures: unknown[] = []
    let running = true
    // Steady traffic: a page that reads the database and a login attempt that writes to it.
    const load = (async () => {
      let i = 0
      while (running) {
        const browser = new HttpClient(server.baseUrl)
        try {
          answers.push(await browser.get(`/inscription?hopital=${a.id}`))
          answers.push(await browser.post('/connexion', { email: `nobody${i++}@chu-a.fr`, password: 'Pas-Le-Bon-1!' }))
        } catch (error) {
          failures.push(error)
        }
        await sleep(20)
      }
    })()

    await sleep(500)
    cluster.restart()
    await sleep(500)

    cluster.stop()
    const ready = await new HttpClient(server.baseUrl).get('/readyz')
    expect(ready.status).toBe(503)
    expect(JSON.parse(ready.body)).toEqual({ ready: false })
    const page = await new HttpClient(server.baseUrl).get(`/inscription?hopital=${a.id}`)
    expect(page.status).toBe(503)
    expect(page.headers.get('retry-after')).toBe('5')
    expect(page.body).toContain(unavailableTitle)
    expectNoInternals(page.body)
    await sleep(1000)

    cluster.start()
    await waitFor(async () => (await new HttpClient(server.baseUrl).get('/readyz')).status === 200, { timeout: 30_000, what: '/readyz back to 200' })
    await sleep(500)
    running = false
    await load

    // Back in service, same process: pages and a whole password step work again.
    expect((await new HttpClient(server.baseUrl).get(`/inscription?hopital=${a.id}`)).status).toBe(200)
    const login = await new HttpClient(server.baseUrl).post('/connexion', { email, password: testPassword })
    expect(login.status).toBe(303)
    expect(login.location).toBe('/connexion/code')

    // Under the restart and the outage: only normal answers or the clean 503, never a 500.
    expect(failures).toEqual([])
    const statuses = new Set(answers.map((r) => r.status))
    expect([...statuses].filter((s) => ![200, 303, 401, 503].includes(s))).toEqual([])
    expect(answers.some((r) => r.status === 503)).toBe(true)
    for (const answer of answers.filter((r) => r.status === 503)) {
      expect(answer.body).toContain(unavailableTitle)
      expectNoInternals(answer.body)
    }
  }, 60_000)
})
