/**
 * The journal (ASVS 16.2, docs/security.md « Audit trail ») and retention: an account manager sees the events about their hospital's
 * users only (page and CSV), a super-administrator all; filters; CSV escaping against formula
 * injection; the purge deletes from the start of the chain only and the chain still verifies.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount } from '../../../test/helpers/fixtures.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { days } from '../../config.ts'
import { csvCell } from '../../kernel/web/csv.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { purgeAuditEvents, verifyAuditChain } from './index.ts'
import { flowContext } from '../../kernel/flow-context.ts'
import { suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

describe(`audit journal at /gestion/journal (${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  let userA = ''
  let userB = ''
  let browserA: TestBrowser
  let browserB: TestBrowser
  let superadmin: TestBrowser

  beforeAll(async () => {
    userA = await createAccount(s.t.db, { email: 'alice@chu-a.fr', siteIds: [s.a.siteIds[0] as string] })
    userB = await createAccount(s.t.db, { email: 'bob@chu-b.fr', siteIds: [s.b.siteIds[0] as string] })
    const record = (type: string, targetId: string, details?: Record<string, unknown>) =>
      s.t.db.transaction().execute((tx) => recordEvent(tx, { type, actorId: targetId, targetId, ip: '192.0.2.1', userAgent: 'UA', details }, s.t.clock.now()))
    await record('login.succeeded', userA)
    await record('login.succeeded', userB)
    await record('login.passwordRejected', userB, { reason: '=HYPERLINK("http://evil")' })
    browserA = new TestBrowser(s.t.app)
    await signIn(s.t, browserA, await createAccount(s.t.db, { email: 'gestion@chu-a.fr', siteIds: [s.a.adminSiteId] }))
    browserB = new TestBrowser(s.t.app)
    await signIn(s.t, browserB, await createAccount(s.t.db, { email: 'gestion@chu-b.fr', siteIds: [s.b.adminSiteId] }))
    superadmin = new TestBrowser(s.t.app)
    await signIn(s.t, superadmin, await createAccount(s.t.db, { email: 'admin@bamara.fr', siteIds: [], isSuperadmin: true }))
  })

  it("shows a manager their hospital's events and never another hospital's, in the page and the CSV", async () => {
    const page = await browserA.get('/gestion/journal')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1>Journal des événements</h1>')
    expect(page.body).toContain('alice@chu-a.fr')
    expect(page.body).not.toContain('bob@chu-b.fr')
    const csv = await browserA.get('/gestion/journal.csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toContain('alice@chu-a.fr')
    expect(csv.body).not.toContain('bob@chu-b.fr')
    // Filtering by the other hospital's user gives nothing either.
    const probe = await browserA.get('/gestion/journal.csv?utilisateur=bob')
    expect(probe.body).not.toContain('bob@chu-b.fr')
    expect((await browserA.get('/gestion/journal?utilisateur=bob')).body).toContain('Aucun événement ne correspond à ces critères.')
  })

  it('shows a super-administrator every hospital, and filters by user, type and period', async () => {
    const all = await superadmin.get('/gestion/journal')
    expect(all.body).toContain('alice@chu-a.fr')
    expect(all.body).toContain('bob@chu-b.fr')
    const bob = await superadmin.get('/gestion/journal?utilisateur=BOB%40chu-b&action=login.passwordRejected')
    expect(bob.body).toContain('bob@chu-b.fr')
    expect(bob.body).not.toContain('alice@chu-a.fr')
    expect(bob.body).not.toContain('<code>login.succeeded</code>')
    const today = new Date(s.t.clock.now()).toISOString().slice(0, 10)
    const tomorrow = new Date(s.t.clock.now() + days(1)).toISOString().slice(0, 10)
    expect((await superadmin.get(`/gestion/journal?du=${today}&au=${today}`)).body).toContain('alice@chu-a.fr')
    expect((await superadmin.get(`/gestion/journal?du=${tomorrow}`)).body).toContain('Aucun événement ne correspond à ces critères.')
  })

  it('shows times and reads periods in Paris time, in French format; the CSV in ISO 8601 with the offset', async () => {
    const lateEvening = Date.parse('2026-11-27T23:30:00Z') // 28/11/2026 00:30 in Paris (UTC+1)
    const night = await createAccount(s.t.db, { email: 'nuit@chu-a.fr', siteIds: [s.a.siteIds[0] as string] })
    await s.t.db.transaction().execute((tx) => recordEvent(tx, { type: 'login.succeeded', actorId: night, targetId: night, ip: '192.0.2.1', userAgent: 'UA' }, lateEvening))
    const onParisDay = await superadmin.get('/gestion/journal?utilisateur=nuit&du=2026-11-28&au=2026-11-28')
    expect(onParisDay.body).toContain('nuit@chu-a.fr')
    expect(onParisDay.body).toContain('28/11/2026 00:30:00')
    expect(onParisDay.body).not.toContain('2026-11-27 23:30')
    expect((await superadmin.get('/gestion/journal?utilisateur=nuit&du=2026-11-27&au=2026-11-27')).body).not.toContain('nuit@chu-a.fr')
    const csv = await superadmin.get('/gestion/journal.csv?utilisateur=nuit')
    expect(csv.body).toContain('2026-11-28T00:30:00+01:00')
  })

  it('re-renders a wrong period with a French message and a 400, never a 500', async () => {
    const wrong = await superadmin.get('/gestion/journal?du=2026-02-31')
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Saisissez une date au format aaaa-mm-jj.')
    const reversed = await superadmin.get('/gestion/journal?du=2026-03-02&au=2026-03-01')
    expect(reversed.statusCode).toBe(400)
    expect(reversed.body).toContain('La date de début doit précéder la date de fin.')
    expect((await superadmin.get(`/gestion/journal?utilisateur=${'x'.repeat(5000)}`)).statusCode).toBe(400)
    expect((await superadmin.get('/gestion/journal?page=abc')).statusCode).toBe(400)
  })

  it('escapes CSV cells against formula injection', async () => {
    expect(csvCell('=1+2')).toBe("'=1+2")
    const csv = await superadmin.get('/gestion/journal.csv?action=login.passwordRejected')
    expect(csv.body).not.toMatch(/(^|;)"?=HYPERLINK/m)
  })

  it('refuses the journal to a user without the role (403, audited) and sends a visitor to login', async () => {
    const user = new TestBrowser(s.t.app)
    await signIn(s.t, user, userA)
    expect((await user.get('/gestion/journal')).statusCode).toBe(403)
    expect((await user.get('/gestion/journal.csv')).statusCode).toBe(403)
    expect((await new TestBrowser(s.t.app).get('/gestion/journal')).statusCode).toBe(303)
    const refused = await s.t.db.selectFrom('audit_event').select('type').where('actor_id', '=', userA).where('type', '=', 'admin.actionRefused').execute()
    expect(refused.length).toBe(2)
  })

  it('purges events older than the retention from the start of the chain, and the chain still verifies', async () => {
    s.t.clock.advance(days(400))
    await s.t.db.transaction().execute((tx) => recordEvent(tx, { type: 'login.succeeded', targetId: userA }, s.t.clock.now()))
    const before = await s.t.db.selectFrom('audit_event').select(['seq', 'at']).orderBy('seq').execute()
    const result = await purgeAuditEvents(flowContext(s.t.db, { ...s.t.config, rules: { ...s.t.config.rules, auditRetentionMonths: 12 } }, s.t.clock.now))
    expect(result.removed).toBe(before.length - 1)
    const after = await s.t.db.selectFrom('audit_event').select(['seq', 'type']).orderBy('seq').execute()
    expect(after.map((r) => r.type)).toEqual(['login.succeeded', 'audit.purged'])
    expect(await verifyAuditChain(s.t.db)).toEqual({ intact: true, events: 2, unsealed: 0 })
    // Removing more from the start without a purge record is detected.
    await s.t.db.deleteFrom('audit_event').where('seq', '=', Number(after[0]?.seq)).execute()
    expect(await verifyAuditChain(s.t.db)).toMatchObject({ intact: false, reason: 'events removed at the start without a purge record' })
  })
})
