/**
 * The sealed audit trail with several instances (health-data rules: traceability): two
 * processes write audited events at once while each runs its sealer (one seals at a time, by
 * lease); then any edit, removal or move of a sealed event is detected.
 */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine, type TestApp, type TestDatabase } from '../../../test/helpers/test-app.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { sealAuditEvents } from '../../kernel/audit/audit-seal.ts'
import { verifyAuditChain } from './index.ts'

function runInstance (env: Record<string, string>, events: number): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/audit-instance.ts'], {
    env: { ...process.env, ...env, AUDIT_EVENTS: String(events) }, stdio: ['ignore', 'inherit', 'inherit'],
  })
  return new Promise((resolve) => child.on('exit', resolve))
}

describe(`audit trail written and sealed by two instances sharing one database (${testEngine})`, () => {
  let database: TestDatabase
  let t: TestApp

  beforeAll(async () => {
    database = await createTestDatabase()
    t = await buildTestApp({ database })
  }, 60_000)

  afterAll(async () => {
    await t?.close()
    await database?.drop()
  })

  /** Runs a tampering, checks what verification says, then puts the rows back as they were. */
  async function detects (tamper: () => Promise<void>, expected: { brokenAtSeq: number; reason: string }) {
    const saved = await t.db.selectFrom('audit_event').selectAll().execute()
    const head = await t.db.selectFrom('audit_chain_head').selectAll().executeTakeFirstOrThrow()
    await tamper()
    expect(await verifyAuditChain(t.db)).toEqual({ intact: false, unsealed: 0, ...expected })
    await t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('audit_event').execute()
      for (const row of saved) await tx.insertInto('audit_event').values(row).execute()
      await tx.updateTable('audit_chain_head').set({ seq: head.seq, hash: head.hash }).execute()
    })
    expect(await verifyAuditChain(t.db)).toMatchObject({ intact: true })
  }

  it('seals every event of both instances once, in one unbroken chain, while they write', async () => {
    expect(await Promise.all([runInstance(database.env, 300), runInstance(database.env, 300)])).toEqual([0, 0])
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: 600, unsealed: 0 })
    const places = await t.db.selectFrom('audit_event').select('chain_seq').orderBy('chain_seq').execute()
    expect(places.map((r) => Number(r.chain_seq))).toEqual(Array.from({ length: 600 }, (_, i) => i + 1))
    // Both wrote while the other sealed: the chain interleaves their events.
    const writers = await t.db.selectFrom('audit_event').select('details').orderBy('chain_seq').execute()
    const pids = writers.map((r) => (JSON.parse(r.details ?? '{}') as { pid: number }).pid)
    expect(new Set(pids).size).toBe(2)
    // Each stopped sealer gave its lease back.
    expect((await t.db.selectFrom('audit_chain_head').select('sealer').executeTakeFirstOrThrow()).sealer).toBeNull()
  }, 120_000)

  it('detects an edited sealed event (content, time)', async () => {
    await detects(async () => {
      await t.db.updateTable('audit_event').set({ details: '{"i":999}' }).where('chain_seq', '=', 120).execute()
    }, { brokenAtSeq: 120, reason: 'content altered' })
    await detects(async () => {
      await t.db.updateTable('audit_event').set((eb) => ({ at: eb('at', '-', 1) })).where('chain_seq', '=', 2).execute()
    }, { brokenAtSeq: 2, reason: 'content altered' })
  })

  it('detects a removed sealed event, in the middle, at the end or at the start', async () => {
    await detects(async () => {
      await t.db.deleteFrom('audit_event').where('chain_seq', '=', 200).execute()
    }, { brokenAtSeq: 201, reason: 'link to the previous event broken (event removed or reordered)' })
    await detects(async () => {
      await t.db.deleteFrom('audit_event').where('chain_seq', '>=', 599).execute()
    }, { brokenAtSeq: 599, reason: 'latest events removed' })
    await detects(async () => {
      await t.db.deleteFrom('audit_event').where('chain_seq', '<=', 3).execute()
    }, { brokenAtSeq: 4, reason: 'events removed at the start without a purge record' })
  })

  it('detects two sealed events swapped, whether their places or their contents are exchanged', async () => {
    await detects(async () => {
      await t.db.updateTable('audit_event').set({ chain_seq: -1 }).where('chain_seq', '=', 10).execute()
      await t.db.updateTable('audit_event').set({ chain_seq: 10 }).where('chain_seq', '=', 11).execute()
      await t.db.updateTable('audit_event').set({ chain_seq: 11 }).where('chain_seq', '=', -1).execute()
    }, { brokenAtSeq: 10, reason: 'link to the previous event broken (event removed or reordered)' })
    await detects(async () => {
      const [a, b] = await t.db.selectFrom('audit_event').select(['chain_seq', 'details']).where('chain_seq', 'in', [30, 31]).orderBy('chain_seq').execute()
      await t.db.updateTable('audit_event').set({ details: b?.details ?? null }).where('chain_seq', '=', 30).execute()
      await t.db.updateTable('audit_event').set({ details: a?.details ?? null }).where('chain_seq', '=', 31).execute()
    }, { brokenAtSeq: 30, reason: 'content altered' })
  })

  it('leaves a held lease to its holder until it expires; a forced seal (purge, command line) needs none', async () => {
    const now = Date.now()
    await t.db.updateTable('audit_chain_head').set({ sealer: 'an instance that died', sealer_expires_at: now + 60_000 }).execute()
    await t.db.transaction().execute((tx) => recordEvent(tx, { type: 'test.afterLease' }, now))
    expect(await sealAuditEvents(t.db, { holder: 'me', now, leaseMs: 1000 })).toBe(0)
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: 600, unsealed: 1 })
    expect(await sealAuditEvents(t.db, { holder: 'me', now: now + 60_001, leaseMs: 1000 })).toBe(1)
    expect((await t.db.selectFrom('audit_chain_head').select('sealer').executeTakeFirstOrThrow()).sealer).toBe('me')
    await t.db.transaction().execute((tx) => recordEvent(tx, { type: 'test.forced' }, now))
    expect(await sealAuditEvents(t.db)).toBe(1)
    expect(await verifyAuditChain(t.db)).toEqual({ intact: true, events: 602, unsealed: 0 })
  })
})
