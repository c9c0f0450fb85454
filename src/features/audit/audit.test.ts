import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { recordEvent, verifyAuditChain } from './index.ts'

describe(`audit trail chain (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  const record = (type: string, details?: Record<string, unknown>) =>
    t.db.transaction().execute((tx) => recordEvent(tx, { type, ip: '203.0.113.7', userAgent: 'test\r\nforged: line', details }, t.clock.now()))

  it('chains events recorded in parallel without gaps', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => record('test.parallel', { i })))
    const rows = await t.db.selectFrom('audit_event').select(['seq']).orderBy('seq').execute()
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: 20 })
  })

  it('stores text safely against log injection', async () => {
    const row = await t.db.selectFrom('audit_event').select('user_agent').where('seq', '=', 1).executeTakeFirstOrThrow()
    expect(row.user_agent).not.toMatch(/[\r\n]/)
  })

  it('names the first event whose content was edited', async () => {
    await t.db.updateTable('audit_event').set({ outcome: 'failure' }).where('seq', '=', 7).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: false, brokenAtSeq: 7, reason: 'content altered' })
    await t.db.updateTable('audit_event').set({ outcome: 'success' }).where('seq', '=', 7).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: true })
  })

  it('detects a removed event', async () => {
    await t.db.deleteFrom('audit_event').where('seq', '=', 12).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: false, brokenAtSeq: 13 })
  })
})
