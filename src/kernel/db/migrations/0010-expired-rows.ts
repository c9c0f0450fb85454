/**
 * The purge of finished rate-limit windows (kernel/db/expired-rows.ts) finds its rows by when
 * their window started. Anonymous traffic adds one row per email typed at login, so this table
 * can hold many rows; without this index every batch of the purge would read all of them.
 * (Sessions, tokens and login challenges need an account to exist: few rows, no index needed.)
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('rate_limit_by_window_start').on('rate_limit').column('window_start').execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_limit_by_window_start').execute()
}
