/**
 * One pending login per account (user guide §3.2: a new password step ends the previous one),
 * held by the database: two correct passwords sent in parallel could each delete the other's
 * not-yet-committed challenge and leave two. The challenge is now written with one upsert on
 * this unique index (docs/performance.md: one statement instead of a delete and an insert).
 */
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  // Keep the newest challenge of each account (ties: the greater digest).
  await sql`
    delete from login_challenge where exists (
      select 1 from login_challenge newer
      where newer.account_id = login_challenge.account_id
        and (newer.created_at > login_challenge.created_at
          or (newer.created_at = login_challenge.created_at and newer.id_digest > login_challenge.id_digest)))
  `.execute(db)
  await db.schema.dropIndex('login_challenge_by_account').execute()
  await db.schema.createIndex('login_challenge_one_per_account').on('login_challenge').column('account_id').unique().execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('login_challenge_one_per_account').execute()
  await db.schema.createIndex('login_challenge_by_account').on('login_challenge').column('account_id').execute()
}
