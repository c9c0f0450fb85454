import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, testEngine, type TestDatabase } from '../../../../test/helpers/test-app.ts'
import { sql } from 'kysely'
import { createAccount } from '../../../../test/helpers/fixtures.ts'
import { openDatabase, type DatabaseHandle } from '../database.ts'
import { migrateTo, migrateToLatest } from '../migrate.ts'
import { seedProfessions } from '../../../features/reference-data/professions.ts'

describe(`migration 0007: one pending login per account (${testEngine})`, () => {
  let database: TestDatabase
  let handle: DatabaseHandle
  beforeAll(async () => {
    database = await createTestDatabase()
    handle = openDatabase({ databaseUrl: database.env.DATABASE_URL, sqliteFile: database.env.SQLITE_FILE ?? '' })
  })
  afterAll(async () => {
    await handle.close()
    await database.drop()
  })

  const challenge = (accountId: string, digest: string, createdAt: number) => ({
    id_digest: digest, account_id: accountId, code_digest: 'x', created_at: createdAt, code_sent_at: createdAt,
    code_expires_at: createdAt + 60_000, wrong_codes: 0, codes_sent: 1, return_to: null,
  })

  it('keeps the newest of the challenges an account had, then refuses a second one', async () => {
    const db = handle.db
    await migrateTo(db, '0006-account-hospital')
    await seedProfessions(db)
    // Written as the schema of 0006 had them (the fixtures write the columns of later migrations).
    const siteId = 'c7a1b0de-0000-4000-8000-000000000001'
    await sql`insert into hospital (id, name, finess, city) values ('c7a1b0de-0000-4000-8000-000000000000', 'CHU de Test A', '750712184', 'Ville')`.execute(db)
    await sql`insert into site (id, hospital_id, title, kind, search_text) values (${siteId}, 'c7a1b0de-0000-4000-8000-000000000000', 'Malformations ORL rares', 'crmrCoordinating', 'malformations orl rares')`.execute(db)
    const twice = await createAccount(db, { email: 'deux@chu-a.fr', siteIds: [siteId] })
    const once = await createAccount(db, { email: 'un@chu-a.fr', siteIds: [siteId] })
    await db.insertInto('login_challenge').values([
      challenge(twice, 'older', 1000), challenge(twice, 'newer', 2000), challenge(once, 'only', 1000),
    ]).execute()

    await migrateToLatest(db)

    const left = await db.selectFrom('login_challenge').select(['id_digest']).orderBy('id_digest').execute()
    expect(left.map((r) => r.id_digest)).toEqual(['newer', 'only'])
    await expect(db.insertInto('login_challenge').values(challenge(twice, 'third', 3000)).execute()).rejects.toThrow()
  })
})
