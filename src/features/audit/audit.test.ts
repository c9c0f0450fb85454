import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { chainHash, recordEvent } from '../../kernel/audit/audit-trail.ts'
import { verifyAuditChain } from './index.ts'

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

  it('links to the real head when the one this process remembers is stale (rolled back, or written by another instance)', async () => {
    const before = Number((await t.db.selectFrom('audit_chain_head').select('seq').executeTakeFirstOrThrow()).seq)
    await expect(t.db.transaction().execute(async (tx) => {
      await recordEvent(tx, { type: 'test.rolledBack' }, t.clock.now())
      throw new Error('rolled back')
    })).rejects.toThrow('rolled back')
    await record('test.afterRollback')
    // Another instance moves the head behind this process's back: its next event must follow it.
    await t.db.transaction().execute(async (tx) => {
      const head = await tx.selectFrom('audit_chain_head').select(['seq', 'hash']).executeTakeFirstOrThrow()
      const other = { id: crypto.randomUUID(), seq: Number(head.seq) + 1, at: t.clock.now(), type: 'test.otherInstance', actor_id: null, actor_role: null, target_id: null, hospital_id: null, ip: null, user_agent: null, outcome: 'success', details: null, previous_hash: head.hash }
      const hash = chainHash(other)
      await tx.insertInto('audit_event').values({ ...other, hash }).execute()
      await tx.updateTable('audit_chain_head').set({ seq: other.seq, hash }).execute()
    })
    await record('test.afterOtherInstance')
    const types = await t.db.selectFrom('audit_event').select('type').where('seq', '>', before).orderBy('seq').execute()
    expect(types.map((r) => r.type)).toEqual(['test.afterRollback', 'test.otherInstance', 'test.afterOtherInstance'])
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: before + 3 })
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
