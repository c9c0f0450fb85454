/**
 * GET /metrics (Prometheus format): closed unless METRICS_TOKEN or METRICS_PORT is set; scraped
 * while logins run, the counters move; no label carries an email address, an account id or any
 * part of a requested URL.
 */
import { recordEvent } from '../audit/audit-trail.ts'
import { sealAuditEvents } from '../audit/audit-seal.ts'
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { logIn, submitPassword } from '../../../test/helpers/login.ts'
import { freePort } from '../../../test/helpers/processes.ts'

const token = 'b'.repeat(16) + '0123456789abcdef0123'

/** Sum of the samples of `name` whose labels include every pair of `labels`. */
function sample (text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const pairs = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([k, v]) => pairs[k] === v)) total += Number(match[3])
  }
  return total
}

/** Every label value of the exposition. */
function labelValues (text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#'))
    .flatMap((line) => [...line.matchAll(/\w+="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] as string))
}

describe(`metrics (${testEngine})`, () => {
  let t: TestApp
  let metricsPort: number
  const accountIds: string[] = []

  beforeAll(async () => {
    metricsPort = await freePort()
    t = await buildTestApp({ env: { METRICS_TOKEN: token, METRICS_PORT: String(metricsPort) } })
    const { a } = await createTwoHospitals(t.db)
    for (let i = 0; i < 4; i++) accountIds.push(await createAccount(t.db, { email: `metrique.${i}@chu-a.fr`, siteIds: [a.siteIds[0] as string] }))
    accountIds.push(await createAccount(t.db, { email: 'metrique.verrou@chu-a.fr', siteIds: [a.siteIds[0] as string] }))
    accountIds.push(await createAccount(t.db, { email: 'metrique.attente@chu-a.fr', siteIds: [a.siteIds[0] as string], state: 'pendingActivation' }))
  }, 60_000)

  afterAll(async () => { await t?.close() })

  const scrape = async () => {
    const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    return response.body
  }

  it('refuses a scrape without the token, with a wrong one, or with the token in the query string', async () => {
    for (const headers of [{}, { authorization: `Bearer ${token.slice(0, -1)}x` }, { authorization: `Basic ${token}` }, { authorization: `Bearer ${token} ` }]) {
      const response = await t.app.inject({ method: 'GET', url: '/metrics', headers })
      expect(response.statusCode).toBe(401)
      expect(response.headers['www-authenticate']).toBe('Bearer')
      expect(response.body).not.toContain('bamara_')
    }
    expect((await t.app.inject({ method: 'GET', url: `/metrics?token=${token}` })).statusCode).toBe(401)
  })

  it('shows the counters moving while logins run, and no personal data in any label', async () => {
    const before = await scrape()
    const browsers = accountIds.slice(0, 4).map(() => new TestBrowser(t.app))
    // Scrapes interleaved with the logins, as Prometheus does not wait for them to end.
    const scrapes: Array<Promise<string>> = []
    await Promise.all(browsers.map(async (browser, i) => {
      scrapes.push(scrape())
      await logIn(t, browser, `metrique.${i}@chu-a.fr`)
      scrapes.push(scrape())
    }))
    const locker = new TestBrowser(t.app)
    for (let i = 0; i < 3; i++) expect((await submitPassword(locker, 'metrique.verrou@chu-a.fr', 'Mauvais-Mot-2-Passe!')).statusCode).toBe(401)
    expect((await submitPassword(locker, 'personne@chu-a.fr', 'Mauvais-Mot-2-Passe!')).statusCode).toBe(401)
    expect((await submitPassword(new TestBrowser(t.app), 'metrique.attente@chu-a.fr')).statusCode).toBe(403)
    // An unknown page whose address holds an email and an account id.
    expect((await locker.get(`/comptes/${accountIds[0]}?email=metrique.0@chu-a.fr`)).statusCode).toBe(404)
    await t.app.mail.deliverDue()
    const during = await Promise.all(scrapes)
    const after = await scrape()

    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels)
    expect(moved('bamara_logins_total', { outcome: 'codeSent' })).toBe(4)
    expect(moved('bamara_logins_total', { outcome: 'refused' })).toBe(3) // two wrong passwords and an unknown email
    expect(moved('bamara_logins_total', { outcome: 'locked' })).toBe(1)
    expect(moved('bamara_logins_total', { outcome: 'statusPage' })).toBe(1)
    expect(moved('bamara_emails_total', { template: 'oneTimeCode', outcome: 'sent' })).toBe(4)
    expect(moved('bamara_emails_total', { template: 'unlock', outcome: 'sent' })).toBe(1)
    expect(moved('bamara_http_request_duration_seconds_count', { method: 'POST', route: '/connexion', status: '303' })).toBe(4)
    expect(moved('bamara_http_request_duration_seconds_count', { method: 'POST', route: '/connexion/code', status: '303' })).toBe(4)
    expect(moved('bamara_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1)
    expect(moved('bamara_password_hash_duration_seconds_count', { operation: 'verify' })).toBeGreaterThanOrEqual(9)
    expect(sample(after, 'bamara_password_hash_queue_wait_seconds_count', { operation: 'verify' })).toBeGreaterThanOrEqual(9)
    // The scrapes taken during the run saw it progress.
    expect(Math.max(...during.map((text) => sample(text, 'bamara_logins_total', { outcome: 'codeSent' })))).toBeGreaterThan(sample(before, 'bamara_logins_total', { outcome: 'codeSent' }))

    expect(sample(after, 'bamara_outbox_pending_emails')).toBe(0)
    expect(sample(after, 'bamara_outbox_oldest_pending_age_seconds')).toBe(0)
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m)
    expect(after).toMatch(/^process_cpu_seconds_total /m)
    if (testEngine === 'postgres') {
      expect(after).toMatch(/^bamara_db_pool_connections\{state="in_use"\} \d+$/m)
      expect(after).toMatch(/^bamara_db_pool_connections\{state="waiting"\} \d+$/m)
    }

    for (const text of [before, after, ...during]) {
      for (const value of labelValues(text)) {
        expect(value).not.toMatch(/@/)
        expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)
        expect(value).not.toContain('?')
      }
      for (const id of accountIds) expect(text).not.toContain(id)
      expect(text).not.toContain('metrique')
    }
  })

  it('shows the age of the oldest email not sent yet', async () => {
    await t.db.insertInto('outbox').values({
      id: 'metrics-test-email', recipient: 'x@chu-a.fr', subject: 's', text_body: 't', html_body: null, template: 'test',
      created_at: t.clock.now() - 90_000, status: 'pending', attempts: 1, next_attempt_at: t.clock.now() + 60_000,
      claimed_until: null, sent_at: null, last_error: 'SMTP down',
    }).execute()
    const text = await scrape()
    expect(sample(text, 'bamara_outbox_pending_emails')).toBe(1)
    expect(sample(text, 'bamara_outbox_oldest_pending_age_seconds')).toBe(90)
    await t.db.deleteFrom('outbox').where('id', '=', 'metrics-test-email').execute()
  })

  it('shows the audit events not sealed yet and the age of the oldest (a stopped sealer shows)', async () => {
    await sealAuditEvents(t.db)
    expect(sample(await scrape(), 'bamara_audit_unsealed_events')).toBe(0)
    await t.db.transaction().execute((tx) => recordEvent(tx, { type: 'test.unsealed' }, t.clock.now() - 45_000))
    const text = await scrape()
    expect(sample(text, 'bamara_audit_unsealed_events')).toBe(1)
    expect(sample(text, 'bamara_audit_oldest_unsealed_age_seconds')).toBe(45)
    await sealAuditEvents(t.db)
    expect(sample(await scrape(), 'bamara_audit_oldest_unsealed_age_seconds')).toBe(0)
  })

  it('also serves them on METRICS_PORT, bound to 127.0.0.1 only, without token', async () => {
    const get = (host: string, path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get({ host, port: metricsPort, path }, (response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => { body += chunk.toString() })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      }).on('error', reject)
    })
    const local = await get('127.0.0.1', '/metrics')
    expect(local.status).toBe(200)
    expect(local.body).toMatch(/^bamara_logins_total\{outcome="codeSent"\} \d+$/m)
    expect((await get('127.0.0.1', '/')).status).toBe(404)
    expect((await get('127.0.0.1', '/connexion')).status).toBe(404)
  })

  it('has no /metrics at all when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const closed = await buildTestApp()
    try {
      const response = await closed.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })
      expect(response.statusCode).toBe(404)
      expect(response.body).not.toContain('bamara_')
    } finally {
      await closed.close()
    }
  })
})
