import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { sealAuditEvents } from '../../kernel/audit/audit-seal.ts'
import { verifyAuditChain } from './index.ts'

describe(`audit trail chain (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  const record = (type: string, details?: Record<string, unknown>) =>
    t.db.transaction().execute((tx) => recordEvent(tx, { type, ip: '203.0.113.7', userAgent: 'test\r\nforged: line', details }, t.clock.now()))

  it('writes events in parallel without waiting for the chain, then seals them in one chain without gaps', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => record('test.parallel', { i })))
    const rows = await t.db.selectFrom('audit_event').select(['seq']).orderBy('seq').execute()
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: 0, unsealed: 20 })
    expect(await sealAuditEvents(t.db)).toBe(20)
    const places = await t.db.selectFrom('audit_event').select('chain_seq').orderBy('chain_seq').execute()
    expect(places.map((r) => Number(r.chain_seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: 20, unsealed: 0 })
  })

  it('chains after the last sealed event whatever was rolled back, and seals each event once when sealers race', async () => {
    const before = Number((await t.db.selectFrom('audit_chain_head').select('seq').executeTakeFirstOrThrow()).seq)
    await expect(t.db.transaction().execute(async (tx) => {
      await recordEvent(tx, { type: 'test.rolledBack' }, t.clock.now())
      throw new Error('rolled back')
    })).rejects.toThrow('rolled back')
    await Promise.all(Array.from({ length: 30 }, (_, i) => record('test.afterRollback', { i })))
    // Two instances whose leases both look free to them, and a forced seal (the purge, the CLI).
    const sealed = await Promise.all([
      sealAuditEvents(t.db, { holder: 'one', now: t.clock.now(), leaseMs: 10_000 }),
      sealAuditEvents(t.db, 'force'),
      sealAuditEvents(t.db, { holder: 'two', now: t.clock.now(), leaseMs: 10_000 }),
    ])
    expect(sealed.reduce((a, b) => a + b, 0)).toBe(30)
    const types = await t.db.selectFrom('audit_event').select('type').where('chain_seq', '>', before).orderBy('chain_seq').execute()
    expect(types.map((r) => r.type)).toEqual(Array.from({ length: 30 }, () => 'test.afterRollback'))
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: before + 30, unsealed: 0 })
  })

  it('stores text safely against log injection', async () => {
    const row = await t.db.selectFrom('audit_event').select('user_agent').where('chain_seq', '=', 1).executeTakeFirstOrThrow()
    expect(row.user_agent).not.toMatch(/[\r\n]/)
  })

  it('names the first event whose content was edited', async () => {
    await t.db.updateTable('audit_event').set({ outcome: 'failure' }).where('chain_seq', '=', 7).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: false, brokenAtSeq: 7, reason: 'content altered' })
    await t.db.updateTable('audit_event').set({ outcome: 'success' }).where('chain_seq', '=', 7).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: true })
  })

  it('detects a removed event', async () => {
    await t.db.deleteFrom('audit_event').where('chain_seq', '=', 12).execute()
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: false, brokenAtSeq: 13 })
  })
})
