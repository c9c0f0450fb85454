import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { compiledOnce } from './compiled.ts'
import type { Db } from './database.ts'

describe(`queries compiled once (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('binds each call its own values, wherever and however often an argument appears', async () => {
    const count = compiledOnce((db: Db, key: string, start: number) => db.insertInto('rate_limit')
      .values({ key, window_start: start, hits: 1 })
      .onConflict((oc) => oc.column('key').doUpdateSet({ hits: sql<number>`rate_limit.hits + 1`, window_start: start }))
      .returning(['key', 'hits', 'window_start']))
    expect((await count(t.db, 'a', 10)).rows).toEqual([{ key: 'a', hits: 1, window_start: 10 }])
    expect((await count(t.db, 'a', 20)).rows).toEqual([{ key: 'a', hits: 2, window_start: 20 }])
    // A value that looks like SQL stays a value.
    expect((await count(t.db, "b'); drop table rate_limit; --", 30)).rows).toEqual([{ key: "b'); drop table rate_limit; --", hits: 1, window_start: 30 }])
    await t.db.transaction().execute(async (tx) => {
      expect((await count(tx, 'a', 40)).rows[0]?.hits).toBe(3)
    })
  })

  it('refuses, at its first call, a query that does not bind every argument as a value', async () => {
    const unbound = compiledOnce((db: Db, key: string, _unused: number) => db.selectFrom('rate_limit').select('hits').where('key', '=', key))
    await expect(unbound(t.db, 'a', 1)).rejects.toThrow('argument 1 is not bound')
  })

  it.runIf(testEngine === 'postgres')('runs as a named prepared statement on PostgreSQL; any other query does not', async () => {
    const select = (db: Db, column: 'hits' | 'window_start', key: string) => db.selectFrom('rate_limit').select(column).where('key', '=', key)
    const hits = compiledOnce((db: Db, key: string) => select(db, 'hits', key))
    await t.db.transaction().execute(async (tx) => {
      await hits(tx, 'prepared')
      await select(tx, 'window_start', 'not prepared').execute()
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(tx)
      const statements = rows.map((row) => row.statement)
      expect(statements).toContain(select(tx, 'hits', '').compile().sql)
      expect(statements).not.toContain(select(tx, 'window_start', '').compile().sql)
    })
  })
})
