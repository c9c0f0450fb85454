import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { createTwoHospitals, createAccount } from '../../../test/helpers/fixtures.ts'
import { accountStatus, findManagedHospitalIds } from '../accounts/accounts.ts'
import { openDatabase } from './database.ts'
import { enforceRateLimit } from '../security/rate-limits.ts'
import { RateLimited } from '../web/errors.ts'

describe(`foundation database (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('runs the migrations and seeds the professions', async () => {
    const professions = await t.db.selectFrom('profession').select('code').execute()
    expect(professions.map((p) => p.code)).toContain('secretaire-medicale')
  })

  it('keeps emails unique ignoring case and surrounding spaces', async () => {
    const { a } = await createTwoHospitals(t.db)
    await createAccount(t.db, { email: 'Claire.Dupont@chu-a.fr ', siteIds: [a.siteIds[0] as string] })
    await expect(createAccount(t.db, { email: ' claire.dupont@CHU-A.fr', siteIds: [a.siteIds[0] as string] })).rejects.toThrow()
  })

  it('derives the guide statuses from separate state fields', () => {
    const base = { email_confirmed_at: null, activated_at: null, deactivated_at: null }
    expect(accountStatus(base)).toBe('unconfirmed')
    expect(accountStatus({ ...base, email_confirmed_at: 1 })).toBe('pendingActivation')
    expect(accountStatus({ ...base, email_confirmed_at: 1, activated_at: 2 })).toBe('active')
    expect(accountStatus({ ...base, email_confirmed_at: 1, activated_at: 2, deactivated_at: 3 })).toBe('deactivated')
  })

  it('finds the hospitals an account manages through its account-manager site', async () => {
    const hospital = await t.db.selectFrom('hospital').select('id').where('finess', '=', '750712184').executeTakeFirstOrThrow()
    const site = await t.db.selectFrom('site').select('id').where('hospital_id', '=', hospital.id).where('kind', '=', 'accountAdministration').executeTakeFirstOrThrow()
    const id = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [site.id] })
    expect(await findManagedHospitalIds(t.db, id)).toEqual([hospital.id])
    // An archived hospital is managed by no one any more.
    await t.db.updateTable('hospital').set({ archived_at: 1 }).where('id', '=', hospital.id).execute()
    expect(await findManagedHospitalIds(t.db, id)).toEqual([])
    await t.db.updateTable('hospital').set({ archived_at: null }).where('id', '=', hospital.id).execute()
  })

  it('counts parallel hits of a rate limit atomically', async () => {
    const rule = { limit: 5, window: 60_000 }
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => enforceRateLimit(t.db, 'test:parallel', rule, 1_000)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5)
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(RateLimited)
    expect((refused.reason as RateLimited).retryAfterSeconds).toBe(60)
    await expect(enforceRateLimit(t.db, 'test:parallel', rule, 61_000)).resolves.toBeUndefined()
  })
})

describe.runIf(testEngine === 'sqlite')('SQLite at open', () => {
  it('gathers the planner\'s statistics through a small page cache, then gives the connection its usual one', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-analyze-')), 'analyze.sqlite')
    const raw = new SQLite(file)
    const defaultCacheSize = raw.pragma('cache_size', { simple: true })
    raw.exec('create table item (id integer primary key, label text not null); create index item_label on item (label)')
    const insert = raw.prepare('insert into item (label) values (?)')
    raw.transaction(() => { for (let i = 0; i < 5000; i++) insert.run(`label ${i % 300}`) })()
    raw.close()
    const handle = openDatabase({ sqliteFile: file })
    try {
      const stats = await sql<{ idx: string }>`select idx from sqlite_stat1 where tbl = 'item'`.execute(handle.db)
      expect(stats.rows.map((r) => r.idx)).toContain('item_label')
      const { rows: [cache] } = await sql<{ cache_size: number }>`pragma cache_size`.execute(handle.db)
      expect(cache?.cache_size).toBe(defaultCacheSize)
    } finally {
      await handle.close()
    }
  })
})
