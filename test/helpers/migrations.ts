/**
 * Migration tests: a brand-new database, opened but not migrated (each test migrates it to the
 * migration before the one under test, writes data as it was then, and migrates on), dropped after.
 */
import { afterAll, beforeAll } from 'vitest'
import { sql } from 'kysely'
import { openDatabase, type Db, type DatabaseHandle } from '../../src/kernel/db/database.ts'
import { createTestDatabase, type TestDatabase } from './test-app.ts'
import { migrateTo } from '../../src/kernel/db/migrate.ts'
import { seedProfessions } from '../../src/features/reference-data/professions.ts'

export interface UnmigratedDatabase { readonly db: Db; readonly database: TestDatabase }

/** Registers the vitest hooks; read `db` and `database` inside the tests. */
export function useUnmigratedDatabase (): UnmigratedDatabase {
  let database: TestDatabase | undefined
  let handle: DatabaseHandle | undefined
  beforeAll(async () => {
    database = await createTestDatabase()
    handle = openDatabase({ databaseUrl: database.env.DATABASE_URL, sqliteFile: database.env.SQLITE_FILE ?? '' })
  })
  afterAll(async () => {
    await handle?.close()
    await database?.drop()
  })
  return {
    get db () { if (!handle) throw new Error('database not open yet'); return handle.db },
    get database () { if (!database) throw new Error('database not created yet'); return database },
  }
}

/**
 * One hospital and one site written with the columns they had from migration 0006 to 0010 (the
 * fixtures write the columns of later migrations, such as the French sort key). Returns the site.
 */
export async function createSiteAsBeforeFrenchOrder (db: Db): Promise<string> {
  const hospitalId = 'c7a1b0de-0000-4000-8000-000000000000'
  const siteId = 'c7a1b0de-0000-4000-8000-000000000001'
  await sql`insert into hospital (id, name, finess, city) values (${hospitalId}, 'CHU de Test A', '750712184', 'Ville')`.execute(db)
  await sql`insert into site (id, hospital_id, title, kind, search_text) values (${siteId}, ${hospitalId}, 'Malformations ORL rares', 'crmrCoordinating', 'malformations orl rares')`.execute(db)
  return siteId
}

/**
 * The database as it was right after `migration`: migrated that far, professions seeded and one
 * site written with the columns of then. Returns the site, for the accounts the test writes.
 */
export async function migratedUpTo (db: Db, migration: string): Promise<string> {
  await migrateTo(db, migration)
  await seedProfessions(db)
  return createSiteAsBeforeFrenchOrder(db)
}
